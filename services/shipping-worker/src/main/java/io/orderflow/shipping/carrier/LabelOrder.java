package io.orderflow.shipping.carrier;

import java.util.List;

/** What the carrier needs to print a label: the order, where it goes, and what is in the parcel. */
public record LabelOrder(String orderId, Address address, List<Item> items) {

    public LabelOrder {
        items = List.copyOf(items);
    }

    /** A postal address in the carrier's fields; {@code line2} may be null, {@code country} is ISO 3166 alpha-2. */
    public record Address(String name, String line1, String line2, String city, String postalCode, String country) {
    }

    public record Item(String sku, int quantity) {
    }
}
