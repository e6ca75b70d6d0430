package dev.tern.auth.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * LOGIN (draft-murchison-sasl-login): the server asks "Username:" then "Password:", each
 * answered in UTF-8. Obsolete but still the only mechanism some servers offer. The password
 * crosses the wire as it is: use only inside TLS.
 */
public final class LoginMechanism implements SaslClientMechanism {

    private final String user;
    private final char[] password;
    private int step;

    public LoginMechanism(String user, String password) {
        this.user = user;
        this.password = password.toCharArray();
    }

    @Override
    public String name() {
        return "LOGIN";
    }

    @Override
    public boolean hasInitialResponse() {
        return false;
    }

    @Override
    public byte[] initialResponse() {
        throw new IllegalStateException("LOGIN has no initial response");
    }

    /** Answers by the prompt when it says which it wants, else by order: user name first, then password. */
    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws SaslClientException {
        String prompt = new String(challenge, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        boolean wantsPassword = prompt.contains("pass") || (!prompt.contains("user") && step == 1);
        if (step >= 2) {
            throw new SaslClientException("the server asked for more than a user name and a password");
        }
        step++;
        return (wantsPassword ? new String(password) : user).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isComplete() {
        return step == 2;
    }

    @Override
    public void dispose() {
        Arrays.fill(password, '\0');
    }
}
