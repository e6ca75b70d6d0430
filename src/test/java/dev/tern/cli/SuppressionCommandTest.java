package dev.tern.cli;

import dev.tern.testing.InProcessCli;
import dev.tern.testing.InProcessCli.Result;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `tern suppression` against a store, with no server running. */
class SuppressionCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void config() {
        TestConfigs.write(dir, "");
        assertThat(tern("domain", "add", "example.test").code()).isZero();
    }

    private Result tern(String... args) {
        return InProcessCli.run(dir.resolve("tern.toml"), null, args);
    }

    @Test
    void addressesAreAddedListedShownAndDeletedOneByOneOrByDomain() {
        assertThat(tern("suppression", "list").out()).isEqualTo("no suppressed addresses\n");
        Result added = tern("suppression", "add", "Jane@Elsewhere.TEST", "--note", "asked us to stop");
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).isEqualTo("suppressed jane@elsewhere.test until deleted\n");
        Result forADay = tern("suppression", "add", "joe@elsewhere.test", "--for", "1d");
        assertThat(forADay.out()).startsWith("suppressed joe@elsewhere.test until 20");
        tern("suppression", "add", "ann@other.test");

        Result list = tern("suppression", "list", "elsewhere.test");
        assertThat(list.out().lines()).hasSize(2);
        assertThat(list.out().lines().findFirst().orElseThrow())
                .matches("jane@elsewhere\\.test  manual  since \\S+  until deleted  asked us to stop");
        assertThat(tern("suppression", "list", "--limit", "1").out().lines()).containsExactly(
                tern("suppression", "list").out().lines().findFirst().orElseThrow());

        Result shown = tern("suppression", "show", "JANE@elsewhere.test");
        assertThat(shown.code()).isZero();
        assertThat(shown.out()).contains("reason:   listed by hand", "until:    removed", "detail:   asked us to stop");
        assertThat(tern("suppression", "show", "nobody@elsewhere.test").code()).isEqualTo(1);

        assertThat(tern("suppression", "delete", "jane@elsewhere.test", "x@elsewhere.test").out())
                .isEqualTo("deleted jane@elsewhere.test\nx@elsewhere.test was not suppressed\n");
        assertThat(tern("suppression", "delete", "--domain", "elsewhere.test").out())
                .isEqualTo("deleted 1 suppressed address(es) of elsewhere.test\n");
        assertThat(tern("suppression", "list").out().lines()).singleElement().asString().startsWith("ann@other.test");
    }

    @Test
    void refusalsSayWhatIsWrong() {
        Result local = tern("suppression", "add", "bob@example.test");
        assertThat(local.code()).isEqualTo(1);
        assertThat(local.err()).startsWith("tern: bob@example.test is an address of a local domain");
        assertThat(tern("suppression", "add", "x@elsewhere.test", "--for", "soon").err())
                .startsWith("tern: expected a duration");
        assertThat(tern("suppression", "add", "not-an-address").err()).startsWith("tern: \"not-an-address\" is not a valid address");
        assertThat(tern("suppression", "delete").err()).contains("name the addresses to delete, or --domain");
        assertThat(tern("suppression", "list").out()).isEqualTo("no suppressed addresses\n");
    }
}
