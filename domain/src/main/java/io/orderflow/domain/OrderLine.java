package io.orderflow.domain;

/** One SKU, how many, and the price of one. */
public record OrderLine(String sku, int quantity, Money unitPrice) {
    public Money subtotal() {
        return unitPrice.times(quantity);
    }
}
