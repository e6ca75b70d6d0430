package dev.tern.sieve.commands;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.commands.Require;
import org.apache.jsieve.exception.FeatureException;
import org.apache.jsieve.mail.MailAdapter;

import java.util.Locale;
import java.util.Set;

/**
 * {@code require} (RFC 5228 §3.2) knowing the extensions Tern adds. jSieve takes a required name
 * for supported only when a command or test has that name, which holds for {@code fileinto} or
 * {@code vacation} but not for extensions that are tags or several commands. And jSieve takes a
 * require for valid only before the run's first other command, which the requires of an included
 * script (RFC 6609) are not; that they head their script is checked when it is stored.
 */
public final class RequireCommand extends Require {

    /** The extensions implemented here whose names are no command's or test's. */
    private static final Set<String> OWN = Set.of("copy", "mailbox", "imap4flags", "relational", "subaddress", "regex",
            "variables", "vacation-seconds", "encoded-character", "duplicate", "include",
            "special-use", "mailboxid", "index", "spamtest", "spamtestplus", "enotify",
            "environment", "ihave", "editheader");

    @Override
    protected void validateState(SieveContext context) {
        // checked per script by ScriptCheck, included ones too
    }

    @Override
    protected void validateFeature(String name, MailAdapter mail, SieveContext context) throws FeatureException {
        if (!OWN.contains(name.toLowerCase(Locale.ROOT))) {
            super.validateFeature(name, mail, context);
        }
    }
}
