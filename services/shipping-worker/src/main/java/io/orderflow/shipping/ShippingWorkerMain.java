package io.orderflow.shipping;

import io.orderflow.common.app.Service;
import io.orderflow.common.config.Config;

/** Starts the shipping worker with settings from the environment; SIGTERM stops it cleanly. */
public final class ShippingWorkerMain {
    private ShippingWorkerMain() {}

    public static void main(String[] args) {
        Service.run("shipping-worker", () -> ShippingWorker.start(Config.fromEnvironment()));
    }
}
