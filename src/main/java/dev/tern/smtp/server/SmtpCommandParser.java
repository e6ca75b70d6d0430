package dev.tern.smtp.server;

import dev.tern.mail.MailAddress;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one command line (without its CRLF) into a {@link SmtpCommand}. Pure: no I/O and no
 * session state, so every rule can be tested with a string.
 *
 * <p>Follows RFC 5321 §4.1.1 (verbs, case-insensitive), §4.1.2 (paths, ESMTP parameters), §4.1.1.3
 * (well-formed source routes accepted and ignored; bare {@code <Postmaster>}), RFC 3030 §2 (BDAT), RFC 6531 §3.4
 * (UTF-8 in addresses only with SMTPUTF8). Deliberately lenient where common clients deviate and
 * nothing is at stake: spaces after {@code FROM:}/{@code TO:} and trailing spaces are tolerated.
 * Strict where a loose reading could be abused: control characters and invalid UTF-8 anywhere in
 * the line are refused, and paths must be in angle brackets.
 */
public final class SmtpCommandParser {

    /** RFC 5321 §4.5.3.1.3: a path is at most 256 octets, brackets included. */
    private static final int MAX_PATH = 256;
    private static final Pattern BDAT_ARGS = Pattern.compile("(\\d{1,18})(?: +(LAST))?", Pattern.CASE_INSENSITIVE);
    /** RFC 4422 §3.1: a mechanism name is 1 to 20 of upper-case letters, digits, hyphens and underscores. */
    private static final Pattern MECHANISM = Pattern.compile("[A-Za-z0-9_-]{1,20}");
    private static final Set<String> NOT_IMPLEMENTED = Set.of(
            "EXPN", "TURN", "ETRN", "ATRN", "SEND", "SOML", "SAML", "BURL", "XCLIENT", "XFORWARD");

    static final SmtpReply MAIL_SYNTAX = SmtpReply.of(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]");
    static final SmtpReply RCPT_SYNTAX = SmtpReply.of(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]");

    private SmtpCommandParser() {
    }

