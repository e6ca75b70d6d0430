package dev.tern.sieve.commands;

import java.util.List;

/** The Sieve extensions Tern has. */
public final class Extensions {

    /**
     * What a script may {@code require}, lower case: ManageSieve's {@code SIEVE} capability
     * (RFC 5804 §1.7), and what {@code ihave} answers for (RFC 5463).
     */
    public static final List<String> SUPPORTED = List.of("fileinto", "copy", "mailbox", "imap4flags", "reject",
            "envelope", "body", "vacation", "relational", "date", "comparator-i;ascii-numeric", "subaddress", "regex",
            "variables", "vacation-seconds", "encoded-character", "duplicate", "include", "special-use", "mailboxid",
            "index", "spamtest", "spamtestplus", "enotify", "environment", "ihave", "editheader");

    private Extensions() {
    }
}
