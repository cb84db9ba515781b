package io.orderflow.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Money is exact: minor units as a long, one currency, overflow refused rather than wrapped. */
class MoneyTest {
    private static Money eur(long minor) {
        return new Money(minor, "EUR");
    }

    @Test
    void tenCentsPlusTwentyCentsIsExactlyThirtyCents() {
        assertThat(eur(10).plus(eur(20))).isEqualTo(eur(30));
    }

    @Test
    void addingACentTenThousandTimesLosesNothing() {
        Money sum = Money.zero("EUR");
        for (int i = 0; i < 10_000; i++) {
            sum = sum.plus(eur(1));
        }

        assertThat(sum).isEqualTo(eur(10_000));
    }

    @Test
    void timesMultipliesTheMinorUnitsExactly() {
        assertThat(eur(1999).times(3)).isEqualTo(eur(5997));
        assertThat(eur(3_000_000_000_000_001L).times(3)).isEqualTo(eur(9_000_000_000_000_003L));
        assertThat(eur(1999).times(0)).isEqualTo(Money.zero("EUR"));
        assertThat(eur(250).times(-2)).isEqualTo(eur(-500));
    }

    @Test
    void sumUpToTheLargestAmountIsExact() {
        assertThat(eur(Long.MAX_VALUE - 1).plus(eur(1))).isEqualTo(eur(Long.MAX_VALUE));
        assertThat(eur(Long.MIN_VALUE + 1).plus(eur(-1))).isEqualTo(eur(Long.MIN_VALUE));
    }

    @Test
    void sumBeyondTheLargestAmountThrowsInsteadOfWrapping() {
        assertThatThrownBy(() -> eur(Long.MAX_VALUE).plus(eur(1))).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> eur(Long.MIN_VALUE).plus(eur(-1))).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void productBeyondTheLargestAmountThrowsInsteadOfWrapping() {
        assertThatThrownBy(() -> eur(Long.MAX_VALUE / 2 + 1).times(2)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> eur(Long.MIN_VALUE).times(-1)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> eur(1L << 40).times(1 << 30)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void addingAnotherCurrencyIsRefusedNamingBoth() {
        assertThatThrownBy(() -> eur(100).plus(new Money(100, "USD")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot add USD to EUR");
    }

    @Test
    void currencyIsRequired() {
        assertThatThrownBy(() -> new Money(100, null)).isInstanceOf(NullPointerException.class).hasMessage("currency");
    }

    @Test
    void amountsAreEqualByValue() {
        assertThat(eur(1250)).isEqualTo(new Money(1250, "EUR")).hasSameHashCodeAs(new Money(1250, "EUR"));
        assertThat(eur(1250)).isNotEqualTo(new Money(1250, "GBP"));
    }

    @ParameterizedTest(name = "{0} minor is {1}")
    @CsvSource(textBlock = """
            1234,      EUR 12.34
            5,         EUR 0.05
            0,         EUR 0.00
            123400,    EUR 1234.00
            -150,      EUR -1.50
            -5,        EUR -0.05
            -99,       EUR -0.99
            -100,      EUR -1.00
            """)
    void printsCurrencyAndAmountWithTwoDecimals(long minor, String printed) {
        assertThat(eur(minor)).hasToString(printed);
    }
}
