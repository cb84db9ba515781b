package io.orderflow.notification.render;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.Transition;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the e-mail about one applied transition from its templates, {@code mail/<transition>.txt} (first line
 * {@code Subject: ...}, a blank line, then the plain-text body) and {@code mail/<transition>.html}. Templates are
 * Mustache; the HTML ones escape every value, the text ones insert values as they are.
 */
public final class MailRenderer {
    private static final String ROOT = "mail";
    private static final String SUBJECT_PREFIX = "Subject:";
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final Map<Transition, Templates> templates = new EnumMap<>(Transition.class);
    private final String trackingBaseUrl;
    private final String messageIdDomain;

    /** Loads and compiles every transition's templates now, so a missing or broken one stops start-up. */
    public MailRenderer(String trackingBaseUrl, String messageIdDomain) {
        this.trackingBaseUrl = trackingBaseUrl;
        this.messageIdDomain = MessageIds.checkDomain(messageIdDomain);
        DefaultMustacheFactory html = new DefaultMustacheFactory(ROOT);
        DefaultMustacheFactory text = new PlainTextMustacheFactory(ROOT);
        for (Transition transition : Transition.values()) {
            templates.put(transition, Templates.load(transition, text, html));
        }
    }

    /** The mail announcing {@code event}, or empty if the event is not an applied transition. */
    public Optional<Mail> render(OrderEvent event) {
        if (!(event.getBody() instanceof StateChanged change)) {
            return Optional.empty();
        }
        Templates t = templates.get(change.getTransition());
        Model model = model(event, change);
        // A subject is one line: a value with a line break in it must not add a header.
        String subject = render(t.subject(), model).replaceAll("\\s+", " ").strip();
        return Optional.of(new Mail(event.getEventId(), event.getOrderId(), change.getTransition(),
                event.getOrder().getDetails().getCustomerEmail(), subject, render(t.text(), model),
                render(t.html(), model), MessageIds.of(event.getEventId(), messageIdDomain)));
    }

    private Model model(OrderEvent event, StateChanged change) {
        OrderSnapshot order = event.getOrder();
        List<Line> lines = order.getDetails().getLines().stream().map(MailRenderer::line).toList();
        String tracking = order.getTrackingNumber();
        return new Model(order.getOrderId(), order.getState().name().toLowerCase(Locale.ROOT), lines,
                Amounts.format(order.getTotal()), order.getDetails().getShippingAddress(), tracking,
                tracking == null ? null : trackingUrl(tracking), change.getReason(),
                WHEN.format(event.getOccurredAt()));
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
    public record Model(String orderId, String state, List<Line> lines, String total, String shippingAddress,
                        String trackingNumber, String trackingUrl, String reason, String occurredAt) {}

    /** One order line as templates see it: amounts already formatted exactly. */
    public record Line(String sku, int quantity, String unitPrice, String lineTotal) {}

    private record Templates(Mustache subject, Mustache text, Mustache html) {
        static Templates load(Transition transition, DefaultMustacheFactory textFactory,
                              DefaultMustacheFactory htmlFactory) {
            String name = transition.name().toLowerCase(Locale.ROOT);
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
