package io.orderflow.common.app;

import io.orderflow.common.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One service a process can host: a name, short aliases (e.g. {@code engine}), whether it needs the database (so the
 * process's readiness checks it), and how to start it. A service owns its consumer groups, transactional ids,
 * database schema and outbox, so it runs the same hosted with others in one JVM or alone in a process of its own.
 * {@link ServiceHost} runs a set of them.
 */
public record Service(String name, Set<String> aliases, boolean usesDatabase, Starter starter) {

    /** Starts a service with the process's settings and returns what must be closed to stop it. */
    @FunctionalInterface
    public interface Starter {
        AutoCloseable start(Config config) throws Exception;
    }

    public Service {
        aliases = Set.copyOf(aliases);
    }

    public boolean answersTo(String nameOrAlias) {
        return name.equals(nameOrAlias) || aliases.contains(nameOrAlias);
    }

    /**
     * The services {@code names} pick out of {@code known} (full names or aliases, any order, repeats ignored), in
     * {@code known}'s order, which is the order they start in; all of {@code known} when {@code names} is empty.
     *
     * @throws IllegalArgumentException naming the unknown names and listing the valid ones
     */
    public static List<Service> select(List<Service> known, List<String> names) {
        if (names.isEmpty()) {
            return List.copyOf(known);
        }
        List<String> unknown = names.stream().filter(n -> known.stream().noneMatch(s -> s.answersTo(n))).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException((unknown.size() == 1 ? "unknown service '" + unknown.get(0) + "'"
                    : "unknown services " + unknown) + "; valid: " + describe(known));
        }
        List<Service> selected = new ArrayList<>();
        for (Service s : known) {
            if (names.stream().anyMatch(s::answersTo)) {
                selected.add(s);
            }
        }
        return selected;
    }

    /** {@code order-engine (engine), inventory-worker (inventory), ...} for help and error messages. */
    public static String describe(List<Service> known) {
        return String.join(", ", known.stream()
                .map(s -> s.aliases.isEmpty() ? s.name : s.name + " (" + String.join(", ", s.aliases.stream().sorted().toList()) + ")")
                .toList());
    }
}
