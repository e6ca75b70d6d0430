package dev.tern.smtp.server;

import dev.tern.mail.DsnRet;
import dev.tern.mail.MailAddress;

import java.util.Set;

/**
 * A parsed SMTP command line (RFC 5321 §4.1.1), as produced by {@link SmtpCommandParser}. Each
 * record carries what the command's handler needs and nothing more; a line that cannot be parsed
 * becomes {@link Invalid}, which carries the error reply.
 */
public sealed interface SmtpCommand {

    Verb verb();

    record Helo(String domain) implements SmtpCommand {
        public Verb verb() {
            return Verb.HELO;
        }
    }

    record Ehlo(String domain) implements SmtpCommand {
        public Verb verb() {
            return Verb.EHLO;
        }
    }

    /** LMTP's greeting (RFC 2033 §4.1), in place of HELO and EHLO. */
    record Lhlo(String domain) implements SmtpCommand {
        public Verb verb() {
            return Verb.LHLO;
        }
    }

    /**
     * MAIL FROM with its parameters.
     *
     * @param sender   the reverse path, or null for the null path {@code <>}
     * @param size     the SIZE= value (RFC 1870), or -1 when absent; Long.MAX_VALUE when too large to represent
     * @param body     the BODY= value, or null when absent
     * @param smtpUtf8 SMTPUTF8 was given (RFC 6531)
     * @param ret      RET= (RFC 3461), or null
     * @param envId    ENVID= as received, still xtext-encoded (RFC 3461), or null
     * @param requireTls REQUIRETLS was given (RFC 8689): every hop onward must be TLS, verified
     */
    record Mail(MailAddress sender, long size, BodyType body, boolean smtpUtf8, DsnRet ret, String envId,
                boolean requireTls) implements SmtpCommand {
        public Verb verb() {
            return Verb.MAIL;
        }

        /** The ESMTP parameters given, written as on the command line ({@code SIZE=1024}, {@code SMTPUTF8}). */
        public java.util.List<String> parameters() {
            java.util.List<String> out = new java.util.ArrayList<>();
            if (size >= 0) {
                out.add("SIZE=" + size);
            }
            if (body != null) {
                out.add("BODY=" + body.keyword());
            }
            if (smtpUtf8) {
                out.add("SMTPUTF8");
            }
            if (ret != null) {
                out.add("RET=" + ret.name());
            }
            if (envId != null) {
                out.add("ENVID=" + envId);
            }
            if (requireTls) {
                out.add("REQUIRETLS");
            }
            return out;
        }
    }

    /**
     * RCPT TO with its parameters.
     *
     * @param recipient  the forward path, or null when it is the bare {@code <Postmaster>} of RFC 5321 §4.1.1.3
     * @param notifyOn   NOTIFY= values in upper case (RFC 3461 §4.1), empty when absent
     * @param orcpt      ORCPT= as received ({@code addr-type;xtext}, or {@code utf-8;} and UTF-8 as
     *                   RFC 6533 §3 allows in an SMTPUTF8 transaction), or null
     */
    record Rcpt(MailAddress recipient, Set<String> notifyOn, String orcpt) implements SmtpCommand {
        public Rcpt {
            notifyOn = Set.copyOf(notifyOn);
        }

        /** ORCPT is in the UTF-8 form ({@code utf-8-addr-unitext}), which needs SMTPUTF8 on MAIL. */
        public boolean orcptNeedsSmtpUtf8() {
            return orcpt != null && !Utf8AddressText.isAscii(orcpt);
        }

        /**
         * ORCPT as it is stored and passed on: {@code addr-type;xtext}, in 7 bits. A UTF-8 address
         * is written in the {@code utf-8-addr-xtext} form, which the report writer decodes and a
         * next server takes whether or not it offers SMTPUTF8 (RFC 6533 §3).
         */
        public String orcptAsXtext() {
            return orcptNeedsSmtpUtf8() ? Utf8AddressText.toXtext(orcpt) : orcpt;
        }

        public boolean isBarePostmaster() {
            return recipient == null;
        }

        /** The ESMTP parameters given, written as on the command line ({@code NOTIFY=SUCCESS,FAILURE}). */
        public java.util.List<String> parameters() {
            java.util.List<String> out = new java.util.ArrayList<>();
            if (!notifyOn.isEmpty()) {
                out.add("NOTIFY=" + String.join(",", new java.util.TreeSet<>(notifyOn)));
            }
            if (orcpt != null) {
                out.add("ORCPT=" + orcptAsXtext());
            }
            return out;
        }

        public Verb verb() {
            return Verb.RCPT;
        }
    }

    record Data() implements SmtpCommand {
        public Verb verb() {
            return Verb.DATA;
        }
    }

    /** BDAT (RFC 3030 §2): exactly {@code size} octets follow the command line. */
    record Bdat(long size, boolean last) implements SmtpCommand {
        public Verb verb() {
            return Verb.BDAT;
        }
    }

    record Rset() implements SmtpCommand {
        public Verb verb() {
            return Verb.RSET;
        }
    }

    record Noop() implements SmtpCommand {
        public Verb verb() {
            return Verb.NOOP;
        }
    }

    record Quit() implements SmtpCommand {
        public Verb verb() {
            return Verb.QUIT;
        }
    }

    record Help(String topic) implements SmtpCommand {
        public Verb verb() {
            return Verb.HELP;
        }
    }

    record Vrfy(String argument) implements SmtpCommand {
        public Verb verb() {
            return Verb.VRFY;
        }
    }

    /** STARTTLS (RFC 3207): no arguments. */
    record StartTls() implements SmtpCommand {
        public Verb verb() {
            return Verb.STARTTLS;
        }
    }

    /**
     * AUTH (RFC 4954 §4).
     *
     * @param mechanism       the SASL mechanism name, upper case
     * @param initialResponse the initial response as sent (base64, or "=" for an empty one), or null
     */
    record Auth(String mechanism, String initialResponse) implements SmtpCommand {
        public Verb verb() {
            return Verb.AUTH;
        }

        /** Never the initial response: it may carry a password. */
        @Override
        public String toString() {
            return "Auth[" + mechanism + (initialResponse == null ? "" : " <initial response>") + "]";
        }
    }

    /** A verb of RFC 5321 or an extension that Tern does not offer (EXPN, TURN, ETRN…). */
    record NotImplemented(String name) implements SmtpCommand {
        public Verb verb() {
            return Verb.OTHER;
        }
    }

    /** A verb nobody defined (or an empty line). */
    record Unknown(String name) implements SmtpCommand {
        public Verb verb() {
            return Verb.OTHER;
        }
    }

    /**
     * A known verb with arguments that do not parse. The verb lets the session check the order of
     * commands first (a 503 says more than a 501 when both apply).
     */
    record Invalid(Verb verb, SmtpReply reply) implements SmtpCommand {
    }
}
