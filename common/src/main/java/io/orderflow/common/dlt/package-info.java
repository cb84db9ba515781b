/**
 * Dead-letter tooling: read every {@code <topic>.dlt} ({@link io.orderflow.common.dlt.DeadLetterTopics}), show a dead
 * letter decoded ({@link io.orderflow.common.dlt.DeadLetter}, {@link io.orderflow.common.dlt.ValueDecoder}), and replay
 * dead letters to their source topic at most once each ({@link io.orderflow.common.dlt.Replayer}, which keeps a replay
 * log on the topic {@code orderflow.dlt-replays}). Used by {@code orderflow dlt} and the admin operations page.
 */
package io.orderflow.common.dlt;
