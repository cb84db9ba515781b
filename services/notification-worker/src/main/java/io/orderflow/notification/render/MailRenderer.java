package io.orderflow.notification.render;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.Transition;
import io.orderflow.schema.TransitionUpdate;
import io.orderflow.schema.UpdateStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders the e-mails about one order event from templates {@code mail/<name>.txt} (first line {@code Subject: ...}, a
 * blank line, then the plain-text body) and {@code mail/<name>.html}: an applied transition tells the customer
 * ({@code <transition>}); a rolled-back step (a declined payment, an out-of-stock reservation, a failed label) tells the
 * customer it did not go through ({@code rolled_back}); a flagged order tells the customer a person will look at it
 * ({@code flagged}) and staff why ({@code flagged_staff}, to the staff address). Templates are Mustache; the HTML ones
 * escape every value, the text ones insert values as they are.
 */
public final class MailRenderer {
    private static final String ROOT = "mail";
    private static final String SUBJECT_PREFIX = "Subject:";
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** The staff mail about a flagged order has this suffix on its event id: one customer and one staff mail. */
    public static final String STAFF_SUFFIX = "/staff";
    private static final String ROLLED_BACK = "rolled_back";
    /**
     * The steps whose failure the customer waits on (stock, payment, label). An unship given up because the parcel
     * was delivered, or a reopen, is staff's business: the customer hears of the outcome, not of the attempt.
     */
    private static final Set<Transition> CUSTOMER_STEPS = EnumSet.of(Transition.CONFIRM, Transition.PAY, Transition.SHIP);
    private static final String FLAGGED = "flagged";
    private static final String FLAGGED_STAFF = "flagged_staff";

    private final Map<Transition, Templates> templates = new EnumMap<>(Transition.class);
    private final Map<String, Templates> failures;
    private final String trackingBaseUrl;
    private final String messageIdDomain;
    private final String staffEmail;

    /** Loads and compiles every template now, so a missing or broken one stops start-up. */
    public MailRenderer(String trackingBaseUrl, String messageIdDomain, String staffEmail) {
        this.trackingBaseUrl = trackingBaseUrl;
        this.messageIdDomain = MessageIds.checkDomain(messageIdDomain);
        this.staffEmail = staffEmail;
        DefaultMustacheFactory html = new DefaultMustacheFactory(ROOT);
        DefaultMustacheFactory text = new PlainTextMustacheFactory(ROOT);
        for (Transition transition : Transition.values()) {
            templates.put(transition, Templates.load(transition.name().toLowerCase(Locale.ROOT), text, html));
        }
        failures = Map.of(ROLLED_BACK, Templates.load(ROLLED_BACK, text, html),
                FLAGGED, Templates.load(FLAGGED, text, html),
                FLAGGED_STAFF, Templates.load(FLAGGED_STAFF, text, html));
    }

    /**
     * The mails about {@code event}: one for an applied transition or a rolled-back step, two (customer and staff) for
     * a flag, none for anything else (requests, holds, refused commands).
     */
    public List<Mail> render(OrderEvent event) {
        String customer = event.getOrder().getDetails().getCustomerEmail();
        if (event.getBody() instanceof StateChanged change) {
            Model model = model(event, change.getTransition(), change.getReason());
            return List.of(mail(templates.get(change.getTransition()), model, event.getEventId(), event,
                    change.getTransition(), customer));
        }
        if (event.getBody() instanceof TransitionUpdate update && update.getStatus() == UpdateStatus.ROLLED_BACK
                && CUSTOMER_STEPS.contains(update.getTransition())) {
            Model model = model(event, update.getTransition(), update.getReason());
            return List.of(mail(failures.get(ROLLED_BACK), model, rolledBackMailId(event, update), event,
                    update.getTransition(), customer));
        }
        if (event.getBody() instanceof TransitionUpdate update && update.getStatus() == UpdateStatus.FLAGGED) {
            Model model = model(event, update.getTransition(), update.getReason());
            return List.of(
                    mail(failures.get(FLAGGED), model, event.getEventId(), event, update.getTransition(), customer),
                    mail(failures.get(FLAGGED_STAFF), model, event.getEventId() + STAFF_SUFFIX, event,
                            update.getTransition(), staffEmail));
        }
        return List.of();
    }

