package io.orderflow.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.shipping.carrier.LabelOrder.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ShippingAddressTest {

    @Test
    void fullAddressFillsEveryCarrierField() throws Exception {
        assertThat(ShippingAddress.parse("Ada Lovelace, 1 Analytical St, Flat 2, N1 9GU London, gb", "c-7", "DE"))
                .isEqualTo(new Address("Ada Lovelace", "1 Analytical St", "Flat 2", "London", "N1 9GU", "GB"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Ada Lovelace, 1 Analytical St, 10115 Berlin           | Ada Lovelace | 1 Analytical St | Berlin      | 10115  | DE
            1 Main St, 75008 Paris, FR                            | c-7          | 1 Main St       | Paris       | 75008  | FR
            Ann Lee; 5 High Rd; London N1 9GU; GB                 | Ann Lee      | 5 High Rd       | London      | N1 9GU | GB
            Bob Ray, 9 Elm Ave, Springfield IL 62704, US          | Bob Ray      | 9 Elm Ave       | Springfield IL | 62704 | US
            """)
    void commonShapesAreRead(String address, String name, String line1, String city, String postalCode,
                             String country) throws Exception {
        Address parsed = ShippingAddress.parse(address, "c-7", "DE");

        assertThat(parsed).isEqualTo(new Address(name, line1, null, city, postalCode, country));
    }

    @Test
    void newLinesSeparateLikeCommas() throws Exception {
        assertThat(ShippingAddress.parse("Ada Lovelace\n1 Analytical St\n10115 Berlin\n", "c-7", "DE"))
                .isEqualTo(new Address("Ada Lovelace", "1 Analytical St", null, "Berlin", "10115", "DE"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void missingAddressIsRefused(String address) {
        assertThatThrownBy(() -> ShippingAddress.parse(address, "c-7", "DE"))
                .isInstanceOf(ShippingAddress.Unusable.class)
                .hasMessage("the order has no shipping address");
    }

    @Test
    void streetAloneIsRefusedWithAnExample() {
        assertThatThrownBy(() -> ShippingAddress.parse("1 Main St", "c-7", "DE"))
                .isInstanceOf(ShippingAddress.Unusable.class)
                .hasMessage("shipping address '1 Main St' lacks the street; write it like "
                        + "'Ada Lovelace, 1 Analytical St, N1 9GU London, GB'");
    }

    @Test
    void cityWithoutPostalCodeIsRefused() {
        assertThatThrownBy(() -> ShippingAddress.parse("Ada Lovelace, 1 Analytical St, London", "c-7", "DE"))
                .isInstanceOf(ShippingAddress.Unusable.class)
                .hasMessage("shipping address 'Ada Lovelace, 1 Analytical St, London' lacks the postal code; "
                        + "write it like 'Ada Lovelace, 1 Analytical St, N1 9GU London, GB'");
    }
}
