package io.orderflow.payment.gateway;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Money taken from a captured authorization. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Charge(String id, String authorizationId, String orderId, long amountMinor, String currency,
                     long refundedMinor, String status) {}
