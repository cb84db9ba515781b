package io.orderflow.inventory;

/** A SKU whose reserved stock differs from the sum of its active reservations: a broken invariant. */
public record Discrepancy(String sku, long reserved, long activeReserved) {}