    /**
     * A stall policy retries a failed step (a reservation every 10 minutes, say) without changing the order's version:
     * the customer hears once per step and version, not once per attempt. The queue keeps one mail per id.
     */
    static String rolledBackMailId(OrderEvent event, TransitionUpdate update) {
        return event.getOrderId() + "-v" + event.getOrder().getVersion() + "-"
                + update.getTransition().name().toLowerCase(Locale.ROOT) + "-" + ROLLED_BACK;
    }

    private Mail mail(Templates t, Model model, String mailId, OrderEvent event, Transition transition,
                      String recipient) {
        // A subject is one line: a value with a line break in it must not add a header.
        String subject = render(t.subject(), model).replaceAll("\\s+", " ").strip();
        return new Mail(mailId, event.getOrderId(), transition, recipient, subject, render(t.text(), model),
                render(t.html(), model), MessageIds.of(mailId, messageIdDomain));
    }

    private Model model(OrderEvent event, Transition transition, String reason) {
        OrderSnapshot order = event.getOrder();
        List<Line> lines = order.getDetails().getLines().stream().map(MailRenderer::line).toList();
        String tracking = order.getTrackingNumber();
        return new Model(order.getOrderId(), order.getState().name().toLowerCase(Locale.ROOT),
                transition.name().toLowerCase(Locale.ROOT), lines,
                Amounts.format(order.getTotal()), order.getDetails().getShippingAddress(), tracking,
                tracking == null ? null : trackingUrl(tracking), reason, WHEN.format(event.getOccurredAt()));
    }

    private String trackingUrl(String trackingNumber) {
        return trackingBaseUrl + URLEncoder.encode(trackingNumber, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Line line(OrderLine line) {
        return new Line(line.getSku(), line.getQuantity(), Amounts.format(line.getUnitPrice()),
                Amounts.times(line.getUnitPrice(), line.getQuantity()));
    }

    private static String render(Mustache template, Model model) {
        StringWriter out = new StringWriter();
        template.execute(out, model);
        return out.toString();
    }

    /** What templates see. Absent values are null, so {@code {{#reason}}...{{/reason}}} shows only when given. */
    public record Model(String orderId, String state, String step, List<Line> lines, String total, String shippingAddress,
                        String trackingNumber, String trackingUrl, String reason, String occurredAt) {}

    /** One order line as templates see it: amounts already formatted exactly. */
    public record Line(String sku, int quantity, String unitPrice, String lineTotal) {}

    private record Templates(Mustache subject, Mustache text, Mustache html) {
        static Templates load(String name, DefaultMustacheFactory textFactory, DefaultMustacheFactory htmlFactory) {
            String source = read(name + ".txt");
            int end = source.indexOf('\n');
            String first = end < 0 ? source : source.substring(0, end);
            if (!first.startsWith(SUBJECT_PREFIX)) {
                throw new IllegalStateException(ROOT + "/" + name + ".txt must start with a '" + SUBJECT_PREFIX
                        + " ...' line");
            }
            String body = source.substring(end + 1).replaceFirst("^\r?\n", "");
            try {
                return new Templates(
                        textFactory.compile(new StringReader(first.substring(SUBJECT_PREFIX.length()).strip()),
                                name + ".subject"),
                        // Named *.txt so that {{> items}} finds items.txt; the HTML template finds items.html.
                        textFactory.compile(new StringReader(body), name + ".txt"),
                        htmlFactory.compile(name + ".html"));
            } catch (MustacheException e) {
                throw new IllegalStateException("mail template for " + name + " is broken: " + e.getMessage(), e);
            }
        }

        private static String read(String file) {
            String path = ROOT + "/" + file;
            try (InputStream in = MailRenderer.class.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("mail template " + path + " is missing");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Plain text needs no escaping: values go in as they are. */
    private static final class PlainTextMustacheFactory extends DefaultMustacheFactory {
        PlainTextMustacheFactory(String resourceRoot) {
            super(resourceRoot);
        }

        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new MustacheException("cannot write", e);
            }
        }
    }
}
