package dev.tern.auth;

/**
 * PLAIN (RFC 4616): one message {@code [authzid] NUL authcid NUL passwd}, UTF-8.
 *
 * <p>Tern lets an identity act only as itself: the authorization identity must be empty or name
 * the same account as the authentication identity. Without an initial response the server sends
 * an empty challenge (RFC 4422 §5). The password crosses the connection, so this mechanism is
 * offered only over TLS (or to loopback clients when configured).
 */
final class PlainExchange implements SaslExchange {

    private final CredentialLookup lookup;
    private final PasswordCheck check;
    private boolean challenged;
    private boolean done;
    private String authcid;

    PlainExchange(CredentialLookup lookup, PasswordCheck check) {
        this.lookup = lookup;
        this.check = check;
    }

    @Override
    public String mechanism() {
        return "PLAIN";
    }

    @Override
    public String authenticationId() {
        return authcid;
    }

    @Override
    public SaslStep step(byte[] response) {
        if (done) {
            return malformed("the exchange is over");
        }
        if (response == null && !challenged) {
            challenged = true;
            return new SaslStep.Challenge(new byte[0]);
        }
        done = true;
        if (response == null) {
            return malformed("no response");
        }
        String text = SaslText.utf8(response);
        if (text == null) {
            return malformed("not UTF-8");
        }
        int first = text.indexOf('\0');
        int second = first < 0 ? -1 : text.indexOf('\0', first + 1);
        if (second < 0 || text.indexOf('\0', second + 1) >= 0) {
            return malformed("expected authzid NUL authcid NUL password");
        }
        String authzid = text.substring(0, first);
        authcid = text.substring(first + 1, second);
        String password = text.substring(second + 1);
        if (authcid.isEmpty() || password.isEmpty()) {
            return malformed("empty user name or password");
        }
        if (!authzid.isEmpty() && !SaslText.sameIdentity(authzid, authcid)) {
            return new SaslStep.Failure(SaslStep.FailureReason.BAD_CREDENTIALS,
                    "may not act as another user");
        }
        return check.verify(lookup, authcid, password);
    }

    private static SaslStep.Failure malformed(String detail) {
        return new SaslStep.Failure(SaslStep.FailureReason.MALFORMED, detail);
    }
}
