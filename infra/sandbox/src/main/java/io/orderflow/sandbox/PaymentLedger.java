package io.orderflow.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The gateway's books: authorizations, the charges captured from them, refunds, and an append-only ledger of every
 * money movement. One lock guards it all, so "refund at most what was captured" is checked and recorded atomically.
 */
final class PaymentLedger {

    /** Test payment-method tokens, like a real provider's sandbox cards: approve, or decline with this reason. */
    static final String APPROVE_TOKEN = "pm_card_ok";
    static final Map<String, String> DECLINE_TOKENS = new TreeMap<>(Map.of(
            "pm_card_declined", "card declined",
            "pm_insufficient_funds", "insufficient funds",
            "pm_card_expired", "expired card"));

    record Authorization(String id, String orderId, long amountMinor, String currency, String paymentMethod,
                         String status, String declineReason, String chargeId, String createdAt) {
        Authorization withStatus(String newStatus, String newChargeId) {
            return new Authorization(id, orderId, amountMinor, currency, paymentMethod, newStatus, declineReason,
                    newChargeId, createdAt);
        }
    }

    record Charge(String id, String authorizationId, String orderId, long amountMinor, String currency,
                  long refundedMinor, String status, String createdAt) {
        long refundableMinor() {
            return amountMinor - refundedMinor;
        }

        Charge withRefunded(long refunded) {
            return new Charge(id, authorizationId, orderId, amountMinor, currency, refunded,
                    refunded == amountMinor ? "refunded" : "partially_refunded", createdAt);
        }
    }

    record Refund(String id, String chargeId, String orderId, long amountMinor, String currency, String status,
                  String createdAt) {
    }

    /** One money movement; type is authorization, decline, capture, void or refund. */
    record Entry(long seq, String type, String orderId, String objectId, String authorizationId, long amountMinor,
                 String currency, String at) {
    }

    private final Map<String, Authorization> authorizations = new LinkedHashMap<>();
    private final Map<String, Charge> charges = new LinkedHashMap<>();
    private final Map<String, Refund> refunds = new LinkedHashMap<>();
    private final List<Entry> entries = new ArrayList<>();
    private long nextSeq = 1;

    static void checkPaymentMethod(String token) {
        if (!APPROVE_TOKEN.equals(token) && !DECLINE_TOKENS.containsKey(token)) {
            throw ApiException.badRequest("unknown_payment_method", "unknown payment method '" + token
                    + "'; sandbox tokens are " + APPROVE_TOKEN + " (approves) and " + DECLINE_TOKENS.keySet()
                    + " (decline)");
        }
    }

    synchronized Authorization authorize(String orderId, long amountMinor, String currency, String paymentMethod) {
        checkPaymentMethod(paymentMethod);
        String declineReason = DECLINE_TOKENS.get(paymentMethod);
        Authorization auth = new Authorization(newId("auth"), orderId, amountMinor, currency, paymentMethod,
                declineReason == null ? "authorized" : "declined", declineReason, null, now());
        authorizations.put(auth.id(), auth);
        record(declineReason == null ? "authorization" : "decline", orderId, auth.id(), auth.id(), amountMinor,
                currency);
        return auth;
    }

    synchronized Authorization authorization(String id) {
        Authorization auth = authorizations.get(id);
        if (auth == null) {
            throw ApiException.notFound("authorization_not_found", "no authorization " + id);
        }
        return auth;
    }

    synchronized Charge charge(String id) {
        Charge charge = charges.get(id);
        if (charge == null) {
            throw ApiException.notFound("charge_not_found", "no charge " + id);
        }
        return charge;
    }

    /** Captures all of the authorization, or less ({@code amountMinor}); the rest is released, as with real cards. */
    synchronized Charge capture(String authorizationId, Long amountMinor) {
        Authorization auth = authorization(authorizationId);
        requireAuthorized(auth, "captured");
        long amount = amountMinor == null ? auth.amountMinor() : amountMinor;
        if (amount > auth.amountMinor()) {
            throw ApiException.conflict("amount_exceeds_authorized", "cannot capture " + amount + " " + auth.currency()
                    + ": authorization " + auth.id() + " is for " + auth.amountMinor());
        }
        Charge charge = new Charge(newId("ch"), auth.id(), auth.orderId(), amount, auth.currency(), 0, "captured",
                now());
        charges.put(charge.id(), charge);
        authorizations.put(auth.id(), auth.withStatus("captured", charge.id()));
        record("capture", auth.orderId(), charge.id(), auth.id(), amount, auth.currency());
        return charge;
    }

    synchronized Authorization voidAuthorization(String authorizationId) {
        Authorization auth = authorization(authorizationId);
        requireAuthorized(auth, "voided");
        Authorization voided = auth.withStatus("voided", null);
        authorizations.put(auth.id(), voided);
        record("void", auth.orderId(), auth.id(), auth.id(), auth.amountMinor(), auth.currency());
        return voided;
    }

    /** Refunds all that is left of the charge, or {@code amountMinor}; never more than was captured. */
    synchronized Refund refund(String chargeId, Long amountMinor) {
        Charge charge = charge(chargeId);
        long refundable = charge.refundableMinor();
        if (refundable == 0) {
            throw ApiException.conflict("charge_already_refunded", "charge " + chargeId + " is fully refunded");
        }
        long amount = amountMinor == null ? refundable : amountMinor;
        if (amount > refundable) {
            throw ApiException.conflict("refund_exceeds_captured", "cannot refund " + amount + " " + charge.currency()
                    + " of charge " + chargeId + ": captured " + charge.amountMinor() + ", already refunded "
                    + charge.refundedMinor() + ", refundable " + refundable);
        }
        charges.put(chargeId, charge.withRefunded(charge.refundedMinor() + amount));
        Refund refund = new Refund(newId("re"), chargeId, charge.orderId(), amount, charge.currency(), "succeeded",
                now());
        refunds.put(refund.id(), refund);
        record("refund", charge.orderId(), refund.id(), charge.authorizationId(), amount, charge.currency());
        return refund;
    }

    /** Ledger entries in order, for one order or (orderId null) for all. */
    synchronized List<Entry> entries(String orderId) {
        return entries.stream().filter(e -> orderId == null || e.orderId().equals(orderId)).toList();
    }

    synchronized void clear() {
        authorizations.clear();
        charges.clear();
        refunds.clear();
        entries.clear();
    }

    /** Only a live authorization can be captured or voided; code is e.g. authorization_not_capturable. */
    private static void requireAuthorized(Authorization auth, String verb) {
        if (!auth.status().equals("authorized")) {
            String hint = auth.status().equals("captured") ? "; refund charge " + auth.chargeId() + " instead" : "";
            String code = "authorization_not_" + verb.substring(0, verb.length() - 2) + "able";
            throw ApiException.conflict(code,
                    "authorization " + auth.id() + " is " + auth.status() + " and cannot be " + verb + hint);
        }
    }

    private void record(String type, String orderId, String objectId, String authorizationId, long amount,
                        String currency) {
        entries.add(new Entry(nextSeq++, type, orderId, objectId, authorizationId, amount, currency, now()));
    }

    static String newId(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    private static String now() {
        return Instant.now().toString();
    }
}
