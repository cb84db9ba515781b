package io.orderflow.domain;

import static io.orderflow.domain.Fixtures.BERLIN;
import static io.orderflow.domain.Fixtures.HOLIDAYS;
import static io.orderflow.domain.Fixtures.HOURS;
import static io.orderflow.domain.Fixtures.SHOP_HOURS;
import static io.orderflow.domain.Fixtures.berlin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Shop hours "MON-FRI 09:00-17:00; SAT 10:00-14:00" in Europe/Berlin, with 24 and 25 December 2026 as holidays.
 * In 2026 Berlin moves to summer time on Sunday 29 March (02:00 CET -> 03:00 CEST) and back on Sunday 25 October
 * (03:00 CEST -> 02:00 CET).
 */
class BusinessHoursTest {

    @Nested
    class Open {
        @ParameterizedTest(name = "{0} Berlin: open={1}")
        @CsvSource(textBlock = """
                2026-06-08T09:00,    true
                2026-06-08T08:59:59, false
                2026-06-10T12:00,    true
                2026-06-12T16:59:59, true
                2026-06-12T17:00,    false
                2026-06-13T10:00,    true
                2026-06-13T13:59:59, true
                2026-06-13T14:00,    false
                2026-06-13T09:59,    false
                2026-06-14T12:00,    false
                2026-06-10T03:00,    false
                2026-12-24T10:00,    false
                2026-12-25T12:00,    false
                2026-12-26T10:00,    true
                """)
        void openFromOpeningTimeUntilJustBeforeClosingOnWorkingDays(String localDateTime, boolean open) {
            assertThat(HOURS.isOpen(berlin(localDateTime))).isEqualTo(open);
        }

        // The same UTC instant is a different Berlin hour in winter and summer; the hours follow Berlin's clock.
        @ParameterizedTest(name = "{0}: open={1} ({2})")
        @CsvSource(textBlock = """
                2026-03-27T07:30:00Z, false, Fri 08:30 CET
                2026-03-27T08:00:00Z, true,  Fri 09:00 CET
                2026-03-27T15:59:59Z, true,  Fri 16:59:59 CET
                2026-03-27T16:00:00Z, false, Fri 17:00 CET
                2026-03-30T06:59:59Z, false, Mon 08:59:59 CEST
                2026-03-30T07:00:00Z, true,  Mon 09:00 CEST
                2026-03-30T14:59:59Z, true,  Mon 16:59:59 CEST
                2026-03-30T15:00:00Z, false, Mon 17:00 CEST
                2026-10-23T07:00:00Z, true,  Fri 09:00 CEST
                2026-10-23T15:00:00Z, false, Fri 17:00 CEST
                2026-10-26T07:59:59Z, false, Mon 08:59:59 CET
                2026-10-26T08:00:00Z, true,  Mon 09:00 CET
                2026-10-26T15:59:59Z, true,  Mon 16:59:59 CET
                """)
        void openingFollowsBerlinWallClockAcrossDaylightSaving(Instant instant, boolean open, String local) {
            assertThat(HOURS.isOpen(instant)).as(local).isEqualTo(open);
        }

        @ParameterizedTest(name = "{0}: open={1} ({2})")
        @CsvSource(textBlock = """
                2026-03-28T23:59:59Z, false, 00:59:59 CET
                2026-03-29T00:00:00Z, true,  01:00 CET
                2026-03-29T00:59:59Z, true,  01:59:59 CET (02:00-03:00 never happens)
                2026-03-29T01:00:00Z, true,  03:00 CEST
                2026-03-29T01:59:59Z, true,  03:59:59 CEST
                2026-03-29T02:00:00Z, false, 04:00 CEST
                2026-10-24T23:00:00Z, true,  01:00 CEST
                2026-10-25T00:30:00Z, true,  02:30 CEST
                2026-10-25T01:30:00Z, true,  02:30 CET (the hour repeats)
                2026-10-25T02:59:59Z, true,  03:59:59 CET
                2026-10-25T03:00:00Z, false, 04:00 CET
                """)
        void windowAcrossTheChangeOfClocksIsOpenWhileTheWallClockIsInIt(Instant instant, boolean open, String local) {
            BusinessHours nightShift = BusinessHours.parse("SUN 01:00-04:00", BERLIN, Set.of());

            assertThat(nightShift.isOpen(instant)).as(local).isEqualTo(open);
        }

        @Test
        void windowEndingAt2400RunsToMidnight() {
            BusinessHours evening = BusinessHours.parse("MON 20:00-24:00", BERLIN, Set.of());

            assertThat(evening.isOpen(berlin("2026-06-08T20:00"))).isTrue();
            assertThat(evening.isOpen(berlin("2026-06-08T23:59:59.999"))).isTrue();
            assertThat(evening.isOpen(berlin("2026-06-09T00:00"))).isFalse();
            assertThat(evening.isOpen(berlin("2026-06-08T19:59:59"))).isFalse();
        }

