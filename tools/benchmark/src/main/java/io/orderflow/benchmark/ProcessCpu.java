package io.orderflow.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of the system's processes, from /proc: every process with a pid file in {@code $ORDERFLOW_RUN_DIR/pids}
 * (one per service today, one host later; Kafka, the mail sink and the sandboxes too), PostgreSQL (its postmaster
 * and every backend) and this client. A process's time includes its live descendants and its reaped children, so
 * PostgreSQL's short-lived backends are counted.
 */
public final class ProcessCpu {
    /** Linux's USER_HZ: /proc counts CPU time in these ticks; benchmark.sh passes `getconf CLK_TCK`. */
    private static final double TICKS_PER_SECOND = Double.parseDouble(
            System.getenv().getOrDefault("ORDERFLOW_CLK_TCK", "100"));
    public static final String CLIENT = "benchmark-client";

    /** The figures of /proc/PID/stat this needs. */
    record ProcStat(int pid, int ppid, long utime, long stime, long cutime, long cstime) {
        /** Parses one /proc/PID/stat line; the command name may hold spaces and parentheses, so read after the last ')'. */
        static ProcStat parse(String line) {
            int open = line.indexOf('(');
            int close = line.lastIndexOf(')');
            String[] f = line.substring(close + 2).trim().split(" +");
            // f[0] is field 3 (state): utime is field 14, so f[11].
            return new ProcStat(Integer.parseInt(line.substring(0, open).trim()), Integer.parseInt(f[1]),
                    Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14]));
        }

        long ownTicks() {
            return utime + stime;
        }
    }

    private final Path runDir;

    public ProcessCpu(Path runDir) {
        this.runDir = runDir;
    }

    /** Name → pid of every process to measure that runs now. */
    public Map<String, Integer> processes() {
        Map<String, Integer> pids = new TreeMap<>();
        try (Stream<Path> files = Files.list(runDir.resolve("pids"))) {
            files.filter(f -> f.toString().endsWith(".pid")).forEach(f -> firstNumber(f).ifPresent(pid ->
                    pids.put(f.getFileName().toString().replaceFirst("\\.pid$", ""), pid)));
        } catch (IOException e) {
            // no pid folder: nothing of the system runs
        }
        firstNumber(runDir.resolve("pg").resolve("postmaster.pid")).ifPresent(pid -> pids.put("postgresql", pid));
        pids.put(CLIENT, (int) ProcessHandle.current().pid());
        pids.values().removeIf(pid -> !Files.exists(Path.of("/proc", String.valueOf(pid))));
        return pids;
    }

    /** CPU seconds used so far by each process (with its descendants). */
    public Map<String, Double> seconds(Map<String, Integer> processes) {
        return seconds(processes, readAll());
    }

    static Map<String, Double> seconds(Map<String, Integer> processes, List<ProcStat> all) {
        Map<Integer, ProcStat> byPid = new HashMap<>();
        Map<Integer, List<Integer>> children = new HashMap<>();
        for (ProcStat s : all) {
            byPid.put(s.pid(), s);
            children.computeIfAbsent(s.ppid(), p -> new ArrayList<>()).add(s.pid());
        }
        Map<String, Double> seconds = new LinkedHashMap<>();
        processes.forEach((name, pid) -> {
            ProcStat root = byPid.get(pid);
            if (root != null) {
                seconds.put(name, (root.ownTicks() + root.cutime() + root.cstime() + descendants(pid, byPid, children))
                        / TICKS_PER_SECOND);
            }
        });
        return seconds;
    }

    /** Used between two readings, per process; processes gone by the second reading are left out. */
    public static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> used = new LinkedHashMap<>();
        after.forEach((name, s) -> used.put(name, Math.round((s - before.getOrDefault(name, 0.0)) * 100) / 100.0));
        return used;
    }

    private static long descendants(int pid, Map<Integer, ProcStat> byPid, Map<Integer, List<Integer>> children) {
        long ticks = 0;
        for (int child : children.getOrDefault(pid, List.of())) {
            ticks += byPid.get(child).ownTicks() + descendants(child, byPid, children);
        }
        return ticks;
    }

    private static List<ProcStat> readAll() {
        List<ProcStat> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(d -> {
                try {
                    all.add(ProcStat.parse(Files.readString(d.resolve("stat"))));
                } catch (IOException | RuntimeException e) {
                    // the process ended between listing and reading
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return all;
    }

    private static java.util.Optional<Integer> firstNumber(Path file) {
        try {
            String first = Files.readAllLines(file).stream().findFirst().orElse("").trim();
            return first.matches("\\d+") ? java.util.Optional.of(Integer.parseInt(first)) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
