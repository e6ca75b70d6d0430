package dev.tern.acme;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers to the CA's http-01 challenges (RFC 8555 §8.3) of the orders in progress: token to
 * key authorization. An order adds a token before it tells the CA to check it and removes it once
 * the check is over; the HTTP listener looks tokens up as the CA asks.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class AcmeChallenges {

    /** RFC 8555 §8.1: a token is base64url, and at least 128 bits of it. */
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{16,256}");

    private final ConcurrentHashMap<String, String> answers = new ConcurrentHashMap<>();

    void put(String token, String keyAuthorization) {
        answers.put(token, keyAuthorization);
    }

    void remove(String token) {
        answers.remove(token);
    }

    /** The key authorization to answer for this token, while its challenge is being checked. */
    public Optional<String> answer(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(answers.get(token));
    }
}
