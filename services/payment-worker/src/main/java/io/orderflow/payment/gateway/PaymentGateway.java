package io.orderflow.payment.gateway;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.orderflow.common.http.RemoteCallException.Rejected;
import io.orderflow.common.http.RemoteCallException.Unavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as the worker uses it: every call retried with backoff while the gateway is unreachable, and all calls
 * behind one circuit breaker, so a gateway that is down is left alone (calls fail at once with
 * {@link Unavailable#circuitOpen()}) until it has had time to recover. Retrying is safe only because
 * every state-changing call carries the same Idempotency-Key on each attempt.
 */
public final class PaymentGateway {
    private static final Logger log = LoggerFactory.getLogger(PaymentGateway.class);

    private final GatewayHttpClient http;
    private final Retry retry;
    private final CircuitBreaker breaker;

    public PaymentGateway(GatewayHttpClient http, Retry retry, CircuitBreaker breaker) {
        this.http = http;
        this.retry = retry;
        this.breaker = breaker;
        breaker.getEventPublisher().onStateTransition(event -> log.warn("payment gateway {}: circuit {} -> {}",
                http.base(), event.getStateTransition().getFromState(), event.getStateTransition().getToState()));
    }

    /** True while the breaker refuses calls: work that needs the gateway should wait, not start. */
    public boolean isCircuitOpen() {
        CircuitBreaker.State state = breaker.getState();
        return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
    }

    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    public Authorization authorize(String key, String orderId, long amountMinor, String currency, String paymentMethod)
            throws Unavailable, Rejected {
        return call(() -> http.authorize(key, orderId, amountMinor, currency, paymentMethod));
    }

    public Authorization authorization(String authorizationId) throws Unavailable, Rejected {
        return call(() -> http.authorization(authorizationId));
    }

    public Charge capture(String key, String authorizationId, long amountMinor) throws Unavailable, Rejected {
        return call(() -> http.capture(key, authorizationId, amountMinor));
    }

    public Authorization voidAuthorization(String key, String authorizationId) throws Unavailable, Rejected {
        return call(() -> http.voidAuthorization(key, authorizationId));
    }

    public Refund refund(String key, String chargeId, long amountMinor) throws Unavailable, Rejected {
        return call(() -> http.refund(key, chargeId, amountMinor));
    }

    private <T> T call(CheckedSupplier<T> attempt) throws Unavailable, Rejected {
        // The breaker sees every attempt, so retries of one call can open it; once open, the retry stops at once.
        CheckedSupplier<T> guarded = Retry.decorateCheckedSupplier(retry,
                CircuitBreaker.decorateCheckedSupplier(breaker, attempt));
        try {
            return guarded.get();
        } catch (CallNotPermittedException e) {
            throw new Unavailable("payment gateway unavailable (circuit open)", true, e);
        } catch (Unavailable | Rejected e) {
            throw e;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
