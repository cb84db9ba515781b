package io.orderflow.notification.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.notification.Events;
import io.orderflow.schema.Effect;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Transition;
import io.orderflow.schema.TransitionUpdate;
import io.orderflow.schema.UpdateStatus;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MailRendererTest {
    private final MailRenderer renderer = new MailRenderer("https://track.example/t/", "orderflow",
            "staff@shop.example");

    @ParameterizedTest
    @EnumSource(Transition.class)
    void everyTransitionHasAMailWithTheOrderItsItemsAndItsExactTotal(Transition transition) {
        Events order = Events.order("o-17", "ann@example.com");
        OrderEvent event = order.next(transition, OrderState.PENDING);

        Mail mail = renderer.render(event).get(0);

        assertThat(mail.eventId()).isEqualTo("o-17-v1");
        assertThat(mail.transition()).isEqualTo(transition);
        assertThat(mail.recipient()).isEqualTo("ann@example.com");
        assertThat(mail.subject()).contains("o-17").doesNotContain("\n").doesNotContain("{{");
        for (String body : new String[] {mail.textBody(), mail.htmlBody()}) {
            assertThat(body).contains("o-17", "SKU-1", "12.50 EUR", "25.00 EUR", "SKU-2", "4.99 EUR", "29.99 EUR")
                    .doesNotContain("{{");
        }
        assertThat(mail.htmlBody()).startsWith("<!DOCTYPE html>").contains("<title>" + mail.subject() + "</title>");
        assertThat(mail.textBody()).doesNotContain("<p>", "<td>");
    }

    @Test
    void theShippedMailLinksToTheParcelsTrackingPage() {
        Events order = Events.order("o-1", "ann@example.com");
        order.next(Transition.PLACE, OrderState.PENDING);
        order.next(Transition.CONFIRM, OrderState.CONFIRMED);
        order.next(Transition.PAY, OrderState.PAID);

        Mail mail = renderer.render(order.tracking("TRK 42/A").next(Transition.SHIP, OrderState.SHIPPED))
                .get(0);

        assertThat(mail.subject()).isEqualTo("Your order o-1 has shipped");
        // The number is one path segment of the link, whatever characters it holds.
        assertThat(mail.textBody()).contains("Tracking number: TRK 42/A",
                "Follow your parcel: https://track.example/t/TRK%2042%2FA");
        assertThat(mail.htmlBody()).contains("<a href=\"https://track.example/t/TRK%2042%2FA\">");
        assertThat(mail.textBody()).contains("1 Main St, Springfield");
    }

    @Test
    void aShippedMailWithoutTrackingNumberSaysNothingAboutTracking() {
        Mail mail = renderer.render(Events.order("o-1", "ann@example.com").next(Transition.SHIP, OrderState.SHIPPED))
                .get(0);

        assertThat(mail.textBody()).doesNotContain("Tracking", "https://");
        assertThat(mail.htmlBody()).doesNotContain("<a href");
    }

    @Test
    void cancelledAndRefundedMailsSayWhy() {
        Events order = Events.order("o-1", "ann@example.com");
        order.next(Transition.PLACE, OrderState.PENDING);
        Mail cancelled = renderer.render(order.next(Transition.CANCEL, OrderState.CANCELLED, "customer changed mind"))
                .get(0);
        Mail refunded = renderer.render(order.next(Transition.REFUND, OrderState.REFUNDED, "parcel arrived damaged"))
                .get(0);

        assertThat(cancelled.subject()).isEqualTo("Your order o-1 has been cancelled");
        assertThat(cancelled.textBody()).contains("Reason: customer changed mind");
        assertThat(cancelled.htmlBody()).contains("<strong>Reason:</strong> customer changed mind");
        assertThat(refunded.subject()).isEqualTo("Your order o-1 has been refunded");
        assertThat(refunded.textBody()).contains("29.99 EUR is on its way back", "Reason: parcel arrived damaged");
        assertThat(refunded.htmlBody()).contains("<strong>Reason:</strong> parcel arrived damaged");
    }

    @Test
    void withoutAReasonTheReasonLineIsLeftOut() {
        Mail mail = renderer.render(Events.order("o-1", "ann@example.com").next(Transition.CANCEL,
                OrderState.CANCELLED)).get(0);

        assertThat(mail.textBody()).doesNotContain("Reason");
        assertThat(mail.htmlBody()).doesNotContain("Reason");
    }

    @Test
    void htmlEscapesEveryValueWhileTextKeepsThemAsTheyAre() {
        Events order = Events.emptyOrder("o-<1>", "ann@example.com")
                .line("<script>alert('x')</script>", 1, 100)
                .address("\"Tom & Jerry\" <b>Lane</b>");
        order.next(Transition.PLACE, OrderState.PENDING);
        Mail mail = renderer.render(order.tracking("T\"><img src=x>").next(Transition.SHIP, OrderState.SHIPPED,
                "<i>late</i>")).get(0);

        assertThat(mail.htmlBody())
                .doesNotContain("<script>", "<b>Lane", "<img", "<1>")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "&quot;Tom &amp; Jerry&quot; &lt;b&gt;Lane",
                        "o-&lt;1&gt;", "T&quot;&gt;&lt;img src&#61;x&gt;");
        assertThat(mail.textBody()).contains("<script>alert('x')</script>", "\"Tom & Jerry\" <b>Lane</b>",
                "Tracking number: T\"><img src=x>");
    }

    @Test
    void aSubjectStaysOneLineWhateverTheOrderIdHolds() {
        Mail mail = renderer.render(Events.order("o-1\r\nBcc: all@example.com", "ann@example.com")
                .next(Transition.PLACE, OrderState.PENDING)).get(0);

        assertThat(mail.subject()).isEqualTo("We have received your order o-1 Bcc: all@example.com");
    }

    @Test
    void requestsMakeNoMail() {
        Events order = Events.order("o-1", "ann@example.com");
        order.next(Transition.PLACE, OrderState.PENDING);

        assertThat(renderer.render(order.request(Effect.RESERVE_STOCK, Transition.CONFIRM))).isEmpty();
    }

    @Test
    void aRolledBackStepTellsTheCustomerWhyInOneMailPerEvent() {
        Events order = Events.order("o-1", "ann@example.com");
        order.next(Transition.PLACE, OrderState.PENDING);
        OrderEvent rolledBack = update(order, "o-1-r1-rolled_back",
                new TransitionUpdate(Transition.CONFIRM, UpdateStatus.ROLLED_BACK, "out of stock: SKU-1"));

        assertThat(renderer.render(rolledBack)).singleElement().satisfies(mail -> {
            assertThat(mail.eventId()).isEqualTo("o-1-v1-confirm-rolled_back");
            assertThat(mail.recipient()).isEqualTo("ann@example.com");
            assertThat(mail.subject()).isEqualTo("A step of your order o-1 did not go through");
            assertThat(mail.textBody()).contains("(confirm)", "Reason: out of stock: SKU-1", "SKU-1");
            assertThat(mail.htmlBody()).contains("out of stock: SKU-1").doesNotContain("{{");
        });
    }

    @Test
    void retriesOfTheSameStepInTheSameStateShareOneMailIdSoTheCustomerHearsOnce() {
        Events order = Events.order("o-1", "ann@example.com");
        order.next(Transition.PLACE, OrderState.PENDING);
        Mail first = renderer.render(update(order, "o-1-r1-rolled_back",
                new TransitionUpdate(Transition.CONFIRM, UpdateStatus.ROLLED_BACK, "out of stock"))).get(0);
        Mail retry = renderer.render(update(order, "o-1-r2-rolled_back",
                new TransitionUpdate(Transition.CONFIRM, UpdateStatus.ROLLED_BACK, "out of stock"))).get(0);
        order.next(Transition.CONFIRM, OrderState.CONFIRMED);
        Mail pay = renderer.render(update(order, "o-1-r3-rolled_back",
                new TransitionUpdate(Transition.PAY, UpdateStatus.ROLLED_BACK, "card declined"))).get(0);

        assertThat(retry.eventId()).isEqualTo(first.eventId());
        assertThat(pay.eventId()).isNotEqualTo(first.eventId());
    }

    @Test
    void aFlagTellsTheCustomerAndStaffInTwoMailsWithDistinctIds() {
        Events order = Events.order("o-1", "ann@example.com");
        order.next(Transition.PLACE, OrderState.PENDING);
        OrderEvent flagged = update(order, "o-1-f3-flagged",
                new TransitionUpdate(Transition.CANCEL, UpdateStatus.FLAGGED, "release o-1-f3 got no answer"));

        List<Mail> mails = renderer.render(flagged);

        assertThat(mails).extracting(Mail::recipient).containsExactly("ann@example.com", "staff@shop.example");
        assertThat(mails).extracting(Mail::eventId).containsExactly("o-1-f3-flagged", "o-1-f3-flagged/staff");
        assertThat(mails).extracting(Mail::messageId).doesNotHaveDuplicates();
        assertThat(mails.get(0).textBody()).doesNotContain("got no answer"); // internals stay with staff
        assertThat(mails.get(1).subject()).isEqualTo("Flagged: order o-1 needs attention (cancel)");
        assertThat(mails.get(1).textBody()).contains("Why: release o-1-f3 got no answer");
    }

    @Test
    void holdsMakeNoMail() {
        Events order = Events.order("o-1", "ann@example.com");
        order.next(Transition.PLACE, OrderState.PENDING);

        assertThat(renderer.render(update(order, "o-1-r1-held",
                new TransitionUpdate(Transition.CONFIRM, UpdateStatus.HELD, "inventory database down")))).isEmpty();
    }

    @Test
    void anUnshipGivenUpForADeliveryMakesNoFailureMail() {
        Events order = Events.order("o-1", "ann@example.com");
        order.next(Transition.PLACE, OrderState.PENDING);

        assertThat(renderer.render(update(order, "o-1-r9-rolled_back",
                new TransitionUpdate(Transition.UNSHIP, UpdateStatus.ROLLED_BACK, "delivered meanwhile")))).isEmpty();
    }

    private static OrderEvent update(Events order, String eventId, TransitionUpdate body) {
        return OrderEvent.newBuilder(order.request(Effect.RESERVE_STOCK, body.getTransition())).setEventId(eventId)
                .setBody(body).build();
    }

    @Test
    void theMessageIdIsTheEventsAndTheSameEveryTime() {
        Events order = Events.order("o-1", "ann@example.com");
        OrderEvent placed = order.next(Transition.PLACE, OrderState.PENDING);

        assertThat(renderer.render(placed).get(0).messageId()).isEqualTo("<o-1-v1@orderflow>");
        assertThat(renderer.render(placed).get(0).messageId()).isEqualTo("<o-1-v1@orderflow>");
        // Characters a Message-ID may not hold are encoded, so distinct events keep distinct ids.
        assertThat(MessageIds.of("a b@c>.d%", "mail.orderflow.example"))
                .isEqualTo("<a%20b%40c%3E%2Ed%25@mail.orderflow.example>");
        assertThat(MessageIds.of("ü", "x")).isEqualTo("<%C3%BC@x>");
        assertThatThrownBy(() -> new MailRenderer("https://t/", "bad domain>", "staff@shop.example"))
                .hasMessageContaining("not a valid Message-ID domain");
    }

    @Test
    void amountsAreExactInEachCurrencysOwnDecimals() {
        assertThat(Amounts.format(2999, "EUR")).isEqualTo("29.99 EUR");
        assertThat(Amounts.format(1, "EUR")).isEqualTo("0.01 EUR");
        assertThat(Amounts.format(-250, "USD")).isEqualTo("-2.50 USD");
        assertThat(Amounts.format(500, "JPY")).isEqualTo("500 JPY");
        assertThat(Amounts.format(1234, "BHD")).isEqualTo("1.234 BHD");
        assertThat(Amounts.format(Long.MAX_VALUE, "EUR")).isEqualTo("92233720368547758.07 EUR");
        assertThat(Amounts.format(1999, "ZZZ")).isEqualTo("19.99 ZZZ");
        assertThat(Amounts.times(new io.orderflow.schema.Money(333L, "EUR"), 3)).isEqualTo("9.99 EUR");
        assertThatThrownBy(() -> Amounts.times(new io.orderflow.schema.Money(Long.MAX_VALUE, "EUR"), 2))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void templatesAreNamedAfterTheirTransition() {
        for (Transition t : Transition.values()) {
            String name = "mail/" + t.name().toLowerCase(Locale.ROOT);
            assertThat(getClass().getClassLoader().getResource(name + ".txt")).as(name + ".txt").isNotNull();
            assertThat(getClass().getClassLoader().getResource(name + ".html")).as(name + ".html").isNotNull();
        }
    }
}
