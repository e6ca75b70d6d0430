package dev.tern.smtp.server;

import java.util.EnumMap;
import java.util.Map;

import static dev.tern.smtp.server.SessionState.BDAT;
import static dev.tern.smtp.server.SessionState.CONNECTED;
import static dev.tern.smtp.server.SessionState.GREETED;
import static dev.tern.smtp.server.SessionState.MAIL;
import static dev.tern.smtp.server.SessionState.RCPT;

/**
 * Which command may come in which {@link SessionState}, and the reply when it may not
 * (RFC 5321 §4.1.4 and §3.3, RFC 3030 §2-3). Anything not listed is allowed.
 *
 * <pre>
 *              CONNECTED   GREETED     MAIL        RCPT        BDAT
 *   MAIL       need HELO   ok          nested      nested      nested
 *   RCPT       need HELO   need MAIL   ok          ok          after BDAT
 *   DATA       need HELO   need MAIL   no rcpt     ok          after BDAT
 *   BDAT       need HELO   need MAIL   no rcpt     ok          ok
 *   AUTH       need HELO   ok          in tx       in tx       in tx       (RFC 4954 §4)
 *   STARTTLS   ok          ok          in tx       in tx       in tx
 *   HELO EHLO RSET NOOP QUIT HELP VRFY: allowed everywhere (RFC 5321 §4.1.4)
 * </pre>
 *
 * A refused BDAT still has its chunk read and discarded (RFC 3030 §3), which the session does.
 */
final class CommandTable {

    private static final Map<Verb, Map<SessionState, SmtpReply>> REFUSALS = new EnumMap<>(Verb.class);

    static {
        refuse(Verb.MAIL, Replies.NEED_HELO, CONNECTED);
        refuse(Verb.MAIL, Replies.NESTED_MAIL, MAIL, RCPT, BDAT);

        refuse(Verb.RCPT, Replies.NEED_HELO, CONNECTED);
        refuse(Verb.RCPT, Replies.NEED_MAIL, GREETED);
        refuse(Verb.RCPT, Replies.RCPT_AFTER_BDAT, BDAT);

        refuse(Verb.DATA, Replies.NEED_HELO, CONNECTED);
        refuse(Verb.DATA, Replies.NEED_MAIL, GREETED);
        refuse(Verb.DATA, Replies.NO_VALID_RECIPIENTS, MAIL);
        refuse(Verb.DATA, Replies.DATA_AFTER_BDAT, BDAT);

        refuse(Verb.BDAT, Replies.NEED_HELO, CONNECTED);
        refuse(Verb.BDAT, Replies.NEED_MAIL, GREETED);
        refuse(Verb.BDAT, Replies.NO_VALID_RECIPIENTS, MAIL);

        refuse(Verb.AUTH, Replies.NEED_HELO, CONNECTED);
        refuse(Verb.AUTH, Replies.IN_TRANSACTION, MAIL, RCPT, BDAT);
        refuse(Verb.STARTTLS, Replies.IN_TRANSACTION, MAIL, RCPT, BDAT);
    }

    private CommandTable() {
    }

    private static void refuse(Verb verb, SmtpReply reply, SessionState... states) {
        Map<SessionState, SmtpReply> byState = REFUSALS.computeIfAbsent(verb, v -> new EnumMap<>(SessionState.class));
        for (SessionState s : states) {
            byState.put(s, reply);
        }
    }

    /** The reply refusing {@code verb} in {@code state}, or null when the command may run. */
    static SmtpReply refusal(Verb verb, SessionState state) {
        Map<SessionState, SmtpReply> byState = REFUSALS.get(verb);
        return byState == null ? null : byState.get(state);
    }

    /** True when the verb needs HELO or EHLO first. */
    static boolean needsGreeting(Verb verb) {
        return refusal(verb, CONNECTED) == Replies.NEED_HELO;
    }
}
