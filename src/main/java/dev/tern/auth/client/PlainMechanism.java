package dev.tern.auth.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SASL PLAIN (RFC 4616): {@code authzid NUL authcid NUL password} in UTF-8, in one initial
 * response. The password crosses the wire as it is: use only inside TLS.
 */
public final class PlainMechanism implements SaslClientMechanism {

    private final String authzid;
    private final String user;
    private char[] password;
    private boolean sent;

    /** @param authzid the identity to act as, or null to act as {@code user} */
    public PlainMechanism(String authzid, String user, String password) {
        if (user.indexOf('\0') >= 0 || password.indexOf('\0') >= 0 || (authzid != null && authzid.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException("user name and password must not contain NUL");
        }
        this.authzid = authzid;
        this.user = user;
        this.password = password.toCharArray();
    }

    @Override
    public String name() {
        return "PLAIN";
    }

    @Override
    public boolean hasInitialResponse() {
        return true;
    }

    @Override
    public byte[] initialResponse() {
        sent = true;
        String message = (authzid == null ? "" : authzid) + '\0' + user + '\0' + new String(password);
        return message.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws SaslClientException {
        if (!sent && challenge.length == 0) {
            return initialResponse();  // a server that asks for the initial response with an empty challenge
        }
        throw new SaslClientException("the server sent a challenge after the PLAIN response");
    }

    @Override
    public boolean isComplete() {
        return sent;
    }

    @Override
    public void dispose() {
        Arrays.fill(password, '\0');
    }
}
