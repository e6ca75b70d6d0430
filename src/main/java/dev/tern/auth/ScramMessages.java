package dev.tern.auth;

import java.util.Base64;

/**
 * The client's two SCRAM messages (RFC 5802 §7), parsed strictly. Pure: text in, records out;
 * a message that does not follow the grammar throws {@link Malformed}.
 */
final class ScramMessages {

    private ScramMessages() {
    }

    /**
     * {@code gs2-header client-first-message-bare}.
     *
     * @param gs2Header    {@code n,,} / {@code y,,} / {@code n,a=...,} exactly as sent (the {@code c=} value must echo it)
     * @param authzid      the decoded authorization identity, or empty
     * @param bare         client-first-message-bare, part of AuthMessage
     * @param username     the decoded {@code n=} value
     * @param clientNonce  the {@code r=} value
     */
    record ClientFirst(String gs2Header, String authzid, String bare, String username, String clientNonce) {
    }

    /**
     * @param channelBinding   the decoded {@code c=} value
     * @param nonce            the {@code r=} value
     * @param withoutProof     client-final-message-without-proof, part of AuthMessage
     * @param proof            the decoded {@code p=} value
     */
    record ClientFinal(byte[] channelBinding, String nonce, String withoutProof, byte[] proof) {
    }

    /** A message outside the grammar. */
    static final class Malformed extends Exception {

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    static ClientFirst clientFirst(String s) throws Malformed {
        if (s.startsWith("p=")) {
            throw new Malformed("channel binding requested, but no -PLUS mechanism is offered");
        }
        if (!s.startsWith("n,") && !s.startsWith("y,")) {
            throw new Malformed("expected the GS2 header n, or y,");
        }
        int end = s.indexOf(',', 2);
        if (end < 0) {
            throw new Malformed("GS2 header not terminated");
        }
        String authzField = s.substring(2, end);
        String authzid = "";
        if (!authzField.isEmpty()) {
            if (!authzField.startsWith("a=")) {
                throw new Malformed("bad authorization identity field");
            }
            authzid = saslname(authzField.substring(2));
        }
        String bare = s.substring(end + 1);
        if (bare.startsWith("m=")) {
            throw new Malformed("mandatory extension not supported");
        }
        String[] attrs = bare.split(",", -1);
        if (attrs.length < 2 || !attrs[0].startsWith("n=") || !attrs[1].startsWith("r=")) {
            throw new Malformed("expected n=user,r=nonce");
        }
        String username = saslname(attrs[0].substring(2));
        String nonce = attrs[1].substring(2);
        if (username.isEmpty() || !printable(nonce)) {
            throw new Malformed("empty user name or bad nonce");
        }
        return new ClientFirst(s.substring(0, end + 1), authzid, bare, username, nonce);
    }

    static ClientFinal clientFinal(String s) throws Malformed {
        int proofAt = s.lastIndexOf(",p=");
        String[] attrs = (proofAt < 0 ? s : s.substring(0, proofAt)).split(",", -1);
        if (proofAt < 0 || attrs.length < 2 || !attrs[0].startsWith("c=") || !attrs[1].startsWith("r=")) {
            throw new Malformed("expected c=...,r=...,p=...");
        }
        return new ClientFinal(base64(attrs[0].substring(2)), attrs[1].substring(2), s.substring(0, proofAt),
                base64(s.substring(proofAt + 3)));
    }

    /** Decodes a saslname: {@code =2C} is a comma, {@code =3D} an equals sign, any other {@code =} is an error. */
    static String saslname(String s) throws Malformed {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '=') {
                String esc = s.startsWith("=2C", i) ? "," : s.startsWith("=3D", i) ? "=" : null;
                if (esc == null) {
                    throw new Malformed("bad escape in a user name");
                }
                sb.append(esc);
                i += 2;
            } else if (c == ',') {
                throw new Malformed("comma in a user name");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean printable(String nonce) {
        return !nonce.isEmpty() && nonce.chars().allMatch(c -> c >= 0x21 && c <= 0x7e && c != ',');
    }

    private static byte[] base64(String s) throws Malformed {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new Malformed("bad base64");
        }
    }
}
