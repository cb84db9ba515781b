package io.orderflow.domain.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.domain.Command;
import io.orderflow.domain.Money;
import io.orderflow.domain.OrderDetails;
import io.orderflow.domain.OrderLine;
import io.orderflow.schema.Transition;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The input rules, one row per careless input: the field named, the limit named, every problem at once. */
class CommandValidationTest {
    private static final String ADDRESS = "Ann Smith, 1 Main St, 10115 Berlin, DE";

    private static OrderLine line(String sku, int quantity, long unitMinor, String currency) {
        return new OrderLine(sku, quantity, new Money(unitMinor, currency));
    }

    private static Input valid() {
        return new Input("o-1", new OrderDetails("c-7", "ann@example.com", List.of(line("SKU-1", 2, 1250, "EUR")),
                "pm_card_ok", ADDRESS));
    }

    private record Input(String orderId, OrderDetails details) {
        Input id(String id) {
            return new Input(id, details);
        }

        Input with(UnaryOperator<OrderDetails> change) {
            return new Input(orderId, change.apply(details));
        }

        List<Problem> problems() {
            return CommandValidation.problems(Command.of("cmd-1", orderId, Transition.PLACE).with(details));
        }
    }

    private static UnaryOperator<OrderDetails> lines(OrderLine... lines) {
        return d -> new OrderDetails(d.customerId(), d.customerEmail(), List.of(lines), d.paymentMethod(),
                d.shippingAddress());
    }

    private static UnaryOperator<OrderDetails> address(String address) {
        return d -> new OrderDetails(d.customerId(), d.customerEmail(), d.lines(), d.paymentMethod(), address);
    }

    private static UnaryOperator<OrderDetails> customer(String id, String email) {
        return d -> new OrderDetails(id, email, d.lines(), d.paymentMethod(), d.shippingAddress());
    }

