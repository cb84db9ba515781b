package io.orderflow.admin.projection;

import io.orderflow.common.app.Service;
import io.orderflow.common.config.Config;
import java.time.Clock;

/** Starts the read-model projector: {@code ORDERFLOW_PROJECTOR_GROUP} (admin-projector) names its consumer groups. */
public final class ProjectorMain {
    private ProjectorMain() {}

    public static void main(String[] args) {
        Service.run("projector", () -> Projector.start(Config.fromEnvironment(), Clock.systemUTC()));
    }
}
