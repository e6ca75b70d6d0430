package dev.tern.auth.client;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Choosing and making the password mechanisms a client supports. */
public final class ClientMechanisms {

    /** Password mechanisms, strongest first: SCRAM proves both sides; CRAM-MD5 hides the password; PLAIN and LOGIN send it. */
    public static final List<String> PASSWORD_MECHANISMS = List.of("SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN");

    private ClientMechanisms() {
    }

    /** The strongest of {@link #PASSWORD_MECHANISMS} that the server offers. */
    public static Optional<String> strongest(Collection<String> offered) {
        for (String m : PASSWORD_MECHANISMS) {
            if (offered.stream().anyMatch(o -> o.equalsIgnoreCase(m))) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** True for mechanisms that need a password (all but GSSAPI). */
    public static boolean usesPassword(String mechanism) {
        return PASSWORD_MECHANISMS.contains(mechanism.toUpperCase(Locale.ROOT));
    }

    /**
     * A password mechanism by name.
     *
     * @throws IllegalArgumentException for a name that is not one of {@link #PASSWORD_MECHANISMS}
     */
    public static SaslClientMechanism forPassword(String mechanism, String user, String password) {
        return switch (mechanism.toUpperCase(Locale.ROOT)) {
            case "SCRAM-SHA-256" -> new ScramSha256Mechanism(null, user, password);
            case "CRAM-MD5" -> new CramMd5Mechanism(user, password);
            case "PLAIN" -> new PlainMechanism(null, user, password);
            case "LOGIN" -> new LoginMechanism(user, password);
            default -> throw new IllegalArgumentException("not a password mechanism: " + mechanism);
        };
    }
}
