package io.orderflow.payment;

import io.orderflow.common.worker.EffectWorker;
import io.orderflow.payment.store.Payment.Kind;
import io.orderflow.payment.store.Payment.Status;
import io.orderflow.payment.store.Payment;
import io.orderflow.payment.store.PaymentDao;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the engine's payment requests in, inside the consumer's transaction: a capture that fails validation is
 * answered FAILED at once (the gateway never hears of it); everything else is recorded as a pending row that the
 * {@link PaymentScheduler} performs after this transaction commits. No gateway call happens here, so the consumer's
 * transaction never waits on the network.
 */
final class PaymentRequests implements EffectWorker.Handler {
    private static final Logger log = LoggerFactory.getLogger(PaymentRequests.class);

    private final PaymentOutcomes outcomes;
    private final Runnable wakeScheduler;
    private final Clock clock;

    PaymentRequests(PaymentOutcomes outcomes, Runnable wakeScheduler, Clock clock) {
        this.outcomes = outcomes;
        this.wakeScheduler = wakeScheduler;
        this.clock = clock;
    }

    @Override
    public Optional<EffectOutcome> handle(Handle handle, OrderEvent event, EffectRequested request) {
        return take(handle, handle.attach(PaymentDao.class), event, request);
    }

    /** A polled batch under one DAO. */
    @Override
    public List<EffectOutcome> handleAll(Handle handle, List<OrderEvent> events) {
        PaymentDao payments = handle.attach(PaymentDao.class);
        List<EffectOutcome> answers = new ArrayList<>();
        for (OrderEvent event : events) {
            take(handle, payments, event, (EffectRequested) event.getBody()).ifPresent(answers::add);
        }
        return answers;
    }

    private Optional<EffectOutcome> take(Handle handle, PaymentDao payments, OrderEvent event,
                                         EffectRequested request) {
        Optional<Payment> known = payments.find(request.getRequestId());
        if (known.isPresent()) {
            // The same request again in a new event: answer again if it is done (the engine ignores repeats);
            // if it is still pending, its answer is on the way.
            Payment payment = known.get();
            log.info("request {} for order {} seen again; it is {}", payment.requestId(), payment.orderId(),
                    payment.status());
            return payment.isFinal() ? Optional.of(outcomes.finalOutcome(payment, clock.instant())) : Optional.empty();
        }
        Kind kind = Kind.of(request.getEffect());
        byte[] asked = outcomes.encode(event);
        if (kind == Kind.CAPTURE) {
            PaymentValidation.Result checked = PaymentValidation.check(event.getOrder());
            if (checked instanceof PaymentValidation.Invalid invalid) {
                Money total = event.getOrder().getTotal();
                payments.insert(request.getRequestId(), event.getOrderId(), kind, Status.FAILED, null,
                        total == null ? null : total.getAmountMinor(), total == null ? null : total.getCurrency(),
                        event.getOrder().getDetails().getPaymentMethod(), invalid.reason(), asked);
                log.info("capture {} for order {} refused: {}", request.getRequestId(), event.getOrderId(),
                        invalid.reason());
                return Optional.of(outcomes.failed(event, request, invalid.reason(), clock.instant()));
            }
            PaymentValidation.Valid valid = (PaymentValidation.Valid) checked;
            payments.insert(request.getRequestId(), event.getOrderId(), kind, Status.PENDING, null,
                    valid.amountMinor(), valid.currency(), valid.paymentMethod(), null, asked);
        } else {
            payments.insert(request.getRequestId(), event.getOrderId(), kind, Status.PENDING,
                    request.getTargetRequestId(), null, null, null, null, asked);
            if (kind == Kind.VOID && request.getTargetRequestId() != null
                    && payments.cancel(request.getTargetRequestId(), request.getRequestId())) {
                // The capture it undoes has not finished: it will not capture now, only settle what it started.
                log.info("capture {} for order {} cancelled by {} before it completed", request.getTargetRequestId(),
                        event.getOrderId(), request.getRequestId());
            }
        }
        handle.afterCommit(wakeScheduler);
        return Optional.empty();
    }
}
