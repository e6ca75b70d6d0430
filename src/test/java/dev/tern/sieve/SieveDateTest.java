package dev.tern.sieve;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The date extension (RFC 5260): the tests {@code date} and {@code currentdate}, on a fixed clock. */
class SieveDateTest {

    /** Saturday 5 December 2026, 10:00 UTC; 11:00 in Berlin, the server's zone here. */
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static final String MESSAGE = """
            Received: from relay.example.org by mx.example.test; Fri, 4 Dec 2026 23:30:15 -0500 (EST)\r
            Received: from client.example by relay.example.org; Fri, 4 Dec 2026 23:29:00 -0500\r
            Date: Fri, 04 Dec 2026 20:15:00 -0800\r
            X-Old-Date: 3 Dec 99 12:00 GMT\r
            X-Bad-Date: yesterday, around noon\r
            X-Impossible-Date: Mon, 30 Feb 2026 10:00:00 +0000\r
            From: jane@example.org\r
            Subject: Plans\r
            \r
            Hello.\r
            """;

    private static final String REQUIRE = "require [\"fileinto\", \"date\", \"relational\", \"vacation\"];\n";

    private static SieveOutcome run(Instant now, ZoneId zone, String script) throws IOException {
        byte[] bytes = MESSAGE.getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "jane@example.org", "anna@example.test");
        SieveEngine engine = new SieveEngine(Clock.fixed(now, zone));
        try {
            engine.check(script);
        } catch (SieveScriptException e) {
            throw new AssertionError(e.describe(), e);
        }
        SieveOutcome o = engine.run(script, message);
        assertThat(o.error()).isNull();
        return o;
    }

    private static boolean fires(String test) throws IOException {
        return run(NOW, BERLIN, REQUIRE + "if " + test + " { fileinto \"T\"; }\n").fileInto().contains("T");
    }

    // ---- Roundcube's vacation form with a period --------------------------------------------

    private static final String ROUNDCUBE_VACATION = """
            require ["date","relational","vacation"];
            if allof (currentdate :zone "+0100" :value "ge" "date" "2026-12-01", currentdate :value "le" "date" "2026-12-10") {
                vacation :days 1 :subject "Away" "I am away.";
            }
            """;

    @Test
    void aVacationWithAPeriodAnswersOnlyWithinIt() throws IOException {
        assertThat(run(NOW, BERLIN, ROUNDCUBE_VACATION).vacation()).isNotNull()
                .satisfies(v -> assertThat(v.subject()).isEqualTo("Away"));
        assertThat(run(Instant.parse("2026-12-10T22:59:00Z"), BERLIN, ROUNDCUBE_VACATION).vacation())
                .as("the last minute of the 10th in Berlin").isNotNull();
        assertThat(run(Instant.parse("2026-12-10T23:00:00Z"), BERLIN, ROUNDCUBE_VACATION).vacation())
                .as("the 11th in Berlin").isNull();
        assertThat(run(Instant.parse("2026-11-20T12:00:00Z"), BERLIN, ROUNDCUBE_VACATION).vacation()).isNull();
        // the start is taken in +0100 whatever the server's zone: 23:30 UTC on the 30th is the 1st there
        assertThat(run(Instant.parse("2026-11-30T23:30:00Z"), ZoneId.of("UTC"), ROUNDCUBE_VACATION).vacation())
                .isNotNull();
        assertThat(run(Instant.parse("2026-11-30T22:30:00Z"), ZoneId.of("UTC"), ROUNDCUBE_VACATION).vacation())
                .isNull();
    }

    // ---- currentdate ------------------------------------------------------------------------

    @Test
    void currentdateGivesEachPartOfNowInTheServersZoneOrTheOneAsked() throws IOException {
        assertThat(fires("currentdate \"weekday\" \"6\"")).as("a Saturday").isTrue();
        assertThat(fires("currentdate :zone \"-1200\" \"weekday\" \"5\"")).as("still Friday at -12").isTrue();
        assertThat(fires("currentdate \"date\" \"2026-12-05\"")).isTrue();
        assertThat(fires("currentdate \"hour\" \"11\"")).as("Berlin").isTrue();
        assertThat(fires("currentdate :zone \"+0000\" \"hour\" \"10\"")).isTrue();
        assertThat(fires("currentdate :zone \"+0530\" \"time\" \"15:30:00\"")).isTrue();
        assertThat(fires("currentdate \"iso8601\" \"2026-12-05T11:00:00+01:00\"")).isTrue();
        assertThat(fires("currentdate \"std11\" \"Sat, 5 Dec 2026 11:00:00 +0100\"")).isTrue();
        assertThat(fires("currentdate \"zone\" \"+0100\"")).isTrue();
        assertThat(fires("currentdate \"julian\" \"61379\"")).as("Modified Julian Day").isTrue();
        assertThat(fires("currentdate \"YEAR\" \"2026\"")).as("date-parts in any case").isTrue();
        assertThat(fires("currentdate :value \"gt\" \"month\" \"11\"")).isTrue();
        assertThat(fires("currentdate :matches \"date\" \"2026-12-*\"")).isTrue();
        assertThat(fires("currentdate :value \"lt\" \"year\" \"2026\"")).isFalse();
    }

    // ---- date -------------------------------------------------------------------------------

    @Test
    void dateReadsTheFieldAndShowsItInTheZoneAsked() throws IOException {
        // Fri, 04 Dec 2026 20:15:00 -0800 is 04:15 UTC on the 5th, 05:15 in Berlin
        assertThat(fires("date \"date\" \"date\" \"2026-12-05\"")).as("the server's zone").isTrue();
        assertThat(fires("date \"date\" \"hour\" \"05\"")).isTrue();
        assertThat(fires("date :originalzone \"date\" \"date\" \"2026-12-04\"")).isTrue();
        assertThat(fires("date :originalzone \"date\" \"zone\" \"-0800\"")).isTrue();
        assertThat(fires("date :originalzone \"date\" \"weekday\" \"5\"")).isTrue();
        assertThat(fires("date :zone \"+0000\" \"date\" \"time\" \"04:15:00\"")).isTrue();
        assertThat(fires("date :zone \"-1000\" \"date\" \"year\" \"2026\"")).isTrue();
        assertThat(fires("date :zone \"+1400\" \"date\" \"iso8601\" \"2026-12-05T18:15:00+14:00\"")).isTrue();
    }

    @Test
    void yearAcrossTheTurnOfTheYearDependsOnTheZone() throws IOException {
        String message = MESSAGE.replace("Date: Fri, 04 Dec 2026 20:15:00 -0800", "Date: Thu, 31 Dec 2026 23:30:00 -0100");
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        SieveEngine engine = new SieveEngine(Clock.fixed(NOW, BERLIN));
        String script = REQUIRE + """
                if date :originalzone "date" "year" "2026" { fileinto "Original"; }
                if date :zone "+0000" "date" "year" "2027" { fileinto "Utc"; }
                if date "date" "year" "2027" { fileinto "Server"; }
                if date :zone "-0500" "date" "year" "2027" { fileinto "Never"; }
                """;
        SieveOutcome o = engine.run(script, FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "jane@example.org", "anna@example.test"));
        assertThat(o.error()).isNull();
        assertThat(o.fileInto()).containsExactly("Original", "Utc", "Server");
    }

    @Test
    void receivedGivesTheDateOfTheMostRecentField() throws IOException {
        assertThat(fires("date :originalzone \"received\" \"time\" \"23:30:15\"")).isTrue();
        assertThat(fires("date \"received\" \"date\" \"2026-12-05\"")).as("05:30 in Berlin").isTrue();
        assertThat(fires("date :originalzone \"received\" \"second\" \"00\"")).as("not the older field").isFalse();
    }

    @Test
    void obsoleteFormsAreReadAndAFieldWithoutADateIsFalse() throws IOException {
        assertThat(fires("date :originalzone \"x-old-date\" \"date\" \"1999-12-03\"")).isTrue();
        assertThat(fires("date :originalzone \"x-old-date\" \"second\" \"00\"")).isTrue();
        assertThat(fires("date :originalzone :matches \"x-bad-date\" \"year\" \"*\"")).isFalse();
        assertThat(fires("date :matches \"x-impossible-date\" \"year\" \"*\"")).as("30 February is no date").isFalse();
        assertThat(fires("date :matches \"x-missing\" \"year\" \"*\"")).isFalse();
        assertThat(fires("not date :value \"lt\" \"x-missing\" \"year\" \"3000\"")).isTrue();
        assertThat(fires("date :count \"eq\" \"date\" \"year\" \"1\"")).isTrue();
    }

    @Test
    void anUnknownZoneIsShownAsMinusZero() throws IOException {
        String message = MESSAGE.replace("Date: Fri, 04 Dec 2026 20:15:00 -0800", "Date: 4 Dec 2026 20:15 -0000");
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        String script = REQUIRE + """
                if date :originalzone "date" "zone" "-0000" { fileinto "Unknown"; }
                if date :zone "+0000" "date" "zone" "+0000" { fileinto "Utc"; }
                """;
        SieveOutcome o = new SieveEngine(Clock.fixed(NOW, BERLIN)).run(script, FilteredMessage.read(
                () -> new ByteArrayInputStream(bytes), bytes.length, "jane@example.org", "anna@example.test"));
        assertThat(o.fileInto()).containsExactly("Unknown", "Utc");
    }

    // ---- the check --------------------------------------------------------------------------

    @Test
    void theCheckRefusesWhatDateDoesNotAllowWithTheLine() {
        SieveEngine engine = new SieveEngine();
        List.of(
                new Object[]{"require \"fileinto\";\nif currentdate \"year\" \"2026\" { keep; }", 2,
                        "test 'currentdate' needs require \"date\""},
                new Object[]{"require \"date\";\nif date \"date\" \"year\" \"2026\" { keep; }\n"
                        + "if currentdate :value \"ge\" \"date\" \"2026-12-01\" { keep; }", 3,
                        "the tag :value needs require \"relational\""},
                new Object[]{"require \"date\";\n\nif currentdate \"fortnight\" \"1\" { keep; }", 3,
                        "unknown date-part 'fortnight'"},
                new Object[]{"require \"date\";\nif date \"date\" \"decade\" \"1\" { keep; }", 2,
                        "unknown date-part 'decade'"},
                new Object[]{"require \"date\";\nif currentdate :zone \"CET\" \"year\" \"2026\" { keep; }", 2,
                        "the tag :zone needs a zone"},
                new Object[]{"require \"date\";\nif currentdate :zone \"+2500\" \"year\" \"2026\" { keep; }", 2,
                        "the tag :zone needs a zone"},
                new Object[]{"require \"date\";\nif currentdate :originalzone \"year\" \"2026\" { keep; }", 2,
                        "does not take the tag :originalzone"},
                new Object[]{"require \"date\";\nif date :zone \"+0100\" :originalzone \"date\" \"year\" \"2026\" { keep; }",
                        2, "conflicting"},
                new Object[]{"require \"date\";\nif date [\"date\", \"received\"] \"year\" \"2026\" { keep; }", 2,
                        "the header name takes one string"},
                new Object[]{"require \"date\";\nif date \"date\" \"2026\" { keep; }", 2, "takes 3 arguments"},
                new Object[]{"require [\"date\", \"relational\"];\nif currentdate :count \"big\" \"year\" \"1\" { keep; }",
                        2, "the tag :count needs one of"}
        ).forEach(c -> assertThatThrownBy(() -> engine.check((String) c[0]))
                .isInstanceOfSatisfying(SieveScriptException.class, e -> {
                    assertThat(e.line()).as(e.describe()).isEqualTo(c[1]);
                    assertThat(e.getMessage()).contains((String) c[2]);
                }));
    }
}
