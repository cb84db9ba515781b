package io.orderflow.payment.gateway;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A gateway authorization: status {@code authorized}, {@code declined}, {@code captured} or {@code voided}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Authorization(String id, String orderId, long amountMinor, String currency, String status,
                            String declineReason, String chargeId) {

    public boolean declined() {
        return "declined".equals(status);
    }

    public boolean captured() {
        return "captured".equals(status);
    }

    public boolean voided() {
        return "voided".equals(status);
    }
}
