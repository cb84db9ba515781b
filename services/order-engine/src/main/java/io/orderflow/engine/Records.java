package io.orderflow.engine;

import io.orderflow.domain.Actor;
import io.orderflow.domain.Command;
import io.orderflow.domain.CommandOutcome;
import io.orderflow.domain.Fulfilment;
import io.orderflow.domain.InFlight;
import io.orderflow.domain.Outcome;
import io.orderflow.domain.Workflow;
import io.orderflow.domain.Money;
import io.orderflow.domain.Order;
import io.orderflow.domain.OrderDetails;
import io.orderflow.domain.OrderLine;
import io.orderflow.domain.RejectionCode;
import io.orderflow.domain.Retry;
import io.orderflow.domain.WatchedRequest;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderRecord;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.ProcessedCommand;
import java.util.OptionalLong;

/** Translates between the wire and store records (Avro) and the pure domain types. */
final class Records {
    private Records() {}

    static Command command(OrderCommand c) {
        return new Command(c.getCommandId(), c.getOrderId(), c.getTransition(),
                c.getExpectedVersion() == null ? OptionalLong.empty() : OptionalLong.of(c.getExpectedVersion()),
                c.getReason(), c.getDetails() == null ? null : details(c.getDetails()), c.getCorrelationId());
    }

    static Actor actor(io.orderflow.schema.Actor a) {
        return new Actor(a.getUserId(), a.getRole());
    }

    static io.orderflow.schema.Actor actor(Actor a) {
        return new io.orderflow.schema.Actor(a.userId(), a.role());
    }

    static Outcome outcome(EffectOutcome o) {
        return new Outcome(o.getOutcomeId(), o.getRequestId(), o.getEffect(), o.getStatus(), o.getReason(),
                o.getReference(), o.getTrackingNumber(), o.getTrackingStatus());
    }

    static Order order(OrderRecord r) {
        OrderSnapshot s = r.getOrder();
        Workflow workflow = new Workflow(r.getInFlight() == null ? null : inFlight(r.getInFlight()), r.getRequestSeq(),
                r.getAbandonedRequests(), s.getNote(), r.getStateSince() != null ? r.getStateSince() : s.getUpdatedAt(),
                r.getOverdueFlagged(), r.getCorrelationId(),
                r.getFollowUps().stream().map(Records::watched).toList(), r.getFlag(),
                r.getRetryTransition() == null ? null
                        : new Retry(r.getRetryTransition(), r.getRetryAttempts(), r.getRetryAt()));
        return new Order(s.getOrderId(), s.getState(), s.getVersion(), details(s.getDetails()), money(s.getTotal()),
                s.getPlacedAt(), s.getUpdatedAt(), r.getProcessed().stream().map(Records::outcome).toList(),
                new Fulfilment(s.getPaymentReference(), s.getLabelId(), s.getTrackingNumber()), workflow);
    }

    static OrderRecord record(Order o) {
        Workflow w = o.workflow();
        return OrderRecord.newBuilder()
                .setOrder(snapshot(o))
                .setInFlight(w.inFlight() == null ? null : inFlight(w.inFlight()))
                .setProcessed(o.recentCommands().stream().map(Records::processed).toList())
                .setRequestSeq(w.requestSeq())
                .setAbandonedRequests(w.abandonedRequests())
                .setStateSince(w.stateSince())
                .setOverdueFlagged(w.overdueFlagged())
                .setCorrelationId(w.correlationId())
                .setFollowUps(w.followUps().stream().map(Records::watched).toList())
                .setFlag(w.flag())
                .setRetryTransition(w.retry() == null ? null : w.retry().transition())
                .setRetryAttempts(w.retry() == null ? 0 : w.retry().attempts())
                .setRetryAt(w.retry() == null ? null : w.retry().at())
                .build();
    }

    static OrderSnapshot snapshot(Order o) {
        return OrderSnapshot.newBuilder()
                .setOrderId(o.id()).setState(o.state()).setVersion(o.version())
                .setDetails(details(o.details())).setTotal(money(o.total()))
                .setPlacedAt(o.placedAt()).setUpdatedAt(o.updatedAt())
                .setPaymentReference(o.fulfilment().paymentReference())
                .setLabelId(o.fulfilment().labelId())
                .setTrackingNumber(o.fulfilment().trackingNumber())
                .setNote(o.workflow().note())
                .setPendingTransition(o.inFlight().map(InFlight::transition).orElse(null))
                .build();
    }

    private static InFlight inFlight(io.orderflow.schema.InFlight f) {
        return new InFlight(f.getRequestId(), f.getTransition(), f.getEffect(), blankToNull(f.getCommandId()),
                actor(f.getActor()), blankToNull(f.getCorrelationId()), f.getReason(), f.getStartedAt() != null ? f.getStartedAt() : f.getDeadline(),
                f.getDeadline(), f.getHeldReason(), f.getHeldUntil());
    }

    private static io.orderflow.schema.InFlight inFlight(InFlight f) {
        return io.orderflow.schema.InFlight.newBuilder()
                .setRequestId(f.requestId()).setTransition(f.transition()).setEffect(f.effect())
                .setCommandId(f.commandId() == null ? "" : f.commandId())
                .setActor(actor(f.actor())).setCorrelationId(f.correlationId() == null ? "" : f.correlationId())
                .setReason(f.reason()).setDeadline(f.deadline()).setStartedAt(f.startedAt())
                .setHeldReason(f.heldReason()).setHeldUntil(f.heldUntil())
                .build();
    }

    private static WatchedRequest watched(io.orderflow.schema.WatchedRequest w) {
        return new WatchedRequest(w.getRequestId(), w.getTransition(), w.getEffect(), w.getSentAt(), w.getDeadline(),
                w.getHeldReason());
    }

    private static io.orderflow.schema.WatchedRequest watched(WatchedRequest w) {
        return new io.orderflow.schema.WatchedRequest(w.requestId(), w.transition(), w.effect(), w.sentAt(),
                w.deadline(), w.heldReason());
    }

    private static OrderDetails details(io.orderflow.schema.OrderDetails d) {
        return new OrderDetails(d.getCustomerId(), d.getCustomerEmail(),
                d.getLines().stream().map(l -> new OrderLine(l.getSku(), l.getQuantity(), money(l.getUnitPrice()))).toList(),
                d.getPaymentMethod(), d.getShippingAddress());
    }

    private static io.orderflow.schema.OrderDetails details(OrderDetails d) {
        return new io.orderflow.schema.OrderDetails(d.customerId(), d.customerEmail(),
                d.lines().stream().map(l -> new io.orderflow.schema.OrderLine(l.sku(), l.quantity(), money(l.unitPrice()))).toList(),
                d.paymentMethod(), d.shippingAddress());
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static Money money(io.orderflow.schema.Money m) {
        return new Money(m.getAmountMinor(), m.getCurrency());
    }

    private static io.orderflow.schema.Money money(Money m) {
        return new io.orderflow.schema.Money(m.minor(), m.currency());
    }

    private static CommandOutcome outcome(ProcessedCommand p) {
        return new CommandOutcome(p.getCommandId(), p.getStatus(),
                p.getRejectionCode() == null ? null : RejectionCode.valueOf(p.getRejectionCode()), p.getMessage());
    }

    private static ProcessedCommand processed(CommandOutcome o) {
        return new ProcessedCommand(o.commandId(), o.status(), o.code() == null ? null : o.code().name(), o.message());
    }
}
