package io.orderflow.admin;

import io.orderflow.admin.projection.Rebuild;
import io.orderflow.common.app.Service;
import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import java.time.Clock;

/**
 * {@code AdminWebMain} runs the admin web app; {@code AdminWebMain rebuild} empties the read model and replays it
 * from the topics, then exits (the projector itself runs as {@link io.orderflow.admin.projection.ProjectorMain}).
 */
public final class AdminWebMain {
    private AdminWebMain() {}

    public static void main(String[] args) {
        String what = args.length == 0 ? "web" : args[0];
        switch (what) {
            case "web" -> Service.run("admin-web", () -> AdminWeb.start(Config.fromEnvironment(), Clock.systemUTC()));
            case "rebuild" -> {
                try (Database database = ReadModel.open(Config.fromEnvironment())) {
                    Rebuild.Counts counts = Rebuild.run(Config.fromEnvironment(), database.jdbi());
                    System.out.printf("read model rebuilt from %d events, %d command results, %d tracking updates%n",
                            counts.events(), counts.results(), counts.tracking());
                }
            }
            default -> {
                System.err.println("usage: AdminWebMain [web | rebuild]");
                System.exit(64);
            }
        }
    }
}
