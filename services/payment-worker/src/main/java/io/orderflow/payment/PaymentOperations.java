package io.orderflow.payment;

import io.orderflow.common.http.RemoteCallException;
import io.orderflow.payment.gateway.Authorization;
import io.orderflow.payment.gateway.Charge;
import io.orderflow.payment.gateway.PaymentGateway;
import io.orderflow.payment.gateway.Refund;
import io.orderflow.payment.store.Payment.Kind;
import io.orderflow.payment.store.Payment.Status;
import io.orderflow.payment.store.Payment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Performs one claimed payment request against the gateway and says how it ended, without touching the database.
 *
 * <p>Every state-changing call's Idempotency-Key is derived from the request id: {@code <id>-authorize},
 * {@code <id>-capture}, {@code <id>-void}, {@code <id>-refund-<capture request id>}. A request may be performed any
 * number of times (retries, a crash before its result was stored, two workers after an expired claim): each repeat
 * gets the gateway's stored answers back, so an order is authorized, captured and refunded at most once per request.
 */
final class PaymentOperations {
    static final String CIRCUIT_OPEN = "payment gateway unavailable (circuit open)";

    private final PaymentGateway gateway;

    PaymentOperations(PaymentGateway gateway) {
        this.gateway = gateway;
    }

    /** How a request ended, or that it must wait. */
    sealed interface Result permits Done, NotNow {}

    /**
     * A final answer. {@code undone}: the captures this request gave the money back for (also when it failed halfway).
     */
    record Done(Status status, String reason, String authorizationId, String chargeId, String refundId,
                Long amountMinor, String currency, List<String> undone) implements Result {

        static Done failed(String reason, String authorizationId) {
            return new Done(Status.FAILED, reason, authorizationId, null, null, null, null, List.of());
        }

        static Done captured(String authorizationId, String chargeId, long amountMinor, String currency) {
            return new Done(Status.SUCCEEDED, null, authorizationId, chargeId, null, amountMinor, currency, List.of());
        }

        /** Succeeded without a gateway call: there was nothing (left) to do. */
        static Done nothingToDo(String note, String chargeId, String refundId) {
            return new Done(Status.SUCCEEDED, note, null, chargeId, refundId, null, null, List.of());
        }
    }

    /** The gateway could not be reached (or the circuit is open): the request stays pending and is tried again. */
    record NotNow(String reason, boolean circuitOpen) implements Result {}

    /**
     * Authorizes and captures the order total.
     *
     * @param mayCall   false when the scheduler did not count this as an attempt (circuit open): no call may be made,
     *                  so that "never attempted" stays true
     * @param cancelled a void that arrived for this capture since it was claimed, read fresh before capturing
     */
    Result capture(Payment capture, boolean mayCall, Supplier<Optional<String>> cancelled) {
        if (capture.cancelledBy() != null && capture.attempts() == 0) {
            return Done.failed("cancelled by " + capture.cancelledBy() + " before it reached the payment gateway",
                    null);
        }
        if (!mayCall) {
            return new NotNow(CIRCUIT_OPEN, true);
        }
        String key = capture.requestId();
        try {
            Authorization auth = gateway.authorize(key + "-authorize", capture.orderId(), capture.amountMinor(),
                    capture.currency(), capture.paymentMethod());
            if (auth.declined()) {
                return Done.failed(auth.declineReason() == null ? "payment declined" : auth.declineReason(), auth.id());
            }
            Optional<String> cancelledBy = Optional.ofNullable(capture.cancelledBy()).or(cancelled);
            if (cancelledBy.isPresent()) {
                return release(capture, auth, cancelledBy.get());
            }
            try {
                Charge charge = gateway.capture(key + "-capture", auth.id(), capture.amountMinor());
                return Done.captured(auth.id(), charge.id(), charge.amountMinor(), charge.currency());
            } catch (RemoteCallException.Rejected e) {
                if ("authorization_not_capturable".equals(e.code())) {
                    return settled(capture, gateway.authorization(auth.id()), "capture refused: " + e.getMessage());
                }
                // Refused after a successful authorization: void it, so no hold is left open on the card.
                return release(capture, auth, "the gateway's refusal to capture (" + e.getMessage() + ")");
            }
        } catch (RemoteCallException.Unavailable e) {
            return new NotNow(e.getMessage(), e.circuitOpen());
        } catch (RemoteCallException.Rejected e) {
            return Done.failed("payment gateway refused the payment: " + e.getMessage(), null);
        }
    }

