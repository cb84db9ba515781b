package io.orderflow.cli;

import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.TransitionUpdate;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code orderflow show ORDER_ID} (or {@code --order ORDER_ID}): current state and history, from orders.events. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show an order's current state and its history.")
final class ShowCommand implements Callable<Integer> {
    private final OrderClient client;

    @Mixin
    OrderRef order;

    @Mixin
    TimeoutOption waiting;

    ShowCommand(OrderClient client) {
        this.client = client;
    }

    @Override
    public Integer call() throws OrderClient.NoAnswer {
        String orderId = order.requiredOrderId();
        List<OrderEvent> events = client.history(orderId, waiting.timeout);
        if (events.isEmpty()) {
            System.err.println("order " + orderId + " has no events: it was never placed (or not yet processed)");
            return ExitCodes.NOT_FOUND;
        }
        OrderSnapshot order = events.get(events.size() - 1).getOrder();
        System.out.printf("order %s: %s (version %d)%n", order.getOrderId(), order.getState().name().toLowerCase(),
                order.getVersion());
        System.out.printf("  customer %s <%s>, total %s%n", order.getDetails().getCustomerId(),
                order.getDetails().getCustomerEmail(), money(order.getTotal()));
        for (OrderLine line : order.getDetails().getLines()) {
            System.out.printf("  %4d x %-12s at %s%n", line.getQuantity(), line.getSku(), money(line.getUnitPrice()));
        }
        if (order.getPaymentReference() != null) {
            System.out.println("  payment " + order.getPaymentReference());
        }
        if (order.getPendingTransition() != null) {
            System.out.println("  in flight: " + order.getPendingTransition().name().toLowerCase());
        }
        if (order.getTrackingNumber() != null) {
            System.out.println("  tracking " + order.getTrackingNumber());
        }
        if (order.getNote() != null) {
            System.out.println("  note: " + order.getNote());
        }
        System.out.println("history:");
        for (OrderEvent e : events) {
            System.out.printf("  v%-3d %s  %-28s by %s:%s%s%n", e.getVersion(), e.getOccurredAt(), describe(e),
                    e.getActor().getUserId(), e.getActor().getRole().name().toLowerCase(), reason(e));
        }
        return 0;
    }

    private static String describe(OrderEvent e) {
        if (e.getBody() instanceof StateChanged c) {
            return c.getTransition().name().toLowerCase() + ": "
                    + (c.getFromState() == null ? "" : c.getFromState().name().toLowerCase() + " -> ")
                    + c.getToState().name().toLowerCase();
        }
        if (e.getBody() instanceof EffectRequested r) {
            return (r.getCompensation() ? "undo/follow-up " : "requested ") + r.getEffect().name().toLowerCase();
        }
        TransitionUpdate u = (TransitionUpdate) e.getBody();
        return u.getStatus().name().toLowerCase() + (u.getTransition() == null ? "" : " " + u.getTransition().name().toLowerCase());
    }

    private static String reason(OrderEvent e) {
        if (e.getBody() instanceof StateChanged c && c.getReason() != null) {
            return " (" + c.getReason() + ")";
        }
        return e.getBody() instanceof TransitionUpdate u ? " (" + u.getReason() + ")" : "";
    }

    static String money(io.orderflow.schema.Money m) {
        return m.getCurrency() + " " + BigDecimal.valueOf(m.getAmountMinor(), 2).toPlainString();
    }
}
