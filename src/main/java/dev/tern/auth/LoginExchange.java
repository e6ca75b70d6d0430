package dev.tern.auth;

import java.nio.charset.StandardCharsets;

/**
 * LOGIN (draft-murchison-sasl-login-00): the challenges {@code Username:} and {@code Password:},
 * each answered with the bare value in UTF-8. An initial response is the user name (as Outlook and
 * others send it), which skips the first challenge.
 *
 * <p>Obsolete but still used by many clients; like PLAIN it sends the password itself, so it is
 * offered only over TLS (or to loopback clients when configured).
 */
final class LoginExchange implements SaslExchange {

    private static final byte[] USERNAME = "Username:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PASSWORD = "Password:".getBytes(StandardCharsets.US_ASCII);

    private enum State { START, USERNAME, PASSWORD, DONE }

    private final CredentialLookup lookup;
    private final PasswordCheck check;
    private State state = State.START;
    private String username;

    LoginExchange(CredentialLookup lookup, PasswordCheck check) {
        this.lookup = lookup;
        this.check = check;
    }

    @Override
    public String mechanism() {
        return "LOGIN";
    }

    @Override
    public String authenticationId() {
        return username;
    }

    @Override
    public SaslStep step(byte[] response) {
        switch (state) {
            case START -> {
                if (response == null) {
                    state = State.USERNAME;
                    return new SaslStep.Challenge(USERNAME.clone());
                }
                return takeUsername(response);
            }
            case USERNAME -> {
                return takeUsername(response);
            }
            case PASSWORD -> {
                state = State.DONE;
                String password = response == null ? null : SaslText.utf8(response);
                if (password == null || password.isEmpty() || password.indexOf('\0') >= 0) {
                    return malformed("the password is empty or not UTF-8");
                }
                return check.verify(lookup, username, password);
            }
            default -> {
                return malformed("the exchange is over");
            }
        }
    }

    private SaslStep takeUsername(byte[] response) {
        String name = response == null ? null : SaslText.utf8(response);
        if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
            state = State.DONE;
            return malformed("the user name is empty or not UTF-8");
        }
        username = name;
        state = State.PASSWORD;
        return new SaslStep.Challenge(PASSWORD.clone());
    }

    private static SaslStep.Failure malformed(String detail) {
        return new SaslStep.Failure(SaslStep.FailureReason.MALFORMED, detail);
    }
}
