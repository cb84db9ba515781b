package io.orderflow.domain;

import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/** Orders, actors, commands and clocks shared by the domain tests: one customer's order o-42, Berlin shop hours. */
final class Fixtures {
    static final String ORDER_ID = "o-42";
    static final String CUSTOMER_ID = "c-7";
    static final String OTHER_CUSTOMER_ID = "c-8";

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final String SHOP_HOURS = "MON-FRI 09:00-17:00; SAT 10:00-14:00";
    static final Set<LocalDate> HOLIDAYS = Set.of(LocalDate.of(2026, 12, 24), LocalDate.of(2026, 12, 25));
    static final BusinessHours HOURS = BusinessHours.parse(SHOP_HOURS, BERLIN, HOLIDAYS);
    static final OrderMachine MACHINE = new OrderMachine(HOURS);

    /** Wednesday mid-morning in Berlin: open. */
    static final Instant OPEN = berlin("2026-06-10T10:00");
    /** Saturday evening in Berlin: closed until Monday 09:00. */
    static final Instant CLOSED = berlin("2026-06-13T18:00");
    static final String NEXT_OPENING_AFTER_CLOSED = "next opening Mon 2026-06-15 09:00 Europe/Berlin";

    private Fixtures() {}

    static Instant berlin(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
    }

    static OrderLine line(String sku, int quantity, long unitMinor) {
        return new OrderLine(sku, quantity, new Money(unitMinor, "EUR"));
    }

    /** Two of sku-1 at EUR 12.50 and one sku-2 at EUR 0.99: EUR 25.99. */
    static OrderDetails details() {
        return details(List.of(line("sku-1", 2, 1250), line("sku-2", 1, 99)));
    }

    static OrderDetails details(List<OrderLine> lines) {
        return new OrderDetails(CUSTOMER_ID, "ada@example.com", lines, "card", "Hauptstr. 1, 10115 Berlin");
    }

    static final Money DETAILS_TOTAL = new Money(2599, "EUR");

    /** Order o-42 of customer c-7 held in {@code state} at {@code version}, with no remembered commands. */
    static Order orderIn(OrderState state, long version) {
        return new Order(ORDER_ID, state, version, details(), DETAILS_TOTAL, OPEN, OPEN, List.of());
    }

    /** A person (or component) in {@code role}; the customer is the one who owns o-42. */
    static Actor actor(Role role) {
        return role == Role.CUSTOMER ? new Actor(CUSTOMER_ID, role) : new Actor(ExpectedTable.name(role) + "-1", role);
    }

    /** A command on o-42; PLACE carries valid details. */
    static Command command(String commandId, Transition transition) {
        Command command = Command.of(commandId, ORDER_ID, transition);
        return transition == Transition.PLACE ? command.with(details()) : command;
    }
}
