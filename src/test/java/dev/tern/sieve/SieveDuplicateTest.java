package dev.tern.sieve;

import dev.tern.sieve.commands.DuplicateTest;
import dev.tern.sieve.commands.TrackedId;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The duplicate test (RFC 7352): which id it tracks, under which handle, for how long, and that a
 * run that fails remembers nothing. What earlier deliveries saw is a set of keys here.
 */
class SieveDuplicateTest {

    private final SieveEngine engine = new SieveEngine();
    /** The keys "earlier deliveries" remembered: each run's tracked keys are added after it. */
    private final Set<String> seen = new HashSet<>();

    private SieveOutcome deliver(String header, String script) throws IOException, SieveScriptException {
        byte[] bytes = (header + "From: bob@example.org\r\nSubject: Hi\r\n\r\nHi.\r\n").getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "bob@example.org", "anna@example.test").about(AccountFacts.NONE.withDuplicateCheck(seen::contains));
        engine.check(script);
        SieveOutcome o = engine.run(script, message);
        o.duplicates().forEach(id -> seen.add(id.key()));
        return o;
    }

    @Test
    void theSecondMessageWithAMessageIdIsADuplicate() throws Exception {
        String script = "require \"duplicate\";\nif duplicate { discard; }";
        assertThat(deliver("Message-ID: <a@example.org>\r\n", script).discarded()).isFalse();
        assertThat(deliver("Message-ID:  <a@example.org> \r\n", script).discarded()).as("blanks around ignored").isTrue();
        assertThat(deliver("Message-ID: <b@example.org>\r\n", script).discarded()).isFalse();
        SieveOutcome none = deliver("", script);
        assertThat(none.discarded()).as("no Message-ID: no duplicate").isFalse();
        assertThat(none.duplicates()).as("and nothing remembered").isEmpty();
        assertThat(deliver("Message-ID:\r\n", script).duplicates()).as("an empty one neither").isEmpty();
    }

    @Test
    void handlesKeepSeparateListsAndHeaderOrUniqueIdChooseTheId() throws Exception {
        String a = "require \"duplicate\";\nif duplicate :handle \"a\" { discard; }";
        String b = "require \"duplicate\";\nif duplicate :handle \"b\" { discard; }";
        assertThat(deliver("Message-ID: <m@example.org>\r\n", a).discarded()).isFalse();
        assertThat(deliver("Message-ID: <m@example.org>\r\n", b).discarded()).as("another handle").isFalse();
        assertThat(deliver("Message-ID: <m@example.org>\r\n", a).discarded()).isTrue();

        String byHeader = "require \"duplicate\";\nif duplicate :header \"X-Ticket\" { discard; }";
        assertThat(deliver("X-Ticket: 4711\r\n", byHeader).discarded()).isFalse();
        assertThat(deliver("X-Ticket:\r\n 4711\r\n", byHeader).discarded()).as("unfolded").isTrue();

        String bySender = """
                require ["duplicate", "variables", "fileinto"];
                if header :matches "from" "*" { set "sender" "${1}"; }
                if duplicate :uniqueid "${sender}" :seconds 3600 { fileinto "Again"; }
                """;
        assertThat(deliver("Message-ID: <1@example.org>\r\n", bySender).fileInto()).isEmpty();
        assertThat(deliver("Message-ID: <2@example.org>\r\n", bySender).fileInto()).containsExactly("Again");
    }

    @Test
    void theTrackedIdCarriesItsPeriodAndLast() throws Exception {
        List<TrackedId> ids = deliver("Message-ID: <p@example.org>\r\n",
                "require \"duplicate\";\nif anyof (duplicate :seconds 60 :last, duplicate :handle \"x\", "
                        + "duplicate :handle \"y\" :seconds 999999999) { keep; }").duplicates();
        assertThat(ids).extracting(TrackedId::period).containsExactly(Duration.ofSeconds(60),
                DuplicateTest.DEFAULT_PERIOD, DuplicateTest.MAX_PERIOD);
        assertThat(ids).extracting(TrackedId::last).containsExactly(true, false, false);
    }

    @Test
    void aFailedRunRemembersNothing() throws Exception {
        SieveOutcome failed = deliver("Message-ID: <f@example.org>\r\n",
                "require [\"duplicate\", \"reject\"];\nif not duplicate { reject \"no\"; keep; }");
        assertThat(failed.error()).isNotNull();
        assertThat(failed.duplicates()).isEmpty();
    }

    @Test
    void whatTheCheckRefuses() {
        assertThatThrownBy(() -> engine.check("if duplicate { discard; }")).hasMessageContaining("require \"duplicate\"");
        assertThatThrownBy(() -> engine.check("require \"duplicate\";\nif duplicate :header \"a\" :uniqueid \"b\" { discard; }"))
                .hasMessageContaining("conflicting tags");
        assertThatThrownBy(() -> engine.check("require \"duplicate\";\nif duplicate :seconds \"60\" { discard; }"))
                .hasMessageContaining(":seconds needs a number");
        assertThatThrownBy(() -> engine.check("require \"duplicate\";\nif duplicate \"x\" { discard; }"))
                .hasMessageContaining("takes no argument");
    }
}
