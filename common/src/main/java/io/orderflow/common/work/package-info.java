/**
 * Due work kept in a database table: {@link io.orderflow.common.work.DueWorkRunner} runs any number of threads that
 * claim batches of due rows, perform them one by one, back off, wake on NOTIFY and close cleanly. A worker supplies
 * one {@link io.orderflow.common.work.DueWorkRunner.Queue}: how to claim, and how to perform one item.
 */
package io.orderflow.common.work;
