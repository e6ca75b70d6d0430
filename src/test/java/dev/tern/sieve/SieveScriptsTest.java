package dev.tern.sieve;

import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SieveScriptsTest {

    @TempDir
    Path dir;
    MetadataStore store;
    SieveScripts scripts;
    long account;

    @BeforeEach
    void setUp() {
        store = EmbeddedStore.openMetadata(dir, 2);
        scripts = new SieveScripts(store, new SieveEngine(), Clock.systemUTC());
        account = store.writeAndWait(tx -> {
            long domain = tx.directory().insertDomain("example.test", Instant.now()).id();
            return tx.directory().insertAccount("anna@example.test", "anna@example.test", domain, "h", Instant.now()).id();
        });
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private static SieveScripts.Refusal refusal(ThrowingRunnable r) {
        try {
            r.run();
        } catch (SieveScripts.RefusedException e) {
            return e.refusal();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("not refused");
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void namesSizesAndCountsAreBounded() throws Exception {
        assertThat(refusal(() -> scripts.put(account, "", "keep;"))).isEqualTo(SieveScripts.Refusal.BAD_NAME);
        assertThat(refusal(() -> scripts.put(account, "a\nb", "keep;"))).isEqualTo(SieveScripts.Refusal.BAD_NAME);
        assertThat(refusal(() -> scripts.put(account, "x".repeat(129), "keep;"))).isEqualTo(SieveScripts.Refusal.BAD_NAME);
        scripts.put(account, "ünïcödé name", "keep;");
        assertThat(refusal(() -> scripts.put(account, "big", "#" + "x".repeat(SieveScripts.MAX_SCRIPT_BYTES) + "\nkeep;")))
                .isEqualTo(SieveScripts.Refusal.QUOTA_MAXSIZE);
        for (int i = 1; i < SieveScripts.MAX_SCRIPTS; i++) {
            scripts.put(account, "s" + i, "keep;");
        }
        assertThat(refusal(() -> scripts.put(account, "one more", "keep;"))).isEqualTo(SieveScripts.Refusal.QUOTA_MAXSCRIPTS);
        assertThat(refusal(() -> scripts.haveSpace(account, "one more", 10))).isEqualTo(SieveScripts.Refusal.QUOTA_MAXSCRIPTS);
        scripts.haveSpace(account, "s1", 10);   // replacing one takes no more room
        scripts.put(account, "s1", "discard;");
        assertThat(scripts.get(account, "s1")).get().extracting(Rows.SieveScript::content).isEqualTo("discard;");
    }

    @Test
    void namesAreKeptInNormalizationFormC() throws Exception {
        scripts.put(account, "e\u0301te\u0301", "keep;");          // "été" with combining accents
        assertThat(scripts.list(account)).extracting(Rows.SieveScript::name).containsExactly("\u00e9t\u00e9");
        assertThat(scripts.get(account, "\u00e9t\u00e9")).isPresent();
        scripts.activate(account, "e\u0301te\u0301");
        assertThat(scripts.active(account)).get().extracting(Rows.SieveScript::name).isEqualTo("\u00e9t\u00e9");
        scripts.rename(account, "e\u0301te\u0301", "hiver");
        assertThat(scripts.get(account, "hiver")).isPresent();
    }

    @Test
    void anInvalidScriptIsNotStored() {
        assertThatThrownBy(() -> scripts.put(account, "bad", "fileinto \"x\";"))
                .isInstanceOf(SieveScriptException.class).hasMessageContaining("require \"fileinto\"");
        assertThat(scripts.list(account)).isEmpty();
    }

    @Test
    void theActiveScriptIsRenamedButNotDeleted() throws Exception {
        scripts.put(account, "main", "keep;");
        scripts.put(account, "other", "keep;");
        scripts.activate(account, "main");
        assertThat(refusal(() -> scripts.delete(account, "main", false))).isEqualTo(SieveScripts.Refusal.ACTIVE);
        assertThat(refusal(() -> scripts.rename(account, "main", "other"))).isEqualTo(SieveScripts.Refusal.ALREADYEXISTS);
        assertThat(refusal(() -> scripts.rename(account, "missing", "x"))).isEqualTo(SieveScripts.Refusal.NONEXISTENT);
        assertThat(refusal(() -> scripts.activate(account, "missing"))).isEqualTo(SieveScripts.Refusal.NONEXISTENT);
        assertThat(refusal(() -> scripts.delete(account, "missing", false))).isEqualTo(SieveScripts.Refusal.NONEXISTENT);
        scripts.rename(account, "main", "renamed");
        assertThat(scripts.active(account)).get().extracting(Rows.SieveScript::name).isEqualTo("renamed");
        scripts.activate(account, "");
        assertThat(scripts.active(account)).isEmpty();
        scripts.delete(account, "renamed", false);
        assertThat(scripts.list(account)).extracting(Rows.SieveScript::name).containsExactly("other");
    }
}
