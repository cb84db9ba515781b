package io.orderflow.admin.orders;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topics;
import io.orderflow.domain.Actor;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jdbi.v3.core.Jdbi;

/**
 * Sends commands to the engine on behalf of an authenticated person or token (their user and role go into the
 * command; the engine decides), and reads each command's one result from the read model, where the projector puts
 * orders.command-results.
 */
public final class CommandGateway implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaProducer<byte[], byte[]> producer;
    private final Jdbi jdbi;
    private final Clock clock;

    public CommandGateway(Config config, Jdbi jdbi, Clock clock) {
        this.producer = new KafkaProducer<>(new KafkaConfig(config).producer("admin-web"));
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** A command to send: {@code commandId} null for a fresh one; {@code expectedVersion} null for none. */
    public record Request(String commandId, String orderId, Transition transition, Actor actor, Long expectedVersion,
                          String reason, OrderDetails details) {}

    /** The engine's answer to one command, as projected. */
    public record Result(String commandId, String orderId, String transition, String status, String rejectionCode,
                         String message, String state, Long version, Instant decidedAt) {
        public boolean refused() {
            return "REJECTED".equals(status);
        }

        public boolean staleVersion() {
            return "VERSION_CONFLICT".equals(rejectionCode);
        }
    }

    /** Publishes the command (acknowledged by the broker) and returns its id. */
    public CompletableFuture<String> send(Request r) {
        String commandId = r.commandId() == null || r.commandId().isBlank() ? UUID.randomUUID().toString() : r.commandId();
        OrderCommand command = OrderCommand.newBuilder()
                .setCommandId(commandId)
                .setOrderId(r.orderId())
                .setTransition(r.transition())
                .setActor(new io.orderflow.schema.Actor(r.actor().userId(), r.actor().role()))
                .setExpectedVersion(r.expectedVersion())
                .setReason(r.reason() == null || r.reason().isBlank() ? null : r.reason().trim())
                .setCorrelationId(UUID.randomUUID().toString())
                .setIssuedAt(clock.instant())
                .setDetails(r.details())
                .build();
        CompletableFuture<String> sent = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(Topics.ORDER_COMMANDS.name(), r.orderId().getBytes(StandardCharsets.UTF_8),
                Topics.ORDER_COMMANDS.valueSerde().serializer().serialize(Topics.ORDER_COMMANDS.name(), command)),
                (metadata, error) -> {
                    if (error != null) {
                        sent.completeExceptionally(error);
                    } else {
                        sent.complete(commandId);
                    }
                });
        return sent;
    }

    public void flush() {
        producer.flush();
    }

    public Optional<Result> result(String commandId) {
        return jdbi.withHandle(h -> h.createQuery("""
                select command_id, order_id, transition, status, rejection_code, message, state, version, decided_at
                from command_results where command_id = :id""")
                .bind("id", commandId)
                .map((rs, ctx) -> new Result(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), (Long) rs.getObject(8),
                        rs.getObject(9, OffsetDateTime.class).toInstant()))
                .findOne());
    }

    /** Waits up to {@code timeout} for the command's result; empty if the engine has not answered by then. */
    public Optional<Result> await(String commandId, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<Result> result = result(commandId);
            if (result.isPresent() || !Instant.now().isBefore(deadline)) {
                return result;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
