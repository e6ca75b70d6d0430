package dev.tern.managesieve;

/**
 * The command table of ManageSieve (RFC 5804 §2): for each command, in which state it may be
 * given and what arguments it takes. The parser checks the arguments; the session checks the
 * state before it runs anything.
 *
 * <p>Argument shapes: {@code s} a string (quoted or literal), {@code n} a number, and after
 * {@code ?} the optional ones.
 */
enum ManageSieveVerb {

    CAPABILITY(Access.ANY, "", "CAPABILITY takes no arguments"),
    LOGOUT(Access.ANY, "", "LOGOUT takes no arguments"),
    NOOP(Access.ANY, "?s", "NOOP takes at most one argument: a tag string"),
    STARTTLS(Access.NOT_AUTHENTICATED, "", "STARTTLS takes no arguments"),
    AUTHENTICATE(Access.NOT_AUTHENTICATED, "s?s",
            "AUTHENTICATE takes a mechanism name and an optional initial response, as strings"),
    UNAUTHENTICATE(Access.AUTHENTICATED, "", "UNAUTHENTICATE takes no arguments"),
    HAVESPACE(Access.AUTHENTICATED, "sn", "HAVESPACE takes a script name (a string) and a size (a number)"),
    PUTSCRIPT(Access.AUTHENTICATED, "ss", "PUTSCRIPT takes a script name and the script, as strings"),
    CHECKSCRIPT(Access.AUTHENTICATED, "s", "CHECKSCRIPT takes the script, as a string"),
    LISTSCRIPTS(Access.AUTHENTICATED, "", "LISTSCRIPTS takes no arguments"),
    GETSCRIPT(Access.AUTHENTICATED, "s", "GETSCRIPT takes a script name, as a string"),
    SETACTIVE(Access.AUTHENTICATED, "s", "SETACTIVE takes a script name, as a string (\"\" for none)"),
    DELETESCRIPT(Access.AUTHENTICATED, "s", "DELETESCRIPT takes a script name, as a string"),
    RENAMESCRIPT(Access.AUTHENTICATED, "ss", "RENAMESCRIPT takes the old and the new script name, as strings");

    /** The states a command may be given in. */
    enum Access {
        ANY, NOT_AUTHENTICATED, AUTHENTICATED
    }

    final Access access;
    /** The argument shape, see the class comment. */
    final String shape;
    /** What a client that got the arguments wrong reads. */
    final String usage;

    ManageSieveVerb(Access access, String shape, String usage) {
        this.access = access;
        this.shape = shape;
        this.usage = usage;
    }

    /** The command of this name (already upper-cased), or null when there is none. */
    static ManageSieveVerb named(String upper) {
        for (ManageSieveVerb v : values()) {
            if (v.name().equals(upper)) {
                return v;
            }
        }
        return null;
    }
}