        @Test
        void dayRangeMayWrapPastSunday() {
            BusinessHours weekend = BusinessHours.parse("FRI-MON 10:00-12:00", BERLIN, Set.of());

            assertThat(Stream.of("2026-06-12", "2026-06-13", "2026-06-14", "2026-06-15")
                    .map(d -> weekend.isOpen(berlin(d + "T11:00")))).containsOnly(true);
            assertThat(Stream.of("2026-06-09", "2026-06-10", "2026-06-11")
                    .map(d -> weekend.isOpen(berlin(d + "T11:00")))).containsOnly(false);
        }

        @Test
        void dayMayHaveSeveralWindows() {
            BusinessHours splitDay = BusinessHours.parse("MON 09:00-12:00; MON 13:00-17:00", BERLIN, Set.of());

            assertThat(splitDay.isOpen(berlin("2026-06-08T11:00"))).isTrue();
            assertThat(splitDay.isOpen(berlin("2026-06-08T12:30"))).isFalse();
            assertThat(splitDay.isOpen(berlin("2026-06-08T13:00"))).isTrue();
            assertThat(splitDay.nextOpening(berlin("2026-06-08T12:30")))
                    .contains(ZonedDateTime.of(2026, 6, 8, 13, 0, 0, 0, BERLIN));
        }

        @Test
        void dayNamesMayBeLowerCaseOrWrittenOut() {
            BusinessHours spelled = BusinessHours.parse("monday-friday 09:00-17:00; Saturday 10:00-14:00", BERLIN, HOLIDAYS);

            for (String local : new String[] {"2026-06-08T09:00", "2026-06-13T13:00", "2026-06-14T12:00", "2026-12-24T10:00"}) {
                assertThat(spelled.isOpen(berlin(local))).as(local).isEqualTo(HOURS.isOpen(berlin(local)));
            }
        }
    }

    @Nested
    class NextOpening {
        @ParameterizedTest(name = "after {0} Berlin: {1}")
        @CsvSource(textBlock = """
                2026-06-12T17:30, 2026-06-13T10:00
                2026-06-13T15:00, 2026-06-15T09:00
                2026-06-08T07:00, 2026-06-08T09:00
                2026-06-07T23:59, 2026-06-08T09:00
                2026-12-23T18:00, 2026-12-26T10:00
                2026-12-24T08:00, 2026-12-26T10:00
                """)
        void nextOpeningIsTheFirstWindowStartNotOnAHoliday(String from, String expected) {
            assertThat(HOURS.nextOpening(berlin(from))).contains(ZonedDateTime.of(
                    java.time.LocalDateTime.parse(expected), BERLIN));
        }

        @Test
        void nextOpeningWhileOpenIsNow() {
            Instant wednesdayNoon = berlin("2026-06-10T12:00");

            assertThat(HOURS.nextOpening(wednesdayNoon)).contains(wednesdayNoon.atZone(BERLIN));
        }

        @Test
        void nextOpeningSkipsAWholeWeekOfHolidays() {
            Set<LocalDate> closedWeek = Stream.iterate(LocalDate.of(2026, 6, 15), d -> d.plusDays(1)).limit(5)
                    .collect(Collectors.toSet());
            BusinessHours hours = BusinessHours.parse(SHOP_HOURS, BERLIN, closedWeek);

            assertThat(hours.nextOpening(berlin("2026-06-13T15:00")))
                    .contains(ZonedDateTime.of(2026, 6, 20, 10, 0, 0, 0, BERLIN));
        }

        @Test
        void nextOpeningOverTheSpringChangeIsMondayNineInSummerTime() {
            assertThat(HOURS.nextOpening(berlin("2026-03-28T15:00")).map(ZonedDateTime::toInstant))
                    .contains(Instant.parse("2026-03-30T07:00:00Z"));
            assertThat(HOURS.describeNextOpening(berlin("2026-03-28T15:00")))
                    .isEqualTo("next opening Mon 2026-03-30 09:00 Europe/Berlin");
        }

        @Test
        void nextOpeningOverTheAutumnChangeIsMondayNineInWinterTime() {
            assertThat(HOURS.nextOpening(berlin("2026-10-24T15:00")).map(ZonedDateTime::toInstant))
                    .contains(Instant.parse("2026-10-26T08:00:00Z"));
        }

        @Test
        void openingTimeThatTheSpringChangeSkipsOpensAtTheFirstMomentAfterIt() {
            BusinessHours hours = BusinessHours.parse("SUN 02:30-04:00", BERLIN, Set.of());

            Instant opening = hours.nextOpening(berlin("2026-03-28T20:00")).orElseThrow().toInstant();

            assertThat(opening).isEqualTo(Instant.parse("2026-03-29T01:30:00Z")); // 03:30 CEST
            assertThat(hours.isOpen(opening)).isTrue();
        }

        @Test
        void describeNextOpeningNamesDayDateTimeAndZone() {
            assertThat(HOURS.describeNextOpening(berlin("2026-12-23T18:00")))
                    .isEqualTo("next opening Sat 2026-12-26 10:00 Europe/Berlin");
        }

