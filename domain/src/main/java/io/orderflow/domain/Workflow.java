package io.orderflow.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an order stands in the choreography: its in-flight transition (or null), how many requests it has made (for
 * unique request ids), the requests recently completed (so a repeated outcome is ignored rather than compensated), a
 * note for staff, when it entered its state, and whether it was flagged as overdue there.
 */
public record Workflow(
        InFlight inFlight,
        long requestSeq,
        List<String> completedRequests,
        String note,
        Instant stateSince,
        boolean overdueFlagged) {

    static final int REMEMBERED_REQUESTS = 32;

    public Workflow {
        completedRequests = List.copyOf(completedRequests);
    }

    static Workflow initial(Instant now) {
        return new Workflow(null, 0, List.of(), null, now, false);
    }

    Workflow withInFlight(InFlight next) {
        return new Workflow(next, requestSeq, completedRequests, note, stateSince, overdueFlagged);
    }

    Workflow withNote(String text) {
        return new Workflow(inFlight, requestSeq, completedRequests, text, stateSince, overdueFlagged);
    }

    Workflow nextRequest() {
        return new Workflow(inFlight, requestSeq + 1, completedRequests, note, stateSince, overdueFlagged);
    }

    Workflow completed(String requestId) {
        List<String> kept = new ArrayList<>(completedRequests);
        kept.add(requestId);
        if (kept.size() > REMEMBERED_REQUESTS) {
            kept.remove(0);
        }
        return new Workflow(null, requestSeq, kept, note, stateSince, overdueFlagged);
    }

    Workflow enteredState(Instant now) {
        return new Workflow(inFlight, requestSeq, completedRequests, null, now, false);
    }

    Workflow flaggedOverdue(String why) {
        return new Workflow(inFlight, requestSeq, completedRequests, why, stateSince, true);
    }
}
