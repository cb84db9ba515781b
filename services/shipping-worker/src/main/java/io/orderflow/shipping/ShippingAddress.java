package io.orderflow.shipping;

import io.orderflow.domain.validation.PostalAddress;
import io.orderflow.shipping.carrier.LabelOrder;

/**
 * Reads the order's one-string shipping address into the carrier's fields, by the same rule place checks it with
 * ({@link PostalAddress}). Without a name the customer id is printed; without a two-letter country the configured
 * default is used. What cannot be read (an order placed before the rule) is refused with a reason staff can act on.
 */
public final class ShippingAddress {
    private ShippingAddress() {}

    /** Thrown for an address no label can be printed for; the message says what is missing. */
    public static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    public static LabelOrder.Address parse(String address, String fallbackName, String defaultCountry) throws Unusable {
        if (address == null || address.isBlank()) {
            throw new Unusable("the order has no shipping address");
        }
        PostalAddress.Reading reading = PostalAddress.read(address);
        if (reading.address().isEmpty()) {
            throw new Unusable("shipping address '" + address.trim() + "' lacks "
                    + reading.lacking() + "; write it like " + PostalAddress.EXAMPLE);
        }
        PostalAddress a = reading.address().get();
        return new LabelOrder.Address(a.name() != null ? a.name() : fallbackName, a.line1(), a.line2(), a.city(),
                a.postalCode(), a.country() != null ? a.country() : defaultCountry);
    }
}
