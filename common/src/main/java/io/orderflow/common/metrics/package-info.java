/**
 * Metrics plumbing shared by the services (the series are listed in docs/metrics.md):
 * {@link io.orderflow.common.metrics.ScrapeSample} for gauges read from the database or the broker on scrape.
 */
package io.orderflow.common.metrics;