    /** Parses a line given as bytes: it must be valid UTF-8 (ASCII is). */
    public static SmtpCommand parse(byte[] line) {
        CharBuffer chars;
        try {
            chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line));
        } catch (CharacterCodingException e) {
            return new SmtpCommand.Invalid(Verb.OTHER,
                    SmtpReply.of(500, "5.5.2", "Error: command line is not valid UTF-8"));
        }
        return parse(chars.toString());
    }

    public static SmtpCommand parse(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < 32 && c != '\t') || c == 127) {
                return new SmtpCommand.Invalid(Verb.OTHER,
                        SmtpReply.of(500, "5.5.2", "Error: control character in command line"));
            }
        }
        String s = line.stripTrailing();
        int sp = s.indexOf(' ');
        String name = (sp < 0 ? s : s.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : s.substring(sp + 1).stripLeading();
        Verb verb = verbOf(name);
        try {
            return switch (verb) {
                case HELO -> new SmtpCommand.Helo(domainArgument("HELO", arg));
                case EHLO -> new SmtpCommand.Ehlo(domainArgument("EHLO", arg));
                case LHLO -> new SmtpCommand.Lhlo(domainArgument("LHLO", arg));
                case MAIL -> mail(arg);
                case RCPT -> rcpt(arg);
                case DATA -> noArgument(new SmtpCommand.Data(), "DATA", arg);
                case BDAT -> bdat(arg);
                case RSET -> noArgument(new SmtpCommand.Rset(), "RSET", arg);
                case QUIT -> noArgument(new SmtpCommand.Quit(), "QUIT", arg);
                case NOOP -> new SmtpCommand.Noop();
                case HELP -> new SmtpCommand.Help(arg);
                case VRFY -> vrfy(arg);
                case STARTTLS -> noArgument(new SmtpCommand.StartTls(), "STARTTLS", arg);
                case AUTH -> auth(arg);
                case OTHER -> NOT_IMPLEMENTED.contains(name)
                        ? new SmtpCommand.NotImplemented(name) : new SmtpCommand.Unknown(name);
            };
        } catch (ParseFailure f) {
            return new SmtpCommand.Invalid(verb, f.reply);
        }
    }

    private static Verb verbOf(String name) {
        if (name.length() != 4 && !name.equals("STARTTLS")) {
            return Verb.OTHER;
        }
        try {
            return Verb.valueOf(name);
        } catch (IllegalArgumentException e) {
            return Verb.OTHER;
        }
    }

    private static String domainArgument(String verb, String arg) {
        if (arg.isEmpty()) {
            // RFC 2034 §3: no enhanced status code in any response to HELO or EHLO.
            throw new ParseFailure(SmtpReply.plain(501, "Syntax: " + verb + " hostname"));
        }
        return arg;
    }

    private static SmtpCommand noArgument(SmtpCommand command, String verb, String arg) {
        if (!arg.isEmpty()) {
            throw new ParseFailure(SmtpReply.of(501, "5.5.4", "Syntax: " + verb + " (no parameters)"));
        }
        return command;
    }

    private static SmtpCommand vrfy(String arg) {
        if (arg.isEmpty()) {
            throw new ParseFailure(SmtpReply.of(501, "5.5.4", "Syntax: VRFY address"));
        }
        return new SmtpCommand.Vrfy(arg);
    }

    /** RFC 4954 §4: {@code AUTH mechanism [initial-response]}; the response is decoded by the session. */
    private static SmtpCommand auth(String arg) {
        String[] parts = arg.split(" +");
        if (arg.isEmpty() || parts.length > 2 || !MECHANISM.matcher(parts[0]).matches()) {
            throw new ParseFailure(SmtpReply.of(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]"));
        }
        return new SmtpCommand.Auth(parts[0].toUpperCase(Locale.ROOT), parts.length == 2 ? parts[1] : null);
    }

    private static SmtpCommand bdat(String arg) {
        Matcher m = BDAT_ARGS.matcher(arg);
        if (!m.matches()) {
            throw new ParseFailure(SmtpReply.of(501, "5.5.4", "Syntax: BDAT size [LAST]"));
        }
        return new SmtpCommand.Bdat(Long.parseLong(m.group(1)), m.group(2) != null);
    }

    private static SmtpCommand mail(String arg) {
        if (!arg.regionMatches(true, 0, "FROM:", 0, 5)) {
            throw new ParseFailure(MAIL_SYNTAX);
        }
        Path path = path(arg.substring(5).stripLeading(), MAIL_SYNTAX);
        String mailbox = mailboxAfterRoute(path, "5.1.7", "sender");
        MailAddress sender = mailbox.isEmpty() ? null : address(mailbox, "5.1.7", "sender");
        SmtpCommand.Mail mail = EsmtpParameters.mail(sender, path.rest);
        if (sender != null && sender.needsUtf8() && !mail.smtpUtf8()) {
            throw new ParseFailure(SmtpReply.of(553, "5.6.7",
                    "Error: non-ASCII sender address needs the SMTPUTF8 parameter (RFC 6531)"));
        }
        return mail;
    }

    private static SmtpCommand rcpt(String arg) {
        if (!arg.regionMatches(true, 0, "TO:", 0, 3)) {
            throw new ParseFailure(RCPT_SYNTAX);
        }
        Path path = path(arg.substring(3).stripLeading(), RCPT_SYNTAX);
        String mailbox = mailboxAfterRoute(path, "5.1.3", "recipient");
        MailAddress recipient;
        if (mailbox.isEmpty()) {
            throw new ParseFailure(SmtpReply.of(501, "5.1.3", "Error: a recipient cannot be the null path <>"));
        } else if (mailbox.equalsIgnoreCase("postmaster")) {
            recipient = null;
        } else {
            recipient = address(mailbox, "5.1.3", "recipient");
        }
        return EsmtpParameters.rcpt(recipient, path.rest);
    }

    private static MailAddress address(String mailbox, String enhancedCode, String role) {
        try {
            return MailAddress.parse(mailbox);
        } catch (IllegalArgumentException e) {
            throw new ParseFailure(SmtpReply.of(501, enhancedCode, "Error: bad " + role + " address syntax: " + e.getMessage()));
        }
    }

    /**
     * What is between the angle brackets, split into the source route ({@code @a,@b}, without its
     * colon; null when there is none) and the mailbox, and the text after the closing bracket.
     */
    private record Path(String route, String mailbox, String rest) {
    }

    /**
     * The mailbox of a path, once its source route, if any, is found well-formed. RFC 5321 §4.1.2:
     * {@code Path = "<" [ A-d-l ":" ] Mailbox ">"}, {@code At-domain = "@" Domain}. A route is
     * followed by a mailbox: {@code <@a.example:>} is not the null path {@code <>}, and taking it
     * for one would turn a malformed sender into the bounce sender. The hops are ignored
     * (§4.1.1.3) but must still be domains (or, as RFC 821 allowed, address literals).
     */
    private static String mailboxAfterRoute(Path path, String enhancedCode, String role) {
        if (path.route == null) {
            return path.mailbox;
        }
        for (String hop : path.route.split(",", -1)) {
            if (hop.length() < 2 || hop.charAt(0) != '@') {
                throw new ParseFailure(SmtpReply.of(501, enhancedCode, "Error: bad " + role
                        + " address syntax: a source route is a list of @domain, e.g. <@relay.example:user@example.org>"));
            }
            try {
                MailAddress.checkDomain(hop.substring(1));
            } catch (IllegalArgumentException e) {
                throw new ParseFailure(SmtpReply.of(501, enhancedCode, "Error: bad " + role
                        + " address syntax: source route: " + e.getMessage()));
            }
        }
        if (path.mailbox.isEmpty()) {
            throw new ParseFailure(SmtpReply.of(501, enhancedCode, "Error: bad " + role
                    + " address syntax: a source route must be followed by a mailbox"));
        }
        return path.mailbox;
    }

    private static Path path(String s, SmtpReply syntax) {
        if (!s.startsWith("<")) {
            throw new ParseFailure(syntax);
        }
        int end = closingBracket(s);
        if (end < 0) {
            throw new ParseFailure(syntax);
        }
        String rest = s.substring(end + 1);
        if (!rest.isEmpty() && rest.charAt(0) != ' ') {
            throw new ParseFailure(syntax);
        }
        if (s.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length > MAX_PATH) {
            throw new ParseFailure(SmtpReply.of(501, "5.5.4", "Error: path longer than 256 octets"));
        }
        String inner = s.substring(1, end);
        int colon = inner.startsWith("@") ? routeEnd(inner, syntax) : -1;
        return colon < 0
                ? new Path(null, inner, rest.strip())
                : new Path(inner.substring(0, colon), inner.substring(colon + 1), rest.strip());
    }

    /** Index of the '>' that ends the path, skipping quoted strings; -1 when there is none. */
    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '>') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Index of the colon that ends the source route of {@code @a,@b:user@d}, skipping colons inside
     * address literals ({@code @[IPv6:...]}); a route without one is a syntax error.
     */
    private static int routeEnd(String inner, SmtpReply syntax) {
        int depth = 0;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ':' && depth == 0) {
                return i;
            }
        }
        throw new ParseFailure(syntax);
    }

    /** Carries an error reply out of the nested parsing methods; never leaves this package. */
    static final class ParseFailure extends RuntimeException {
        final SmtpReply reply;

        ParseFailure(SmtpReply reply) {
            super(reply.toString(), null, false, false);
            this.reply = reply;
        }
    }
}
