package io.orderflow.notification;

import io.orderflow.common.app.Service;
import io.orderflow.common.config.Config;

/** Starts the notification worker; settings in {@link NotificationSettings}. */
public final class NotificationWorkerMain {
    private NotificationWorkerMain() {}

    public static void main(String[] args) {
        Service.run("notification-worker", () -> NotificationWorker.start(Config.fromEnvironment()));
    }
}