    static Stream<Arguments> carelessInputs() {
        String fix = "; write it like 'Ada Lovelace, 1 Analytical St, N1 9GU London, GB'";
        return Stream.of(
                Arguments.of("non-ASCII order id", valid().id("b-ünï-日本-🚀"), "orderId",
                        "order id 'b-ünï-日本-🚀' may use only ASCII letters, digits and . _ - (starting with a letter or digit)"),
                Arguments.of("10,000-character order id", valid().id("x".repeat(10_000)), "orderId",
                        "order id is 10000 characters long; the limit is 64"),
                Arguments.of("order id with a space", valid().id("o 1"), "orderId",
                        "order id 'o 1' may use only ASCII letters, digits and . _ - (starting with a letter or digit)"),
                Arguments.of("missing order id", valid().id(""), "orderId", "order id is missing"),
                Arguments.of("empty shipping address", valid().with(address("")), "shippingAddress",
                        "shipping address is missing" + fix),
                Arguments.of("no shipping address", valid().with(address(null)), "shippingAddress",
                        "shipping address is missing" + fix),
                Arguments.of("street only", valid().with(address("1 Main St")), "shippingAddress",
                        "shipping address '1 Main St' lacks the street" + fix),
                Arguments.of("no postal code", valid().with(address("Ann Smith, 1 Main St, Berlin")), "shippingAddress",
                        "shipping address 'Ann Smith, 1 Main St, Berlin' lacks the postal code" + fix),
                Arguments.of("city only", valid().with(address("Berlin, DE")), "shippingAddress",
                        "shipping address 'Berlin, DE' lacks the street and postal code" + fix),
                Arguments.of("currency XX", valid().with(lines(line("SKU-1", 1, 100, "XX"))), "currency",
                        "currency 'XX' is not an ISO 4217 code like EUR or USD"),
                Arguments.of("currency without cents", valid().with(lines(line("SKU-1", 1, 100, "JPY"))), "currency",
                        "currency JPY is not supported: amounts are kept in hundredths, so the currency must have 2 "
                                + "decimals (like EUR, USD, GBP)"),
                Arguments.of("mixed currencies", valid().with(lines(line("A", 1, 100, "EUR"), line("B", 1, 100, "USD"))),
                        "currency", "lines mix currencies [EUR, USD]; an order has one currency"),
                Arguments.of("price 0", valid().with(lines(line("SKU-1", 1, 0, "EUR"))), "total",
                        "total is 0.00 EUR; an order must cost something (free orders are refused: there would be "
                                + "nothing to capture)"),
                Arguments.of("quantity 2147483647", valid().with(lines(line("SKU-1", Integer.MAX_VALUE, 100, "EUR"))),
                        "lines[0].quantity", "line 1 (SKU-1): quantity must be from 1 to 10000, got 2147483647"),
                Arguments.of("quantity 0", valid().with(lines(line("SKU-1", 0, 100, "EUR"))),
                        "lines[0].quantity", "line 1 (SKU-1): quantity must be from 1 to 10000, got 0"),
                Arguments.of("price over the limit", valid().with(lines(line("SKU-1", 1, 100_000_001, "EUR"))),
                        "lines[0].unitPrice",
                        "line 1 (SKU-1): unit price must be from 0.00 to 1000000.00, got 1000000.01"),
                Arguments.of("negative price", valid().with(lines(line("SKU-1", 1, -1, "EUR"))),
                        "lines[0].unitPrice", "line 1 (SKU-1): unit price must be from 0.00 to 1000000.00, got -0.01"),
                Arguments.of("total over the limit", valid().with(lines(line("SKU-1", 10_000, 100_000_000, "EUR"))),
                        "total", "total 10000000000.00 EUR is over the limit of 10000000.00"),
                Arguments.of("no lines", valid().with(lines()), "lines", "an order needs at least one line"),
                Arguments.of("too many lines",
                        valid().with(lines(Collections.nCopies(101, line("A", 1, 1, "EUR")).toArray(OrderLine[]::new))),
                        "lines", "an order has at most 100 lines; this one has 101"),
                Arguments.of("SKU with a slash", valid().with(lines(line("a/b", 1, 100, "EUR"))), "lines[0].sku",
                        "line 1: SKU 'a/b' may use only ASCII letters, digits and . _ - (starting with a letter or digit)"),
                Arguments.of("e-mail without @", valid().with(customer("c-7", "ann")), "customerEmail",
                        "customer e-mail 'ann' is not an address like ann@example.com"),
                Arguments.of("missing customer", valid().with(customer(" ", "ann@example.com")), "customerId",
                        "customer id is missing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("carelessInputs")
    void eachCarelessInputIsNamedWithItsFieldAndLimit(String row, Input input, String field, String message) {
        assertThat(input.problems()).containsExactly(new Problem(field, message));
    }

    @Test
    void theReadmeExampleIsValid() {
        assertThat(valid().problems()).isEmpty();
        assertThat(valid().with(lines(line("gift", 1, 0, "EUR"), line("SKU-1", 1, 1, "EUR"))).problems())
                .as("a free line is fine while the order costs something").isEmpty();
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        Input careless = valid().id("b-ünï").with(customer("c-7", "ann")).with(address(""));

        assertThat(careless.problems()).extracting(Problem::field)
                .containsExactly("orderId", "customerEmail", "shippingAddress");
    }

    @Test
    void commandIdIsRequiredAndBounded() {
        assertThat(CommandValidation.problems(Command.of(" ", "o-1", Transition.CANCEL)))
                .containsExactly(new Problem("commandId", "command id is missing"));
        assertThat(CommandValidation.problems(Command.of("c".repeat(129), "o-1", Transition.CANCEL)))
                .containsExactly(new Problem("commandId", "command id is 129 characters long; the limit is 128"));
    }

    @ParameterizedTest(name = "quantity {0}")
    @CsvSource(delimiter = '|', textBlock = """
            99999999999 | quantity must be from 1 to 10000, got 99999999999
            2147483647  | quantity must be from 1 to 10000, got 2147483647
            0           | quantity must be from 1 to 10000, got 0
            -3          | quantity must be from 1 to 10000, got -3
            two         | quantity 'two' must be a whole number from 1 to 10000
            1.5         | quantity '1.5' must be a whole number from 1 to 10000
            """)
    void typedQuantitiesOutsideTheLimitsAreRefusedNamingTheLimit(String text, String message) {
        assertThatThrownBy(() -> InputRules.parseQuantity("quantity", text))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.problem()).isEqualTo(new Problem("quantity", message)));
    }

    @ParameterizedTest(name = "price {0}")
    @CsvSource(delimiter = '|', textBlock = """
            99999999999999999999.99 | unit price must be from 0.00 to 1000000.00, got '99999999999999999999.99'
            -1                      | unit price must be from 0.00 to 1000000.00, got '-1'
            12.505                  | unit price 12.505 has more than 2 decimals
            12,50                   | unit price '12,50' must be a decimal like 12.50
            """)
    void typedPricesOutsideTheLimitsAreRefusedNamingTheLimit(String text, String message) {
        assertThatThrownBy(() -> InputRules.parseUnitPrice("unitPrice", text))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.problem()).isEqualTo(new Problem("unitPrice", message)));
    }

    @Test
    void typedValuesWithinTheLimitsAreRead() {
        assertThat(InputRules.parseQuantity("quantity", "10000")).isEqualTo(10_000);
        assertThat(InputRules.parseUnitPrice("unitPrice", "12.5")).isEqualTo(1250);
        assertThat(InputRules.parseUnitPrice("unitPrice", "1000000.00")).isEqualTo(100_000_000);
        assertThat(InputRules.parseUnitPrice("unitPrice", "0")).isZero();
    }
}
