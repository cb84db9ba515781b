package io.orderflow.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.loadtest.InvariantChecks.Observed;
import io.orderflow.loadtest.InvariantChecks.Recorded;
import io.orderflow.loadtest.InvariantChecks.Stock;
import io.orderflow.loadtest.InvariantChecks.Violation;
import io.orderflow.schema.OrderState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InvariantChecksTest {
    private static final Stock STOCK_OK = new Stock(0, 0);

    @Test
    void aDeliveredOrderWithOneCaptureOneLabelAndAMailAndAuditRowPerStepPasses() {
        assertThat(InvariantChecks.evaluate(STOCK_OK, Map.of("o-1", new Observed(OrderState.DELIVERED, 5)),
                Map.of("o-1", new Recorded(1, 1, 5, 5)))).isEmpty();
    }

    @Test
    void aMissingCaptureIsSeenEvenWhenOtherOrdersHaveCaptures() {
        // The old check compared the number of captured orders with the number delivered: o-2's stray capture
        // hid o-1's missing one.
        List<Violation> violations = InvariantChecks.evaluate(STOCK_OK, Map.of(
                        "o-1", new Observed(OrderState.DELIVERED, 5),
                        "o-2", new Observed(OrderState.CANCELLED, 4)),
                Map.of("o-1", new Recorded(0, 1, 5, 5), "o-2", new Recorded(1, 0, 4, 4)));

        assertThat(violations).extracting(Violation::rule).containsExactlyInAnyOrder(
                "missing capture on a delivered order", "capture left on a cancelled order");
        assertThat(violations).allSatisfy(v -> assertThat(v.count()).isEqualTo(1));
    }

    @Test
    void labelsAuditRowsAndMailsAreCheckedPerOrder() {
        List<Violation> violations = InvariantChecks.evaluate(STOCK_OK, Map.of(
                        "o-1", new Observed(OrderState.SHIPPED, 4),
                        "o-2", new Observed(OrderState.PAID, 3),
                        "o-3", new Observed(OrderState.DELIVERED, 5)),
                Map.of("o-1", new Recorded(1, 2, 4, 4), "o-2", new Recorded(1, 1, 2, 3), "o-3", new Recorded(1, 0, 5, 4)));

        assertThat(violations).extracting(Violation::rule).containsExactlyInAnyOrder(
                "more than one live label on a shipped order", "label left on a paid order",
                "missing label on a delivered order", "audit rows differ from state changes",
                "e-mails sent differ from state changes");
    }

    @Test
    void anOrderTheTablesDoNotKnowCountsAsNothingRecorded() {
        assertThat(InvariantChecks.evaluate(STOCK_OK, Map.of("o-1", new Observed(OrderState.PAID, 3)), Map.of()))
                .extracting(Violation::rule).contains("missing capture on a paid order",
                        "audit rows differ from state changes");
    }

    @Test
    void stockFiguresAreViolationsOfTheirOwn() {
        assertThat(InvariantChecks.evaluate(new Stock(2, 1), Map.of(), Map.of()))
                .extracting(Violation::line).containsExactly(
                        "2 x SKUs whose reserved differs from their active reservations", "1 x SKUs with negative stock");
    }
}
