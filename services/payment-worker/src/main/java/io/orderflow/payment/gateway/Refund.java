package io.orderflow.payment.gateway;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Money given back from a charge. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Refund(String id, String chargeId, String orderId, long amountMinor, String currency, String status) {}
