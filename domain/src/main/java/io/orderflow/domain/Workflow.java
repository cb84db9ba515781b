package io.orderflow.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an order stands in the choreography: its in-flight transition (or null), how many requests it has made (for
 * unique request ids), the requests it abandoned (timed out or preempted: a late success for one of them is undone;
 * any other repeated outcome is ignored), a note for staff, when it entered its state, and whether it was flagged as
 * overdue there; and the correlation id of the command that last set it going, which everything that follows keeps.
 */
public record Workflow(
        InFlight inFlight,
        long requestSeq,
        List<String> abandonedRequests,
        String note,
        Instant stateSince,
        boolean overdueFlagged,
        String correlationId) {

    static final int REMEMBERED_REQUESTS = 32;

    public Workflow {
        abandonedRequests = List.copyOf(abandonedRequests);
    }

    static Workflow initial(Instant now) {
        return new Workflow(null, 0, List.of(), null, now, false, null);
    }

    Workflow withInFlight(InFlight next) {
        return new Workflow(next, requestSeq, abandonedRequests, note, stateSince, overdueFlagged, correlationId);
    }

    Workflow correlatedWith(String id) {
        return new Workflow(inFlight, requestSeq, abandonedRequests, note, stateSince, overdueFlagged, id);
    }

    Workflow withNote(String text) {
        return new Workflow(inFlight, requestSeq, abandonedRequests, text, stateSince, overdueFlagged, correlationId);
    }

    Workflow nextRequest() {
        return new Workflow(inFlight, requestSeq + 1, abandonedRequests, note, stateSince, overdueFlagged, correlationId);
    }

    /** The in-flight request ended with an answer. */
    Workflow completed() {
        return new Workflow(null, requestSeq, abandonedRequests, note, stateSince, overdueFlagged, correlationId);
    }

    /** The in-flight request was given up (timed out or preempted); its effect may still happen and must be undone. */
    Workflow abandoned(String requestId) {
        List<String> kept = new ArrayList<>(abandonedRequests);
        kept.add(requestId);
        if (kept.size() > REMEMBERED_REQUESTS) {
            kept.remove(0);
        }
        return new Workflow(null, requestSeq, kept, note, stateSince, overdueFlagged, correlationId);
    }

    Workflow enteredState(Instant now) {
        return new Workflow(inFlight, requestSeq, abandonedRequests, null, now, false, correlationId);
    }

    Workflow flaggedOverdue(String why) {
        return new Workflow(inFlight, requestSeq, abandonedRequests, why, stateSince, true, correlationId);
    }
}
