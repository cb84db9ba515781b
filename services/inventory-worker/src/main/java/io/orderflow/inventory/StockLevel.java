package io.orderflow.inventory;

/** One SKU's stock: what is in the warehouse and how much of it reservations hold. */
public record StockLevel(String sku, int onHand, int reserved) {
    /** What a new reservation may still take. */
    public int available() {
        return onHand - reserved;
    }
}
