package io.orderflow.domain.validation;

import static io.orderflow.domain.validation.InputRules.MAX_COMMAND_ID_LENGTH;
import static io.orderflow.domain.validation.InputRules.MAX_LINES;
import static io.orderflow.domain.validation.InputRules.MAX_TOTAL_MINOR;
import static io.orderflow.domain.validation.InputRules.decimal;

import io.orderflow.domain.Command;
import io.orderflow.domain.OrderDetails;
import io.orderflow.domain.OrderLine;
import io.orderflow.schema.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a command against {@link InputRules} and names every problem, not only the first. The engine refuses a
 * command with problems ({@code INVALID_COMMAND}, the problems as the reason); the CLI and the admin web run the same
 * checks before sending. Pure; no I/O.
 */
public final class CommandValidation {
    private CommandValidation() {}

    /**
     * What is wrong with any command: its id and reason. The order id's alphabet is checked at place only, so orders
     * placed before these rules stay reachable.
     */
    public static List<Problem> problems(Command command) {
        List<Problem> problems = new ArrayList<>();
        String commandId = command.commandId();
        if (commandId == null || commandId.isBlank()) {
            problems.add(new Problem("commandId", "command id is missing"));
        } else if (commandId.length() > MAX_COMMAND_ID_LENGTH) {
            problems.add(new Problem("commandId", "command id is " + commandId.length()
                    + " characters long; the limit is " + MAX_COMMAND_ID_LENGTH));
        }
        InputRules.text("reason", "reason", command.reason()).ifPresent(problems::add);
        if (command.transition() == Transition.PLACE && command.details() != null) {
            problems.addAll(placeProblems(command.orderId(), command.details()));
        }
        return problems;
    }

    /** What is wrong with an order to place: its id and every detail, each problem naming its field and limit. */
    public static List<Problem> placeProblems(String orderId, OrderDetails d) {
        List<Problem> problems = new ArrayList<>();
        InputRules.id("orderId", "order id", orderId).ifPresent(problems::add);
        InputRules.id("customerId", "customer id", d.customerId()).ifPresent(problems::add);
        InputRules.email("customerEmail", d.customerEmail()).ifPresent(problems::add);
        problems.addAll(lineProblems(d.lines()));
        InputRules.id("paymentMethod", "payment method", d.paymentMethod()).ifPresent(problems::add);
        problems.addAll(addressProblems(d.shippingAddress()));
        return problems;
    }

    /** A shipping address is required, and must have a street, a postal code and a city. */
    public static List<Problem> addressProblems(String address) {
        String field = "shippingAddress";
        if (address == null || address.isBlank()) {
            return List.of(new Problem(field, "shipping address is missing; write it like " + PostalAddress.EXAMPLE));
        }
        Optional<Problem> tooLong = InputRules.text(field, "shipping address", address);
        if (tooLong.isPresent()) {
            return List.of(tooLong.get());
        }
        PostalAddress.Reading reading = PostalAddress.read(address);
        if (reading.address().isEmpty()) {
            return List.of(new Problem(field, "shipping address " + InputRules.shown(address.trim()) + " lacks "
                    + reading.lacking() + "; write it like " + PostalAddress.EXAMPLE));
        }
        return List.of();
    }

    private static List<Problem> lineProblems(List<OrderLine> lines) {
        if (lines.isEmpty()) {
            return List.of(new Problem("lines", "an order needs at least one line"));
        }
        if (lines.size() > MAX_LINES) {
            return List.of(new Problem("lines", "an order has at most " + MAX_LINES + " lines; this one has "
                    + lines.size()));
        }
        List<Problem> problems = new ArrayList<>();
        Set<String> currencies = new TreeSet<>();
        long total = 0;
        for (int i = 0; i < lines.size(); i++) {
            OrderLine line = lines.get(i);
            String field = "lines[" + i + "]";
            Optional<Problem> sku = InputRules.id(field + ".sku", "line " + (i + 1) + ": SKU", line.sku());
            sku.ifPresent(problems::add);
            String label = "line " + (i + 1) + (sku.isPresent() ? "" : " (" + line.sku() + ")") + ": ";
            InputRules.quantity(field + ".quantity", label + "quantity", line.quantity()).ifPresent(problems::add);
            if (line.unitPrice() == null) {
                problems.add(new Problem(field + ".unitPrice", label + "unit price is missing"));
                continue;
            }
            InputRules.unitPrice(field + ".unitPrice", label + "unit price", line.unitPrice().minor())
                    .ifPresent(problems::add);
            currencies.add(line.unitPrice().currency());
            // Within the limits above, no line or sum comes near overflowing a long.
            total += Math.max(0, Math.min(line.unitPrice().minor(), InputRules.MAX_UNIT_PRICE_MINOR))
                    * Math.max(0, Math.min(line.quantity(), InputRules.MAX_QUANTITY));
        }
        if (currencies.size() > 1) {
            problems.add(new Problem("currency", "lines mix currencies " + currencies + "; an order has one currency"));
        }
        for (String currency : currencies) {
            InputRules.currency("currency", currency).ifPresent(problems::add);
        }
        if (problems.isEmpty()) {
            String currency = currencies.iterator().next();
            if (total == 0) {
                problems.add(new Problem("total", "total is 0.00 " + currency + "; an order must cost something"
                        + " (free orders are refused: there would be nothing to capture)"));
            } else if (total > MAX_TOTAL_MINOR) {
                problems.add(new Problem("total", "total " + decimal(total) + " " + currency + " is over the limit of "
                        + decimal(MAX_TOTAL_MINOR)));
            }
        }
        return problems;
    }
}
