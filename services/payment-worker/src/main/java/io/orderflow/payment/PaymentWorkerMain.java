package io.orderflow.payment;

import io.orderflow.common.app.Service;
import io.orderflow.common.config.Config;

/** Starts the payment worker with settings from the environment (module README). */
public final class PaymentWorkerMain {
    private PaymentWorkerMain() {}

    public static void main(String[] args) {
        Service.run("payment-worker", () -> PaymentWorker.start(Config.fromEnvironment()));
    }
}
