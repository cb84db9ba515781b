package io.orderflow.inventory;

/** Stock of one SKU held by one RESERVE_STOCK request. */
public record Reservation(String requestId, String orderId, String sku, int quantity) {}
