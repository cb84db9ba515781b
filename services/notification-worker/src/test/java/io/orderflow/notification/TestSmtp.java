package io.orderflow.notification;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.orderflow.common.config.Config;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A real SMTP + IMAP server (GreenMail) in the test JVM, on ports of its own, that a test can stop and start again on
 * the same ports to play a mail server that is down for a while. Remembers what earlier runs received.
 */
final class TestSmtp implements AutoCloseable {
    private final int smtpPort = freePort();
    private final int imapPort = freePort();
    private final List<MimeMessage> receivedBefore = new ArrayList<>();
    private final GreenMailConfiguration configuration;
    private GreenMail server;

    /** Accepts mail from anyone, like infra/mail.sh; any IMAP login reads the mailbox of that address. */
    TestSmtp() {
        this(GreenMailConfiguration.aConfig().withDisabledAuthentication());
    }

    private TestSmtp(GreenMailConfiguration configuration) {
        this.configuration = configuration;
    }

    /** A server that knows one user: SMTP AUTH with a wrong password is refused. */
    static TestSmtp withUser(String login, String password) {
        return new TestSmtp(GreenMailConfiguration.aConfig().withUser(login, password));
    }

    /** Points the worker's SMTP settings at this server. */
    Config configure(Config config) {
        return config.with("ORDERFLOW_SMTP_HOST", "127.0.0.1").with("ORDERFLOW_SMTP_PORT", Integer.toString(smtpPort));
    }

    synchronized TestSmtp start() {
        if (server == null) {
            server = new GreenMail(new ServerSetup[] {
                    new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                    new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)})
                    .withConfiguration(configuration);
            server.start();
        }
        return this;
    }

    /** Stops accepting connections (refused from now on), keeping what it received so far. */
    synchronized void stop() {
        if (server != null) {
            receivedBefore.addAll(List.of(server.getReceivedMessages()));
            server.stop();
            server = null;
        }
    }

    /** Every message the server accepted, over all its runs, in arrival order. */
    synchronized List<MimeMessage> received() {
        List<MimeMessage> all = new ArrayList<>(receivedBefore);
        if (server != null) {
            all.addAll(List.of(server.getReceivedMessages()));
        }
        return all;
    }

    /** The messages in {@code address}'s INBOX, read over IMAP as a mail client would. */
    synchronized List<MimeMessage> inbox(String address) throws MessagingException {
        Properties props = new Properties();
        props.put("mail.imap.connectiontimeout", "5000");
        props.put("mail.imap.timeout", "5000");
        Store store = Session.getInstance(props).getStore("imap");
        store.connect("127.0.0.1", imapPort, address, "any-password");
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                List<MimeMessage> copies = new ArrayList<>();
                for (Message m : inbox.getMessages()) {
                    copies.add(new MimeMessage((MimeMessage) m));  // fully loaded, readable after the store closes
                }
                return copies;
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
