package dev.tern.acme;

import dev.tern.store.MetadataStore;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers to the CA's http-01 challenges (RFC 8555 §8.3) of the orders in progress: token to
 * key authorization. An order adds a token before it tells the CA to check it and removes it once
 * the check is over; the HTTP listener looks tokens up as the CA asks. The answers are also kept in
 * the store, so that on several nodes behind one address whichever node the CA reaches answers a
 * check that another node's order asked for.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class AcmeChallenges {

    /** RFC 8555 §8.1: a token is base64url, and at least 128 bits of it. */
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{16,256}");
    /** How long a stored answer is served at most, should its order end without removing it. */
    static final Duration LIFETIME = Duration.ofMinutes(15);

    private final ConcurrentHashMap<String, String> answers = new ConcurrentHashMap<>();
    private final MetadataStore store;
    private final Clock clock;

    /** Answers kept in this process only, for a server that shares its store with no other. */
    public AcmeChallenges() {
        this(null, Clock.systemUTC());
    }

    /** @param store where the answers are shared with the other nodes, or null for none */
    public AcmeChallenges(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void put(String token, String keyAuthorization) {
        if (store != null) {
            store.writeAndWait(tx -> {
                tx.acme().putChallenge(token, keyAuthorization, clock.instant().plus(LIFETIME));
                return null;
            });
        }
        answers.put(token, keyAuthorization);
    }

    void remove(String token) {
        answers.remove(token);
        if (store != null) {
            store.writeAndWait(tx -> {
                tx.acme().deleteChallenge(token);
                tx.acme().purgeChallenges(clock.instant());
                return null;
            });
        }
    }

    /** True when an order of this process asked for this token: answering it reads nothing. */
    public boolean heldHere(String token) {
        return token != null && answers.containsKey(token);
    }

    /**
     * The key authorization to answer for this token, while its challenge is being checked. Blocking
     * (a read of the store for a token this process does not know): call it off the event loop.
     */
    public Optional<String> answer(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        String here = answers.get(token);
        if (here != null || store == null) {
            return Optional.ofNullable(here);
        }
        return store.read(tx -> tx.acme().challenge(token, clock.instant()));
    }
}