    /**
     * A capture that got as far as an authorization but must not take the money (cancelled, or the capture was
     * refused): release the hold.
     */
    private Result release(Payment capture, Authorization auth, String cancelledBy)
            throws RemoteCallException.Unavailable {
        try {
            gateway.voidAuthorization(capture.requestId() + "-void", auth.id());
            return Done.failed("cancelled by " + cancelledBy + "; authorization " + auth.id()
                    + " voided, nothing captured", auth.id());
        } catch (RemoteCallException.Rejected e) {
            // Not voidable: an earlier attempt of this request captured it (its answer was lost), or it is voided.
            try {
                return settled(capture, gateway.authorization(auth.id()), "cancelled by " + cancelledBy);
            } catch (RemoteCallException.Rejected lookup) {
                return Done.failed("cancelled by " + cancelledBy + "; authorization " + auth.id()
                        + " could not be read: " + lookup.getMessage(), auth.id());
            }
        }
    }

    /** Ends a capture by what the gateway says its authorization is now. */
    private static Result settled(Payment capture, Authorization now, String why) {
        if (now.captured()) {
            return Done.captured(now.id(), now.chargeId(), capture.amountMinor(), capture.currency());
        }
        if (now.voided()) {
            return Done.failed(why + "; authorization " + now.id() + " voided, nothing captured", now.id());
        }
        if (now.declined()) {
            return Done.failed(now.declineReason() == null ? "payment declined" : now.declineReason(), now.id());
        }
        return new NotNow("authorization " + now.id() + " is " + now.status() + " after: " + why, false);
    }

    /**
     * Gives back the money of captures: VOID of one capture ({@code targetRequestId}) or of all the order holds,
     * REFUND of all the order holds. Each capture is refunded in full, so a refund always equals its capture.
     *
     * @param order every payment row of the order, in arrival order; all requests before this one are final
     */
    Result undo(Payment request, boolean mayCall, List<Payment> order) {
        List<Payment> targets;
        if (request.targetRequestId() != null) {
            Optional<Payment> target = order.stream()
                    .filter(p -> p.requestId().equals(request.targetRequestId())).findFirst();
            if (target.isEmpty() || target.get().kind() != Kind.CAPTURE) {
                return Done.nothingToDo("nothing to undo: order " + request.orderId() + " has no capture request "
                        + request.targetRequestId(), null, null);
            }
            Payment capture = target.get();
            if (capture.status() == Status.FAILED) {
                return Done.nothingToDo("nothing to undo: capture " + capture.requestId() + " took no money ("
                        + capture.reason() + ")", null, null);
            }
            if (capture.undoneBy() != null) {
                return alreadyGivenBack(capture, order);
            }
            targets = List.of(capture);
        } else {
            targets = order.stream().filter(p -> p.seq() < request.seq() && p.isLiveCapture()).toList();
            if (targets.isEmpty()) {
                Optional<Payment> givenBack = order.stream()
                        .filter(p -> p.seq() < request.seq() && p.kind() == Kind.CAPTURE && p.undoneBy() != null)
                        .reduce((first, second) -> second);
                if (givenBack.isPresent()) {
                    return alreadyGivenBack(givenBack.get(), order);
                }
                if (request.kind() == Kind.REFUND) {
                    return Done.failed("order " + request.orderId() + " has no captured payment to refund", null);
                }
                return Done.nothingToDo("nothing to undo: order " + request.orderId() + " holds no captured payment",
                        null, null);
            }
        }
        if (!mayCall) {
            return new NotNow(CIRCUIT_OPEN, true);
        }
        long refunded = 0;
        String refundId = null;
        List<String> undone = new ArrayList<>();
        try {
            for (Payment capture : targets) {
                Refund refund = gateway.refund(request.requestId() + "-refund-" + capture.requestId(),
                        capture.chargeId(), capture.amountMinor());
                refunded += refund.amountMinor();
                refundId = refund.id();
                undone.add(capture.requestId());
            }
        } catch (RemoteCallException.Unavailable e) {
            // Refunds already made are not lost: the repeat gets them back under the same keys.
            return new NotNow(e.getMessage(), e.circuitOpen());
        } catch (RemoteCallException.Rejected e) {
            return new Done(Status.FAILED, "payment gateway refused the refund: " + e.getMessage(), null,
                    null, refundId, refunded > 0 ? refunded : null, refunded > 0 ? targets.get(0).currency() : null,
                    undone);
        }
        Payment last = targets.get(targets.size() - 1);
        return new Done(Status.SUCCEEDED, null, null, last.chargeId(), refundId, refunded, last.currency(), undone);
    }

    /** The capture's money was already given back by an earlier void or refund: nothing more to do. */
    private static Done alreadyGivenBack(Payment capture, List<Payment> order) {
        String refundId = order.stream().filter(p -> p.requestId().equals(capture.undoneBy()))
                .map(Payment::refundId).findFirst().orElse(null);
        return Done.nothingToDo("nothing to undo: capture " + capture.requestId() + " was already given back by "
                + capture.undoneBy(), capture.chargeId(), refundId);
    }
}
