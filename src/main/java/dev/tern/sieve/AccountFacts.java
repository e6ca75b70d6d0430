package dev.tern.sieve;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What delivery tells a script's run beyond the message itself: the recipient account's mailboxes
 * (by name for {@code mailboxexists}, by special use, by MAILBOXID), the recipient delimiter of
 * {@code :user}/{@code :detail}, the ids its earlier deliveries' duplicate tests saw, where its
 * included scripts are, the content scan's verdict on the message, and the environment items.
 * Read before the run (or, for the duplicate ids and included scripts, while it runs) from the
 * store and the server's settings; {@link #NONE} knows nothing, as for a message no account has.
 *
 * @param mailboxExists      whether the account has a mailbox of a name that can take mail (RFC 5490 §3.1)
 * @param recipientDelimiter where {@code :user} and {@code :detail} split local parts (RFC 5233); "" for none
 * @param duplicateSeen      whether an earlier delivery's duplicate test saw a key (RFC 7352)
 * @param scripts            where included scripts are found (RFC 6609)
 * @param specialUses        the account's mailboxes by special use, lower case ({@code \junk} → "Spam", RFC 8579)
 * @param mailboxIds         the account's mailboxes by MAILBOXID (RFC 8474, RFC 9042)
 * @param spamLevel          the scan's score over its threshold, 0 to 1; null when not scanned (RFC 5235)
 * @param environment        environment items by lower-case name (RFC 5183), besides the fixed ones
 */
public record AccountFacts(Predicate<String> mailboxExists, String recipientDelimiter, Predicate<String> duplicateSeen,
                           ScriptSource scripts, Map<String, String> specialUses, Map<String, String> mailboxIds,
                           Double spamLevel, Map<String, String> environment) {

    /** Where the scripts an {@code include} names are found (RFC 6609). */
    @FunctionalInterface
    public interface ScriptSource {
        /**
         * The text of the account's script of that name ({@code global} false) or of the operator's
         * global one; null when there is none.
         */
        String find(boolean global, String name);
    }

    /** Nothing known: no mailboxes, the delimiter "+", no earlier ids, no scripts, not scanned. */
    public static final AccountFacts NONE = new AccountFacts(name -> false, "+", key -> false, (global, name) -> null,
            Map.of(), Map.of(), null, Map.of());

    public AccountFacts {
        Objects.requireNonNull(mailboxExists);
        Objects.requireNonNull(recipientDelimiter);
        Objects.requireNonNull(duplicateSeen);
        Objects.requireNonNull(scripts);
        specialUses = Map.copyOf(specialUses);
        mailboxIds = Map.copyOf(mailboxIds);
        Map<String, String> items = new HashMap<>(environment);
        items.put("location", "MDA");   // Sieve runs at final delivery
        items.put("name", "Tern");
        items.put("phase", "during");
        environment = Map.copyOf(items);
    }

    public AccountFacts withMailboxes(Predicate<String> exists) {
        return new AccountFacts(exists, recipientDelimiter, duplicateSeen, scripts, specialUses, mailboxIds, spamLevel,
                environment);
    }

    public AccountFacts withRecipientDelimiter(String delimiter) {
        return new AccountFacts(mailboxExists, delimiter, duplicateSeen, scripts, specialUses, mailboxIds, spamLevel,
                environment);
    }

    public AccountFacts withDuplicateCheck(Predicate<String> seen) {
        return new AccountFacts(mailboxExists, recipientDelimiter, seen, scripts, specialUses, mailboxIds, spamLevel,
                environment);
    }

    public AccountFacts withScripts(ScriptSource source) {
        return new AccountFacts(mailboxExists, recipientDelimiter, duplicateSeen, source, specialUses, mailboxIds,
                spamLevel, environment);
    }

    public AccountFacts withSpecialUses(Map<String, String> uses) {
        return new AccountFacts(mailboxExists, recipientDelimiter, duplicateSeen, scripts, uses, mailboxIds, spamLevel,
                environment);
    }

    public AccountFacts withMailboxIds(Map<String, String> ids) {
        return new AccountFacts(mailboxExists, recipientDelimiter, duplicateSeen, scripts, specialUses, ids, spamLevel,
                environment);
    }

    public AccountFacts withSpamLevel(Double level) {
        return new AccountFacts(mailboxExists, recipientDelimiter, duplicateSeen, scripts, specialUses, mailboxIds, level,
                environment);
    }

    public AccountFacts withEnvironment(Map<String, String> items) {
        return new AccountFacts(mailboxExists, recipientDelimiter, duplicateSeen, scripts, specialUses, mailboxIds,
                spamLevel, items);
    }
}