        @Test
        void scheduleClosedForMoreThanAYearHasNoNextOpening() {
            Set<LocalDate> closedYear = Stream.iterate(LocalDate.of(2026, 6, 13), d -> d.plusDays(1)).limit(400)
                    .collect(Collectors.toSet());
            BusinessHours hours = BusinessHours.parse(SHOP_HOURS, BERLIN, closedYear);

            assertThat(hours.nextOpening(berlin("2026-06-13T15:00"))).isEmpty();
        }
    }

    @Nested
    class Always {
        @ParameterizedTest
        @ValueSource(strings = {"always", "ALWAYS", "  Always  "})
        void alwaysIsOpenAtEveryMomentIncludingHolidaysAndNights(String spec) {
            BusinessHours always = BusinessHours.parse(spec, BERLIN, HOLIDAYS);

            for (String local : new String[] {"2026-06-14T03:00", "2026-12-25T12:00", "2026-03-29T02:30", "2026-06-13T18:00"}) {
                assertThat(always.isOpen(berlin(local))).as(local).isTrue();
            }
            assertThat(always.nextOpening(berlin("2026-12-25T12:00")).map(ZonedDateTime::toInstant))
                    .contains(berlin("2026-12-25T12:00"));
        }

        @Test
        void alwaysConstantIsOpenAtAnyInstant() {
            assertThat(BusinessHours.ALWAYS.isOpen(Instant.EPOCH)).isTrue();
            assertThat(BusinessHours.ALWAYS.isOpen(Instant.parse("2099-12-31T23:59:59Z"))).isTrue();
        }
    }

    @Nested
    class FromSettings {
        @Test
        void settingsGiveTheSameHoursAsParse() {
            BusinessHours hours = BusinessHours.fromSettings(SHOP_HOURS, "Europe/Berlin", " 2026-12-24, 2026-12-25 ,");

            assertThat(hours.isOpen(berlin("2026-06-08T09:00"))).isTrue();
            assertThat(hours.isOpen(berlin("2026-12-24T12:00"))).isFalse();
            assertThat(hours.describeNextOpening(berlin("2026-12-24T12:00")))
                    .isEqualTo("next opening Sat 2026-12-26 10:00 Europe/Berlin");
        }

        @Test
        void missingSettingsMeanAlwaysOpenInUtc() {
            assertThat(BusinessHours.fromSettings(null, null, null)).isSameAs(BusinessHours.ALWAYS);
            assertThat(BusinessHours.fromSettings("always", "", "")).isSameAs(BusinessHours.ALWAYS);
            assertThat(BusinessHours.fromSettings("MON 09:00-17:00", " ", null).describeNextOpening(
                    Instant.parse("2026-06-06T12:00:00Z"))).isEqualTo("next opening Mon 2026-06-08 09:00 UTC");
        }

        @ParameterizedTest(name = "zone ''{0}'', holidays ''{1}''")
        @CsvSource(delimiter = '|', textBlock = """
                Mars/Olympus | 2026-12-25 | time zone 'Mars/Olympus' is not a zone id like Europe/Berlin
                UTC          | 25.12.2026 | holiday '25.12.2026' is not a date like 2026-12-25
                """)
        void badSettingIsRefusedNamingIt(String zone, String holidays, String message) {
            assertThatThrownBy(() -> BusinessHours.fromSettings(SHOP_HOURS, zone, holidays))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(message);
        }
    }

    @Nested
    class BadSpecs {
        @ParameterizedTest(name = "''{0}''")
        @CsvSource(delimiter = '|', textBlock = """
                MON-FRI                  | business hours 'MON-FRI' should look like 'MON-FRI 09:00-17:00'
                MON-FRI 09:00 17:00      | business hours 'MON-FRI 09:00 17:00' should look like 'MON-FRI 09:00-17:00'
                MON-FRI 09:00            | opening hours '09:00' should look like '09:00-17:00'
                MON-FRI 09:00-17:00-18:00 | opening hours '09:00-17:00-18:00' should look like '09:00-17:00'
                MON-FRI 17:00-09:00      | opening hours '17:00-09:00' close before they open
                MON 09:00-09:00          | opening hours '09:00-09:00' close before they open
                FUNDAY 09:00-17:00       | 'FUNDAY' is not a day of the week (MON, TUE, ... SUN)
                MO 09:00-17:00           | 'MO' is not a day of the week (MON, TUE, ... SUN)
                MON-FRI 9am-5pm          | opening hours '9am-5pm' should look like '09:00-17:00'
                MON 25:00-26:00          | opening hours '25:00-26:00' should look like '09:00-17:00'
                MON 24:00-24:00          | opening hours '24:00-24:00' should look like '09:00-17:00'
                MON-FRI 09:00-17:00; SAT | business hours 'SAT' should look like 'MON-FRI 09:00-17:00'
                """)
        void badSpecIsRefusedWithAMessageSayingWhatIsWrong(String spec, String message) {
            assertThatThrownBy(() -> BusinessHours.parse(spec, BERLIN, Set.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(message);
        }
    }
}
