package io.orderflow.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where an order stands in the choreography: its in-flight transition (or null), how many requests it has made (for
 * unique request ids), the requests it abandoned (timed out or preempted: a late success for one of them is undone;
 * any other repeated outcome is ignored), a note for staff, when it entered its state, and whether it was flagged as
 * overdue there; the correlation id of the command that last set it going, which everything that follows keeps;
 * the follow-ups and compensations sent and not yet answered ({@code followUps}, each with a deadline); why it needs
 * a person ({@code flag}, null when it does not: the one place a flag lives, until the order's next state change);
 * and the stalled automatic step to try again ({@code retry}, see {@link StallPolicy}).
 */
public record Workflow(
        InFlight inFlight,
        long requestSeq,
        List<String> abandonedRequests,
        String note,
        Instant stateSince,
        boolean overdueFlagged,
        String correlationId,
        List<WatchedRequest> followUps,
        String flag,
        Retry retry) {

    static final int REMEMBERED_REQUESTS = 32;

    public Workflow {
        abandonedRequests = List.copyOf(abandonedRequests);
        followUps = List.copyOf(followUps);
    }

    /** A workflow with nothing watched, flagged or to retry (as held before those existed). */
    public Workflow(InFlight inFlight, long requestSeq, List<String> abandonedRequests, String note, Instant stateSince,
                    boolean overdueFlagged, String correlationId) {
        this(inFlight, requestSeq, abandonedRequests, note, stateSince, overdueFlagged, correlationId, List.of(),
                null, null);
    }

    static Workflow initial(Instant now) {
        return new Workflow(null, 0, List.of(), null, now, false, null);
    }

    Workflow withInFlight(InFlight next) {
        return new Workflow(next, requestSeq, abandonedRequests, note, stateSince, overdueFlagged, correlationId,
                followUps, flag, retry);
    }

    Workflow correlatedWith(String id) {
        return new Workflow(inFlight, requestSeq, abandonedRequests, note, stateSince, overdueFlagged, id,
                followUps, flag, retry);
    }

    Workflow withNote(String text) {
        return new Workflow(inFlight, requestSeq, abandonedRequests, text, stateSince, overdueFlagged, correlationId,
                followUps, flag, retry);
    }

    Workflow nextRequest() {
        return new Workflow(inFlight, requestSeq + 1, abandonedRequests, note, stateSince, overdueFlagged,
                correlationId, followUps, flag, retry);
    }

    /** The in-flight request ended with an answer. */
    Workflow completed() {
        return withInFlight(null);
    }

    /** The in-flight request was given up (timed out or preempted); its effect may still happen and must be undone. */
    Workflow abandoned(String requestId) {
        List<String> kept = new ArrayList<>(abandonedRequests);
        kept.add(requestId);
        if (kept.size() > REMEMBERED_REQUESTS) {
            kept.remove(0);
        }
        return new Workflow(null, requestSeq, kept, note, stateSince, overdueFlagged, correlationId, followUps, flag,
                retry);
    }

    /** A new state: its note, flag and stalled step belong to the old one. Follow-ups stay watched. */
    Workflow enteredState(Instant now) {
        return new Workflow(inFlight, requestSeq, abandonedRequests, null, now, false, correlationId, followUps, null,
                null);
    }

    Workflow flaggedOverdue(String why) {
        return new Workflow(inFlight, requestSeq, abandonedRequests, why, stateSince, true, correlationId, followUps,
                why, retry);
    }

    /** Needs a person: the note says why, and so does the flag until the next state change. */
    Workflow flagged(String why) {
        return new Workflow(inFlight, requestSeq, abandonedRequests, why, stateSince, overdueFlagged, correlationId,
                followUps, why, retry);
    }

    Workflow watching(WatchedRequest request) {
        List<WatchedRequest> kept = new ArrayList<>(followUps);
        kept.add(request);
        return withFollowUps(kept);
    }

    Optional<WatchedRequest> watched(String requestId) {
        return followUps.stream().filter(w -> w.requestId().equals(requestId)).findFirst();
    }

    /** Stops watching {@code requestId} (answered, or flagged as lost). */
    Workflow unwatched(String requestId) {
        return withFollowUps(followUps.stream().filter(w -> !w.requestId().equals(requestId)).toList());
    }

    Workflow replacing(WatchedRequest request) {
        return withFollowUps(followUps.stream()
                .map(w -> w.requestId().equals(request.requestId()) ? request : w).toList());
    }

    Workflow retrying(Retry next) {
        return new Workflow(inFlight, requestSeq, abandonedRequests, note, stateSince, overdueFlagged, correlationId,
                followUps, flag, next);
    }

    private Workflow withFollowUps(List<WatchedRequest> next) {
        return new Workflow(inFlight, requestSeq, abandonedRequests, note, stateSince, overdueFlagged, correlationId,
                next, flag, retry);
    }
}
