package io.orderflow.domain;

import static io.orderflow.domain.Fixtures.CUSTOMER_ID;
import static io.orderflow.domain.Fixtures.ORDER_ID;
import static io.orderflow.domain.Fixtures.OTHER_CUSTOMER_ID;
import static io.orderflow.domain.Fixtures.berlin;

import io.orderflow.domain.ChoreographyWorld.Worker;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Random lives of order o-42 under the choreographed machine, in the style of {@link CommandSequences}: each run
 * places the order, then plays random steps against a {@link ChoreographyWorld} — commands (random transitions, roles,
 * versions, resent ids), workers answering their oldest request (SUCCEEDED, FAILED, HELD), outcomes reaching the
 * engine late, in any interleaving between workers, and again, the clock moving (a little, a lot, past the next
 * deadline, that of a void, unship or refund included) with the punctuator acting, carrier news, and now and then
 * every worker catching up at once. Every step is checked by the world's per-step invariants;
 * {@link #forAll} then lets the world settle and hands it to the property.
 *
 * <p>Fixed seeds make a failure reproducible; it is shrunk greedily (dropping steps) and reported with the seed and
 * the trace. Run with {@code -Dorderflow.seed=N} to explore other sequences, {@code -Dorderflow.tries=N} for more.
 */
final class ChoreographySequences {
    static final int TRIES = Integer.getInteger("orderflow.tries", 300);
    /** Long enough that lives often reach a paid order idle, and a void, unship or refund past its deadline. */
    static final int MAX_LENGTH = 60;
    private static final long DEFAULT_SEED = 20_261_201L;

    enum Kind { COMMAND, WORK, DELIVER, REDELIVER, CLOCK, TRACK, SETTLE }

    /** One step as random numbers, interpreted against the world when it runs (so dropping steps stays valid). */
    record Step(Kind kind, int a, int b, int c) {}

    /** Where the order's life starts: open, just before closing, a closed weekend, just before the holidays. */
    static final List<Instant> STARTS = List.of(
            berlin("2026-06-10T10:00"), berlin("2026-06-12T16:58"), berlin("2026-06-13T18:00"),
            berlin("2026-12-23T16:55"));

    private static final List<String> HOLD_REASONS = List.of(
            "gateway unavailable (circuit open)", "business hours closed", "carrier API timing out");

    /**
     * How the world around the engine may behave. {@code followUpsMayFail}: a worker may answer a compensation or
     * follow-up FAILED (it gave up after its own retries), which leaves the outside world out of step with the order
     * on purpose; the engine flags it for staff. Off in {@link #DEFAULT}, where only gating requests fail.
     * {@code deliveriesMayBeLost}: a worker's outcome may never reach the engine (dead-lettered on the way), and the
     * carrier may deliver a parcel without its report arriving; the engine only learns of those through deadlines,
     * so such worlds settle with the clock running past every deadline left.
     */
    record Mode(boolean followUpsMayFail, boolean deliveriesMayBeLost) {}

    static final Mode DEFAULT = new Mode(false, false);
    static final Mode FOLLOW_UPS_MAY_FAIL = new Mode(true, false);
    static final Mode FOLLOW_UPS_MAY_FAIL_AND_DELIVERIES_BE_LOST = new Mode(true, true);

    private ChoreographySequences() {}

    static List<Step> generate(Random random) {
        int length = 1 + random.nextInt(MAX_LENGTH);
        List<Step> steps = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            int k = random.nextInt(100);
            Kind kind = k < 30 ? Kind.COMMAND : k < 56 ? Kind.WORK : k < 74 ? Kind.DELIVER : k < 79 ? Kind.REDELIVER
                    : k < 91 ? Kind.CLOCK : k < 96 ? Kind.TRACK : Kind.SETTLE;
            steps.add(new Step(kind, random.nextInt(1_000), random.nextInt(1_000), random.nextInt(1_000)));
        }
        return steps;
    }

    /** Plays {@code steps} from a freshly placed order; the per-step invariants are checked as it goes. */
    static ChoreographyWorld play(Instant start, List<Step> steps, Mode mode) {
        return play(new ChoreographyWorld(ChoreographyWorld.MACHINE, start), steps, mode);
    }

    static ChoreographyWorld play(ChoreographyWorld w, List<Step> steps, Mode mode) {
        w.place();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            switch (s.kind()) {
                case COMMAND -> command(w, s, i, sent);
                case WORK -> work(w, s, mode);
                case DELIVER -> {
                    List<Worker> ready = List.of(Worker.values()).stream()
                            .filter(x -> !w.undelivered(x).isEmpty()).toList();
                    if (!ready.isEmpty() && mode.deliveriesMayBeLost() && s.b() % 6 == 0) {
                        w.lose(ready.get(s.a() % ready.size()));
                    } else if (!ready.isEmpty()) {
                        w.deliverNext(ready.get(s.a() % ready.size()));
                    }
                }
                case REDELIVER -> {
                    List<Outcome> seen = w.delivered();
                    if (!seen.isEmpty()) {
                        w.deliver(seen.get(s.a() % seen.size()));
                    }
                }
                case CLOCK -> {
                    Instant to = switch (s.a() % 4) {
                        case 0 -> w.now.plusSeconds(1 + s.b() % 59);
                        case 1 -> w.now.plus(Duration.ofMinutes(1 + s.b() % 180));
                        case 2 -> w.now.plus(Duration.ofHours(1 + s.b() % 30));
                        default -> w.order.deadline(ChoreographyWorld.TIMEOUTS).filter(d -> d.isAfter(w.now))
                                .map(d -> d.plusSeconds(s.b() % 120)).orElse(w.now);
                    };
                    if (to.isAfter(w.now)) {
                        w.advanceTo(to);
                    }
                }
                case TRACK -> {
                    if (mode.deliveriesMayBeLost() && s.b() % 3 == 0) {
                        w.deliverUnreported();
                    } else {
                        w.track(s.a() % 4 == 0 ? "IN_TRANSIT" : Outcome.DELIVERED);
                    }
                }
                case SETTLE -> w.quiesce(); // every worker catches up: lives get past the automatic path
            }
        }
        return w;
    }

    private static void command(ChoreographyWorld w, Step s, int i, List<String> sent) {
        boolean resend = s.c() % 10 == 0 && !sent.isEmpty();
        String id = resend ? sent.get(s.b() % sent.size()) : "cmd-" + (i + 1);
        OrderState state = w.order.state();
        Transition transition;
        Role role;
        List<ExpectedTable.Row> options = ExpectedTable.ROWS.values().stream()
                .filter(r -> r.startsFrom(state)).toList();
        if (s.a() % 4 != 0 && !options.isEmpty()) {
            // Aim at what the table allows from here, so lives get deep.
            ExpectedTable.Row row = options.get(s.b() % options.size());
            transition = row.transition();
            role = row.roles().get((s.b() / 7) % row.roles().size());
        } else {
            transition = Transition.values()[s.b() % Transition.values().length];
            role = Role.values()[(s.b() / 11) % Role.values().length];
        }
        Actor actor = role == Role.CUSTOMER
                ? new Actor(s.c() % 7 == 0 ? OTHER_CUSTOMER_ID : CUSTOMER_ID, Role.CUSTOMER)
                : Fixtures.actor(role);
        Command command = Command.of(id, ORDER_ID, transition).because("step " + i);
        if (transition == Transition.PLACE) {
            command = command.with(Fixtures.details());
        }
        long version = w.order.version();
        command = switch (s.c() % 6) {
            case 0 -> command.expecting(version);
            case 1 -> command.expecting(version + 1 + s.c() % 2);
            default -> command;
        };
        w.command(command, actor);
        if (!sent.contains(id)) {
            sent.add(id);
        }
    }

    private static void work(ChoreographyWorld w, Step s, Mode mode) {
        List<Worker> busy = List.of(Worker.values()).stream().filter(x -> !w.queue(x).isEmpty()).toList();
        if (busy.isEmpty()) {
            return;
        }
        Worker worker = busy.get(s.a() % busy.size());
        // The worker answers its oldest request. A compensation or follow-up fails only where the mode allows it.
        boolean mayFail = !w.queue(worker).get(0).compensation() || mode.followUpsMayFail();
        int draw = s.b() % 8;
        OutcomeStatus status = draw < 4 ? OutcomeStatus.SUCCEEDED
                : draw < 6 && mayFail ? OutcomeStatus.FAILED
                : draw < 6 ? OutcomeStatus.SUCCEEDED : OutcomeStatus.HELD;
        String reason = status == OutcomeStatus.FAILED ? "refused (" + s.c() + ")"
                : status == OutcomeStatus.HELD ? HOLD_REASONS.get(s.c() % HOLD_REASONS.size()) : null;
        Optional<Outcome> outcome = w.work(worker, status, reason);
        if (outcome.isPresent() && s.c() % 2 == 0) {
            w.deliverNext(worker); // the worker's outbox relay is quick this time
        }
    }

    /**
     * Plays {@link #TRIES} random lives, lets each world settle, and checks {@code property} on it; on failure
     * (during the steps, the settling or the property) shrinks the steps and reports seed, steps and trace.
     */
    static void forAll(Mode mode, Consumer<ChoreographyWorld> property) {
        long base = Long.getLong("orderflow.seed", DEFAULT_SEED);
        for (int i = 0; i < TRIES; i++) {
            long seed = base + i;
            Random random = new Random(seed);
            Instant start = STARTS.get(random.nextInt(STARTS.size()));
            List<Step> steps = generate(random);
            Throwable failure = failure(start, steps, mode, property);
            if (failure != null) {
                List<Step> shrunk = shrink(start, steps, mode, property);
                Throwable shrunkFailure = failure(start, shrunk, mode, property);
                throw new AssertionError("property failed on try " + i + " (reproduce with -Dorderflow.seed=" + seed
                        + "); shrunk from " + steps.size() + " to " + shrunk.size() + " steps " + shrunk + ":\n"
                        + render(start, shrunk, mode) + "\n" + shrunkFailure.getMessage(), shrunkFailure);
            }
        }
    }

    private static void settle(ChoreographyWorld w, Mode mode) {
        if (mode.deliveriesMayBeLost()) {
            w.settleWithTime();
        } else {
            w.quiesce();
        }
    }

    private static Throwable failure(Instant start, List<Step> steps, Mode mode,
                                     Consumer<ChoreographyWorld> property) {
        try {
            ChoreographyWorld w = play(start, steps, mode);
            settle(w, mode);
            property.accept(w);
            return null;
        } catch (AssertionError | RuntimeException e) {
            return e;
        }
    }

    private static List<Step> shrink(Instant start, List<Step> steps, Mode mode,
                                     Consumer<ChoreographyWorld> property) {
        List<Step> current = steps;
        boolean smaller = true;
        while (smaller) {
            smaller = false;
            for (int i = 0; i < current.size() && !smaller; i++) {
                List<Step> candidate = new ArrayList<>(current);
                candidate.remove(i);
                if (failure(start, candidate, mode, property) != null) {
                    current = candidate;
                    smaller = true;
                }
            }
        }
        return current;
    }

    /** The trace of a run up to where it failed. */
    private static String render(Instant start, List<Step> steps, Mode mode) {
        ChoreographyWorld w = new ChoreographyWorld(ChoreographyWorld.MACHINE, start);
        try {
            play(w, steps, mode);
            settle(w, mode);
            return w.trace() + "\n(settled)";
        } catch (AssertionError | RuntimeException e) {
            return w.trace() + "\n(the next turn failed)";
        }
    }
}
