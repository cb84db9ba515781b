package io.orderflow.inventory;

/** A line a reservation could not take: how much was asked for and how much was free (0 for an unknown SKU). */
public record Shortfall(String sku, int requested, int available) {}
