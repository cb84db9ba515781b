package io.orderflow.domain;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Weekly opening hours in a named time zone, minus holidays. Written as {@code "MON-FRI 09:00-17:00; SAT 10:00-14:00"}
 * (ranges end exclusive, {@code 24:00} allowed); {@code "always"} means open at every moment.
 */
public final class BusinessHours {
    private static final DateTimeFormatter OPENING = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ENGLISH);

    private record Window(LocalTime open, LocalTime close) {
        boolean contains(LocalTime t) {
            return !t.isBefore(open) && (close.equals(LocalTime.MAX) || t.isBefore(close));
        }
    }

    private final ZoneId zone;
    private final Map<DayOfWeek, List<Window>> week;
    private final Set<LocalDate> holidays;
    private final boolean always;

    private BusinessHours(ZoneId zone, Map<DayOfWeek, List<Window>> week, Set<LocalDate> holidays, boolean always) {
        this.zone = zone;
        this.week = week;
        this.holidays = Set.copyOf(holidays);
        this.always = always;
    }

    public static final BusinessHours ALWAYS = new BusinessHours(ZoneId.of("UTC"), Map.of(), Set.of(), true);

    public static BusinessHours parse(String spec, ZoneId zone, Set<LocalDate> holidays) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("always")) {
            return ALWAYS;
        }
        Map<DayOfWeek, List<Window>> week = new EnumMap<>(DayOfWeek.class);
        for (String part : spec.split(";")) {
            String[] dayAndTime = part.trim().split("\\s+");
            if (dayAndTime.length != 2) {
                throw new IllegalArgumentException("business hours '" + part.trim()
                        + "' should look like 'MON-FRI 09:00-17:00'");
            }
            Window window = window(dayAndTime[1]);
            for (DayOfWeek day : days(dayAndTime[0])) {
                week.computeIfAbsent(day, d -> new ArrayList<>()).add(window);
            }
        }
        return new BusinessHours(zone, week, holidays, false);
    }

    public boolean isOpen(Instant instant) {
        if (always) {
            return true;
        }
        ZonedDateTime local = instant.atZone(zone);
        if (holidays.contains(local.toLocalDate())) {
            return false;
        }
        return week.getOrDefault(local.getDayOfWeek(), List.of()).stream()
                .anyMatch(w -> w.contains(local.toLocalTime()));
    }

    /**
     * Business hours as every service reads them from its settings ({@code ORDERFLOW_BUSINESS_HOURS},
     * {@code ORDERFLOW_TIMEZONE}, {@code ORDERFLOW_HOLIDAYS}), so the engine and the workers agree on when it is open.
     *
     * @param spec     weekly hours, e.g. {@code "MON-FRI 09:00-17:00; SAT 10:00-14:00"}; null or blank = always
     * @param zone     a time-zone id, e.g. {@code "Europe/Berlin"}; null or blank = UTC
     * @param holidays ISO dates separated by commas, e.g. {@code "2026-12-25,2026-12-26"}; null or blank = none
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public static BusinessHours fromSettings(String spec, String zone, String holidays) {
        ZoneId zoneId;
        try {
            zoneId = zone == null || zone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(zone.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("time zone '" + zone + "' is not a zone id like Europe/Berlin", e);
        }
        Set<LocalDate> dates = new HashSet<>();
        for (String date : (holidays == null ? "" : holidays).split(",")) {
            if (!date.isBlank()) {
                try {
                    dates.add(LocalDate.parse(date.trim()));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("holiday '" + date.trim() + "' is not a date like 2026-12-25", e);
                }
            }
        }
        return parse(spec, zoneId, dates);
    }

    /** The next moment at or after {@code instant} when it is open; empty if it never opens. */
    public Optional<ZonedDateTime> nextOpening(Instant instant) {
        if (isOpen(instant)) {
            return Optional.of(instant.atZone(zone));
        }
        ZonedDateTime local = instant.atZone(zone);
        for (int day = 0; day <= 366; day++) {
            LocalDate date = local.toLocalDate().plusDays(day);
            if (holidays.contains(date)) {
                continue;
            }
            Optional<ZonedDateTime> opening = week.getOrDefault(date.getDayOfWeek(), List.of()).stream()
                    .map(w -> date.atTime(w.open()).atZone(zone))
                    .filter(t -> !t.isBefore(local))
                    .min(ZonedDateTime::compareTo);
            if (opening.isPresent()) {
                return opening;
            }
        }
        return Optional.empty();
    }

    /** "Mon 2026-11-30 09:00 Europe/Berlin", or a plain statement when it never opens. */
    public String describeNextOpening(Instant instant) {
        return nextOpening(instant)
                .map(t -> "next opening " + OPENING.format(t) + " " + zone.getId())
                .orElse("no opening hours are configured");
    }

    private static Window window(String range) {
        String[] ends = range.split("-");
        if (ends.length != 2) {
            throw new IllegalArgumentException("opening hours '" + range + "' should look like '09:00-17:00'");
        }
        LocalTime open;
        LocalTime close;
        try {
            open = LocalTime.parse(ends[0]);
            close = ends[1].equals("24:00") ? LocalTime.MAX : LocalTime.parse(ends[1]);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("opening hours '" + range + "' should look like '09:00-17:00'", e);
        }
        if (!close.isAfter(open)) {
            throw new IllegalArgumentException("opening hours '" + range + "' close before they open");
        }
        return new Window(open, close);
    }

    private static List<DayOfWeek> days(String range) {
        String[] ends = range.toUpperCase(Locale.ROOT).split("-");
        DayOfWeek first = day(ends[0]);
        DayOfWeek last = ends.length > 1 ? day(ends[1]) : first;
        List<DayOfWeek> days = new ArrayList<>();
        for (DayOfWeek d = first; ; d = d.plus(1)) {
            days.add(d);
            if (d == last) {
                return days;
            }
        }
    }

    private static DayOfWeek day(String abbreviation) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().startsWith(abbreviation) && abbreviation.length() >= 3) {
                return d;
            }
        }
        throw new IllegalArgumentException("'" + abbreviation + "' is not a day of the week (MON, TUE, ... SUN)");
    }
}
