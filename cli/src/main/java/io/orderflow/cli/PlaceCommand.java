package io.orderflow.cli;

import io.orderflow.domain.Money;
import io.orderflow.domain.OrderDetails;
import io.orderflow.domain.OrderLine;
import io.orderflow.schema.Transition;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code orderflow place}: create an order. */
@Command(name = "place", mixinStandardHelpOptions = true, description = "Place a new order and print the result.")
final class PlaceCommand implements Callable<Integer> {
    private final OrderClient client;

    @Mixin
    OrderRef order;

    @Option(names = "--customer", required = true, description = "Customer id")
    String customerId;

    @Option(names = "--email", required = true, description = "Customer e-mail address")
    String email;

    @Option(names = "--line", required = true, converter = LineOption.class, paramLabel = "SKU:QTY:PRICE",
            description = "An order line, e.g. SKU-1:2:12.50 (repeatable)")
    List<LineOption.Line> lines;

    @Option(names = "--currency", defaultValue = "EUR", description = "ISO 4217 currency (default: ${DEFAULT-VALUE})")
    String currency;

    @Option(names = "--payment-method", defaultValue = "pm_card_ok", description = "Payment method token (default: ${DEFAULT-VALUE})")
    String paymentMethod;

    @Option(names = "--address", description = "Shipping address: [name,] street, postal code city[, country]")
    String address;

    @Mixin
    CommandOptions options;

    PlaceCommand(OrderClient client) {
        this.client = client;
    }

    @Override
    public Integer call() throws Exception {
        String id = order.orderId().orElse("o-" + UUID.randomUUID().toString().substring(0, 8));
        OrderDetails details = new OrderDetails(customerId, email, lines.stream()
                .map(l -> new OrderLine(l.sku(), l.quantity(), new Money(l.unitPriceMinor(), currency))).toList(),
                paymentMethod, address);
        io.orderflow.schema.OrderDetails wire = new io.orderflow.schema.OrderDetails(customerId, email, lines.stream()
                .map(l -> new io.orderflow.schema.OrderLine(l.sku(), l.quantity(),
                        new io.orderflow.schema.Money(l.unitPriceMinor(), currency))).toList(),
                paymentMethod, address);
        return options.send(client, options.command(id, Transition.PLACE).setDetails(wire).build(), details);
    }
}
