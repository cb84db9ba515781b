package io.orderflow.sandbox;

import io.javalin.Javalin;
import java.net.URI;

/** A running payment gateway and carrier pair, with their actual ports; close() stops both. */
public final class Sandbox implements AutoCloseable {
    private final String host;
    private final Javalin gateway;
    private final Javalin carrier;
    private final Runnable resetAll;
    private final AutoCloseable[] resources;

    Sandbox(String host, Javalin gateway, Javalin carrier, Runnable resetAll, AutoCloseable... resources) {
        this.host = host;
        this.gateway = gateway;
        this.carrier = carrier;
        this.resetAll = resetAll;
        this.resources = resources;
    }

    public int gatewayPort() {
        return gateway.port();
    }

    public int carrierPort() {
        return carrier.port();
    }

    public URI gatewayUri() {
        return URI.create("http://" + host + ":" + gatewayPort());
    }

    public URI carrierUri() {
        return URI.create("http://" + host + ":" + carrierPort());
    }

    /** Same as POST /sandbox/reset on both servers. */
    public void reset() {
        resetAll.run();
    }

    @Override
    public void close() {
        resetAll.run(); // releases requests held by timeout faults, so Jetty stops promptly
        gateway.stop();
        carrier.stop();
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // best effort on shutdown
            }
        }
    }
}
