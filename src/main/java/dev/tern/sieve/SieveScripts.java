package dev.tern.sieve;

import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The accounts' Sieve scripts, as ManageSieve (RFC 5804), the command line and the admin API
 * manage them: each script is checked completely before it is stored, names and sizes are
 * bounded, and at most one script of an account is active.
 */
public final class SieveScripts {

    /** Octets of one script. */
    public static final int MAX_SCRIPT_BYTES = 64 * 1024;
    /** Scripts one account may keep. */
    public static final int MAX_SCRIPTS = 32;
    /** Characters of a script name. */
    public static final int MAX_NAME_LENGTH = 128;

    /** Why a change was refused, named as RFC 5804 §1.3's response codes where one fits. */
    public enum Refusal {
        NONEXISTENT, ALREADYEXISTS, ACTIVE, QUOTA_MAXSCRIPTS, QUOTA_MAXSIZE, BAD_NAME
    }

    /** A change refused for a reason the client can act on. */
    public static final class RefusedException extends Exception {
        private final Refusal refusal;

        public RefusedException(Refusal refusal, String message) {
            super(message);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    private final MetadataStore store;
    private final SieveEngine engine;
    private final Clock clock;

    public SieveScripts(MetadataStore store, SieveEngine engine, Clock clock) {
        this.store = store;
        this.engine = engine;
        this.clock = clock;
    }

    public SieveEngine engine() {
        return engine;
    }

    /** The account's scripts, by name. */
    public List<Rows.SieveScript> list(long accountId) {
        return store.read(tx -> tx.sieve().scripts(accountId));
    }

    public Optional<Rows.SieveScript> get(long accountId, String name) {
        String key = nfc(name);
        return store.read(tx -> tx.sieve().script(accountId, key));
    }

    /** The account's active script, if any. */
    public Optional<Rows.SieveScript> active(long accountId) {
        return store.read(tx -> tx.sieve().active(accountId));
    }

    /** Checks a script without storing it (CHECKSCRIPT). */
    public void check(String content) throws SieveScriptException {
        engine.check(content);
    }

    /**
     * Whether a script of this name and size could be stored (HAVESPACE): a new name must fit
     * under {@link #MAX_SCRIPTS}, and any script under {@link #MAX_SCRIPT_BYTES}.
     */
    public void haveSpace(long accountId, String given, long bytes) throws RefusedException {
        String name = nfc(given);
        checkName(name);
        if (bytes > MAX_SCRIPT_BYTES) {
            throw new RefusedException(Refusal.QUOTA_MAXSIZE, "a script may have at most " + MAX_SCRIPT_BYTES + " octets");
        }
        List<Rows.SieveScript> scripts = list(accountId);
        if (scripts.size() >= MAX_SCRIPTS && scripts.stream().noneMatch(s -> s.name().equals(name))) {
            throw new RefusedException(Refusal.QUOTA_MAXSCRIPTS, "an account may keep at most " + MAX_SCRIPTS + " scripts");
        }
    }

    /** Checks and stores a script (PUTSCRIPT); one of the same name is replaced and stays active if it was. */
    public void put(long accountId, String given, String content) throws RefusedException, SieveScriptException {
        String name = nfc(given);
        haveSpace(accountId, name, content.getBytes(StandardCharsets.UTF_8).length);
        engine.check(content);
        RefusedException refused = store.writeAndWait(tx -> {
            List<Rows.SieveScript> scripts = tx.sieve().scripts(accountId);
            if (scripts.size() >= MAX_SCRIPTS && scripts.stream().noneMatch(s -> s.name().equals(name))) {
                return new RefusedException(Refusal.QUOTA_MAXSCRIPTS, "an account may keep at most " + MAX_SCRIPTS
                        + " scripts");
            }
            tx.sieve().put(accountId, name, content, clock.instant());
            return null;
        });
        if (refused != null) {
            throw refused;
        }
    }

    /** RENAMESCRIPT: the active script stays active under its new name. */
    public void rename(long accountId, String givenFrom, String givenTo) throws RefusedException {
        String from = nfc(givenFrom);
        String to = nfc(givenTo);
        checkName(to);
        Refusal refusal = store.writeAndWait(tx -> {
            if (tx.sieve().script(accountId, from).isEmpty()) {
                return Refusal.NONEXISTENT;
            }
            if (!from.equals(to) && tx.sieve().script(accountId, to).isPresent()) {
                return Refusal.ALREADYEXISTS;
            }
            tx.sieve().rename(accountId, from, to, clock.instant());
            return null;
        });
        if (refusal == Refusal.NONEXISTENT) {
            throw new RefusedException(refusal, "there is no script named " + from);
        }
        if (refusal == Refusal.ALREADYEXISTS) {
            throw new RefusedException(refusal, "a script named " + to + " already exists");
        }
    }

    /**
     * DELETESCRIPT: the active script is not deleted (RFC 5804 §2.10) unless {@code evenActive}
     * (the administrator's command line), which leaves the account unfiltered.
     */
    public void delete(long accountId, String given, boolean evenActive) throws RefusedException {
        String name = nfc(given);
        Refusal refusal = store.writeAndWait(tx -> {
            Optional<Rows.SieveScript> script = tx.sieve().script(accountId, name);
            if (script.isEmpty()) {
                return Refusal.NONEXISTENT;
            }
            if (script.get().active() && !evenActive) {
                return Refusal.ACTIVE;
            }
            tx.sieve().delete(accountId, name);
            return null;
        });
        if (refusal == Refusal.NONEXISTENT) {
            throw new RefusedException(refusal, "there is no script named " + name);
        }
        if (refusal == Refusal.ACTIVE) {
            throw new RefusedException(refusal, "the active script cannot be deleted; deactivate it first");
        }
    }

    /** SETACTIVE: makes the named script active, or with null or an empty name, none. */
    public void activate(long accountId, String given) throws RefusedException {
        String name = nfc(given);
        String target = name == null || name.isEmpty() ? null : name;
        boolean done = store.writeAndWait(tx -> tx.sieve().activate(accountId, target));
        if (!done) {
            throw new RefusedException(Refusal.NONEXISTENT, "there is no script named " + name);
        }
    }

    /**
     * Names are kept in Unicode Normalization Form C (Net-Unicode, RFC 5198, as RFC 5804 §1.6 asks):
     * "é" typed as one character or as "e" and a combining accent names the same script.
     */
    private static String nfc(String name) {
        return name == null ? null : java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFC);
    }

    /** RFC 5804 §1.6: a name is non-empty Unicode without control characters or line and paragraph separators. */
    public static void checkName(String name) throws RefusedException {
        if (name == null || name.isEmpty()) {
            throw new RefusedException(Refusal.BAD_NAME, "a script needs a name");
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            throw new RefusedException(Refusal.BAD_NAME, "a script name may have at most " + MAX_NAME_LENGTH + " characters");
        }
        boolean bad = name.codePoints().anyMatch(c -> c <= 0x1F || (c >= 0x7F && c <= 0x9F) || c == 0x2028
                || c == 0x2029 || (c >= 0xD800 && c <= 0xDFFF));
        if (bad) {
            throw new RefusedException(Refusal.BAD_NAME, "a script name may not contain control characters");
        }
    }
}
