package io.orderflow.payment;

import static io.orderflow.payment.Requests.line;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.schema.Money;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaymentValidationTest {

    @Test
    void validOrderChargesItsExactTotal() {
        OrderSnapshot order = Requests.order("o-1", "pm_card_ok",
                List.of(line("A", 3, 333, "EUR"), line("B", 1, 1, "EUR")), new Money(1000L, "EUR"));

        assertThat(PaymentValidation.check(order))
                .isEqualTo(new PaymentValidation.Valid(1000, "EUR", "pm_card_ok"));
    }

    @Test
    void totalThatIsNotTheSumOfTheLinesIsRefused() {
        assertThat(reason(List.of(line("A", 3, 333, "EUR")), new Money(1000L, "EUR"), "pm_card_ok"))
                .isEqualTo("order o-1: amount mismatch: the total is 10.00 EUR but the lines add up to 9.99 EUR");
    }

    @Test
    void amountsAreShownInTheCurrencysOwnMinorUnits() {
        assertThat(reason(List.of(line("A", 1, 500, "JPY")), new Money(501L, "JPY"), "pm_card_ok"))
                .endsWith("the total is 501 JPY but the lines add up to 500 JPY");
        assertThat(reason(List.of(line("A", 1, 500, "KWD")), new Money(501L, "KWD"), "pm_card_ok"))
                .endsWith("the total is 0.501 KWD but the lines add up to 0.500 KWD");
    }

    @Test
    void missingOrInconsistentCurrencyIsRefused() {
        assertThat(reason(List.of(line("A", 1, 500, "")), new Money(500L, ""), "pm_card_ok"))
                .isEqualTo("order o-1 has no currency on its total");
        assertThat(reason(List.of(line("A", 1, 500, "")), new Money(500L, "EUR"), "pm_card_ok"))
                .isEqualTo("order o-1: line A has no currency");
        assertThat(reason(List.of(line("A", 1, 500, "USD")), new Money(500L, "EUR"), "pm_card_ok"))
                .isEqualTo("order o-1: line A is priced in USD but the order total is in EUR");
        assertThat(reason(List.of(line("A", 1, 500, "eur")), new Money(500L, "eur"), "pm_card_ok"))
                .isEqualTo("order o-1: 'eur' is not an ISO 4217 currency code");
        assertThat(reason(List.of(line("A", 1, 500, "XYZ")), new Money(500L, "XYZ"), "pm_card_ok"))
                .isEqualTo("order o-1: 'XYZ' is not an ISO 4217 currency code");
    }

    @Test
    void missingPaymentMethodIsRefused() {
        assertThat(reason(List.of(line("A", 1, 500, "EUR")), new Money(500L, "EUR"), null))
                .isEqualTo("order o-1 has no payment method");
        assertThat(reason(List.of(line("A", 1, 500, "EUR")), new Money(500L, "EUR"), " "))
                .isEqualTo("order o-1 has no payment method");
    }

    @Test
    void emptyFreeOrNegativeOrdersAreRefused() {
        assertThat(reason(List.of(), new Money(0L, "EUR"), "pm_card_ok"))
                .isEqualTo("order o-1 has no lines to charge for");
        assertThat(reason(List.of(line("A", 1, 0, "EUR")), new Money(0L, "EUR"), "pm_card_ok"))
                .isEqualTo("order o-1: nothing to charge (total 0.00 EUR)");
        assertThat(reason(List.of(line("A", 0, 100, "EUR")), new Money(0L, "EUR"), "pm_card_ok"))
                .isEqualTo("order o-1: line A has quantity 0");
        assertThat(reason(List.of(line("A", 1, -100, "EUR")), new Money(-100L, "EUR"), "pm_card_ok"))
                .isEqualTo("order o-1: line A has a negative price -1.00 EUR");
    }

    @Test
    void overflowingAmountsAreRefusedNotWrapped() {
        assertThat(reason(List.of(line("A", 2, Long.MAX_VALUE / 2 + 1, "EUR")), new Money(1L, "EUR"), "pm_card_ok"))
                .isEqualTo("order o-1: the line amounts overflow");
    }

    private static String reason(List<OrderLine> lines, Money total, String paymentMethod) {
        PaymentValidation.Result result = PaymentValidation.check(Requests.order("o-1", paymentMethod, lines, total));
        assertThat(result).isInstanceOf(PaymentValidation.Invalid.class);
        return ((PaymentValidation.Invalid) result).reason();
    }
}
