package dev.tern.directory;

import dev.tern.mail.MailAddress;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;

import java.util.List;
import java.util.Optional;

/**
 * Which sender addresses an authenticated account may use, in MAIL FROM and in the From: header
 * of the mail it submits (Postfix's {@code reject_sender_login_mismatch}). An account owns:
 * <ol>
 *   <li>its own address, in any case and with any {@code +tag};</li>
 *   <li>an alias that leads to it (through other aliases too), with any {@code +tag};</li>
 *   <li>what it was allowed explicitly ({@code tern user send-as add}): one address, or
 *       {@code @domain} for all of a domain's addresses.</li>
 * </ol>
 *
 * <p>Security: the address of an account belongs to that account alone, even when an alias of the
 * same name copies its mail to others (receiving someone's mail is not the right to write as
 * them); a domain's catch-all and the configured postmaster do not make their recipients owners
 * either. Grant those with send-as. The null sender {@code <>} is allowed: RFC 6409 does not forbid
 * it, and mail clients use it for read receipts (RFC 8098 §2.1) and auto-replies (RFC 3834 §3.3);
 * with {@code check_from_header} the From: of such a message is still checked. Every call reads
 * the store, so a change made with the command line applies at once; calls block.
 */
public final class SenderPolicy {

    /**
     * The answer to "may this account use this address?".
     *
     * @param reason why, in words for a person: for a refusal, the text of the SMTP reply
     */
    public record Decision(boolean allowed, String reason) {
    }

    private final Directory directory;

    public SenderPolicy(Directory directory) {
        this.directory = directory;
    }

    /**
     * May {@code account} use {@code sender} as the envelope sender (MAIL FROM)?
     *
     * @param sender the reverse path, or null for the null sender {@code <>}
     */
    public Decision checkEnvelopeSender(String account, MailAddress sender) {
        if (sender == null) {
            return new Decision(true, "<>: the null sender is allowed for authenticated users");
        }
        Decision d = owns(account, sender);
        return new Decision(d.allowed(), "<" + sender + ">: " + (d.allowed() ? "" : "Sender address rejected: ") + d.reason());
    }

    /** May {@code account} put {@code from} in the From: header of the mail it submits? */
    public Decision checkFromAddress(String account, MailAddress from) {
        Decision d = owns(account, from);
        return new Decision(d.allowed(), "<" + from + ">: " + (d.allowed() ? "" : "From: header address ") + d.reason());
    }

    private Decision owns(String account, MailAddress address) {
        MailAddress user;
        try {
            user = MailAddress.parse(account);
        } catch (IllegalArgumentException e) {
            return new Decision(false, "not owned by user " + account);
        }
        return directory.read(tx -> owns(tx, user.key(), address));
    }

    private Decision owns(StoreTx tx, String userKey, MailAddress address) {
        Optional<Rows.Account> user = tx.directory().account(userKey);
        if (user.isEmpty() || !user.get().enabled()) {
            return new Decision(false, "not owned by user " + userKey + " (no such enabled account)");
        }
        Rows.Account a = user.get();
        String key = address.key();
        String delimiter = directory.recipientDelimiter();
        String untaggedKey = delimiter.isEmpty() ? key : address.withoutTag(delimiter.charAt(0)).key();
        if (key.equals(a.address()) || untaggedKey.equals(a.address())) {
            return new Decision(true, "own address of " + a.address());
        }
        String domainPattern = "@" + address.asciiDomain();
        for (Rows.SendAs grant : tx.directory().sendAs(a.id())) {
            String p = grant.pattern();
            if (p.equals(key) || p.equals(untaggedKey) || p.equals(domainPattern)) {
                return new Decision(true, a.address() + " may send as " + p);
            }
        }
        // As in recipient resolution: the full address first, then without its tag; the first that
        // is an account or an alias decides.
        for (String candidate : key.equals(untaggedKey) ? List.of(key) : List.of(key, untaggedKey)) {
            if (tx.directory().account(candidate).isPresent()) {
                break;
            }
            if (!tx.directory().aliasTargets(candidate).isEmpty()) {
                if (directory.aliasAccounts(tx, candidate).containsKey(a.id())) {
                    return new Decision(true, "alias " + candidate + " leads to " + a.address());
                }
                break;
            }
        }
        return new Decision(false, "not owned by user " + a.address());
    }
}
