package dev.tern.imap.server;

import dev.tern.net.tls.TlsMode;

import java.util.ArrayList;
import java.util.List;

/**
 * The CAPABILITY list for a session's current state: before login it says how to log in
 * (STARTTLS, LOGINDISABLED, AUTH=…); after login, what the server can do.
 */
final class Capabilities {

    /** Extensions implemented in the authenticated and selected states. */
    private static final List<String> AFTER_LOGIN = List.of("NAMESPACE", "UIDPLUS", "MULTIAPPEND", "CATENATE", "MOVE", "CONDSTORE", "QRESYNC", "ESEARCH",
            "LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE", "CREATE-SPECIAL-USE", "UTF8=ACCEPT", "UNSELECT", "CHILDREN", "BINARY",
            "STATUS=SIZE", "SEARCHRES", "WITHIN", "QUOTA", "QUOTA=RES-STORAGE", "SORT", "SORT=DISPLAY", "ESORT",
            "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "OBJECTID", "SAVEDATE", "ACL", "LIST-MYRIGHTS", "METADATA", "PREVIEW",
            "RIGHTS=" + AclCommands.EXTRA_RIGHTS);

    private Capabilities() {
    }

    static List<String> of(ImapSession session) {
        List<String> out = new ArrayList<>(List.of("IMAP4rev1", "IMAP4rev2", "LITERAL+", "ID", "ENABLE", "IDLE", "SASL-IR"));
        ImapContext context = session.context();
        if (session.state() == SessionState.NOT_AUTHENTICATED) {
            if (context.tlsMode() == TlsMode.STARTTLS && !session.tls()) {
                out.add("STARTTLS");
            }
            if (!session.passwordsAllowed()) {
                out.add("LOGINDISABLED");
            }
            for (String mechanism : context.authenticator().mechanisms(session.authContext())) {
                out.add("AUTH=" + mechanism);
            }
        } else {
            out.addAll(AFTER_LOGIN);
            out.add("APPENDLIMIT=" + context.limits().maxLiteralSize());
            if (!session.compressed()) {
                out.add("COMPRESS=DEFLATE");
            }
        }
        return out;
    }
}
