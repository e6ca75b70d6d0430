package dev.tern.auth;

import dev.tern.directory.Credentials;
import dev.tern.directory.ScramSecret;
import dev.tern.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding: client-first, server-first
 * ({@code r=,s=,i=}), client-final with proof, server-final {@code v=} as the Success's additional
 * data.
 *
 * <p>Security: the server keeps StoredKey and ServerKey, never the password, and the password never
 * crosses the connection. -PLUS is not offered, so a client asking for channel binding ({@code p=})
 * is refused and {@code y,} is accepted (RFC 5802 §6). An unknown, disabled or SCRAM-less account
 * gets a made-up salt (the same for the same name, so repeated tries look like a real account's) and
 * the default iteration count, and fails at the proof like a wrong password (§9). A failure after
 * server-first ends the exchange at once, without a server-final {@code e=} message, as Dovecot
 * ends it: RFC 5802 §5.1 allows either, the client then hears the protocol's own refusal (535,
 * NO), and GNU SASL's client (msmtp's) cannot read an {@code e=} message at all.
 */
final class ScramSha256Exchange implements SaslExchange {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Key of the made-up salts; new at each start, so only this process's answers are consistent. */
    private static final byte[] FAKE_SALT_KEY = randomBytes(32);

    private enum State { FIRST, FINAL, DONE }

    private final CredentialLookup lookup;
    private final Supplier<String> serverNonce;
    private State state = State.FIRST;
    private boolean challenged;
    private ScramMessages.ClientFirst first;
    private String serverFirst;
    private Credentials account;
    private ScramSecret secret;
    private SaslStep.Failure unusable;

    ScramSha256Exchange(CredentialLookup lookup) {
        this(lookup, () -> Base64.getEncoder().encodeToString(randomBytes(18)));
    }

    /** With a given server nonce part (tests: RFC 7677's example). */
    ScramSha256Exchange(CredentialLookup lookup, Supplier<String> serverNonce) {
        this.lookup = lookup;
        this.serverNonce = serverNonce;
    }

    @Override
    public String mechanism() {
        return "SCRAM-SHA-256";
    }

    @Override
    public String authenticationId() {
        return first == null ? null : first.username();
    }

    @Override
    public SaslStep step(byte[] response) {
        switch (state) {
            case FIRST -> {
                if (response == null && !challenged) {
                    challenged = true;
                    return new SaslStep.Challenge(new byte[0]); // RFC 4422 §5: no initial response
                }
                return clientFirst(response);
            }
            case FINAL -> {
                return clientFinal(response);
            }
            default -> {
                return new SaslStep.Failure(SaslStep.FailureReason.MALFORMED, "the exchange is over");
            }
        }
    }

    private SaslStep clientFirst(byte[] response) {
        String text = response == null ? null : SaslText.utf8(response);
        try {
            first = ScramMessages.clientFirst(text == null ? "" : text);
        } catch (ScramMessages.Malformed e) {
            return end(SaslStep.FailureReason.MALFORMED, text == null ? "not UTF-8" : e.getMessage());
        }
        if (!first.authzid().isEmpty() && !SaslText.sameIdentity(first.authzid(), first.username())) {
            return end(SaslStep.FailureReason.BAD_CREDENTIALS, "may not act as another user");
        }
        try {
            findAccount(first.username());
        } catch (StoreException e) {
            return end(SaslStep.FailureReason.TEMPORARY, "account store unavailable");
        }
        byte[] salt = secret != null ? secret.salt()
                : Arrays.copyOf(ScramSecret.hmac(FAKE_SALT_KEY, SaslText.identityKey(first.username())
                .getBytes(StandardCharsets.UTF_8)), 16);
        int iterations = secret != null ? secret.iterations() : ScramSecret.ITERATIONS;
        serverFirst = "r=" + first.clientNonce() + serverNonce.get() + ",s=" + Base64.getEncoder().encodeToString(salt)
                + ",i=" + iterations;
        state = State.FINAL;
        return new SaslStep.Challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
    }

    private void findAccount(String username) {
        Optional<Credentials> found = lookup.find(username);
        if (found.isEmpty() || !found.get().enabled()) {
            unusable = new SaslStep.Failure(SaslStep.FailureReason.BAD_CREDENTIALS, "unknown user or account disabled");
        } else if (found.get().scram() == null) {
            unusable = new SaslStep.Failure(SaslStep.FailureReason.MECHANISM_UNAVAILABLE,
                    "the account has no SCRAM-SHA-256 keys (set its password again)");
        } else {
            account = found.get();
            secret = account.scram();
        }
    }

    private SaslStep clientFinal(byte[] response) {
        String text = response == null ? null : SaslText.utf8(response);
        ScramMessages.ClientFinal fin;
        try {
            if (text == null) {
                throw new ScramMessages.Malformed("not UTF-8");
            }
            fin = ScramMessages.clientFinal(text);
        } catch (ScramMessages.Malformed e) {
            return end(SaslStep.FailureReason.MALFORMED, e.getMessage());
        }
        if (!Arrays.equals(fin.channelBinding(), first.gs2Header().getBytes(StandardCharsets.UTF_8))) {
            return end(SaslStep.FailureReason.BAD_CREDENTIALS, "c= does not repeat the GS2 header");
        }
        if (!fin.nonce().equals(serverFirst.substring(2, serverFirst.indexOf(',')))) {
            return end(SaslStep.FailureReason.MALFORMED, "the nonce does not match");
        }
        if (secret == null) {
            return end(unusable.reason(), unusable.detail());
        }
        byte[] authMessage = (first.bare() + "," + serverFirst + "," + fin.withoutProof()).getBytes(StandardCharsets.UTF_8);
        byte[] clientKey = ScramSecret.hmac(secret.storedKey(), authMessage);
        if (fin.proof().length != clientKey.length) {
            return end(SaslStep.FailureReason.BAD_CREDENTIALS, "wrong proof");
        }
        for (int i = 0; i < clientKey.length; i++) {
            clientKey[i] ^= fin.proof()[i]; // ClientSignature XOR ClientProof = ClientKey
        }
        if (!MessageDigest.isEqual(ScramSecret.sha256(clientKey), secret.storedKey())) {
            return end(SaslStep.FailureReason.BAD_CREDENTIALS, "wrong proof");
        }
        state = State.DONE;
        String verifier = "v=" + Base64.getEncoder().encodeToString(ScramSecret.hmac(secret.serverKey(), authMessage));
        return new SaslStep.Success(new AuthenticatedUser(account.accountId(), account.address(), account.senderScope()),
                verifier.getBytes(StandardCharsets.UTF_8));
    }

    private SaslStep end(SaslStep.FailureReason reason, String detail) {
        state = State.DONE;
        return new SaslStep.Failure(reason, detail);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
