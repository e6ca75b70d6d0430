package dev.tern.directory;

import dev.tern.forwarding.SenderRewriting;
import dev.tern.mail.MailAddress;
import dev.tern.mailbox.MailboxService;
import dev.tern.security.dkim.DkimKey;
import dev.tern.security.dkim.DkimKeys;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;
import dev.tern.store.StoreWork;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who receives mail here: the local domains, their accounts and aliases, and the resolution of a
 * recipient address to the accounts that get its mail. The command line and the SMTP server use
 * the same methods, reading the store every time, so that a change made by `tern user add` is
 * seen by a running server at once.
 *
 * <p>Resolution follows Postfix's virtual domains: an alias is looked up before an account (so an
 * alias can redirect an existing address; an alias that names its own address also delivers to the
 * account), then the address without its {@code +tag}, then the domain's catch-all. An alias
 * target in a domain that is not ours forwards the mail there (docs/forwarding.md), and a
 * rewritten sender address of ours ({@code SRS0=…}) leads back to the sender it stands for.
 */
public final class Directory {

    private static final int MAX_ALIAS_DEPTH = 10;

    private final MetadataStore store;
    private final String recipientDelimiter;
    private final String hostname;
    private final MailAddress postmaster;
    private final SenderRewriting rewriting;

    /**
     * @param recipientDelimiter the plus-addressing separator, or an empty string to disable it
     * @param hostname           this server's name: postmaster@hostname is a local address
     * @param postmaster         where postmaster mail goes when no account or alias takes it, or null
     */
    public Directory(MetadataStore store, String recipientDelimiter, String hostname, String postmaster) {
        this(store, recipientDelimiter, hostname, postmaster, null);
    }

    /** @param rewriting what reads the rewritten sender addresses of forwarded mail; null to know none */
    public Directory(MetadataStore store, String recipientDelimiter, String hostname, String postmaster,
                     SenderRewriting rewriting) {
        this.store = store;
        this.rewriting = rewriting;
        this.recipientDelimiter = recipientDelimiter;
        this.hostname = MailAddress.toAsciiDomain(hostname);
        this.postmaster = postmaster == null ? null : MailAddress.parse(postmaster);
    }

    // ---- domains

    /** Adds a domain without DKIM keys (its mail goes out unsigned until it has some). */
    public Rows.Domain addDomain(String name) {
        return addDomain(name, List.of());
    }

    /**
     * Adds a domain with its DKIM signing keys, in one transaction: the domain never exists without
     * the keys its DNS records are printed from. The keys are made beforehand, outside the store's
     * writer (see {@link dev.tern.security.dkim.DkimKeys#newKeySet()}).
     */
    public Rows.Domain addDomain(String name, List<DkimKey> dkimKeys) {
        String key = domainKey(name);
        requireDomainName(key, name);
        return store.writeAndWait(tx -> {
            if (tx.directory().domain(key).isPresent()) {
                throw DirectoryException.conflict("domain " + key + " already exists");
            }
            Instant now = Instant.now();
            Rows.Domain d = tx.directory().insertDomain(key, now);
            for (DkimKey k : dkimKeys) {
                tx.dkimKeys().insert(DkimKeys.row(d.id(), k, Clock.fixed(now, ZoneOffset.UTC)));
            }
            return d;
        });
    }

    public List<Rows.Domain> domains() {
        return store.read(tx -> tx.directory().domains());
    }

    public Optional<Rows.Domain> domain(String name) {
        String key = domainKey(name);
        return store.read(tx -> tx.directory().domain(key));
    }

    /** Deletes a domain; refused while it still has accounts, aliases or SMTP credentials in use. */
    public void deleteDomain(String name) {
        String key = domainKey(name);
        store.writeAndWait(tx -> {
            Rows.Domain d = requireDomain(tx, key);
            int accounts = tx.directory().countAccounts(d.id());
            int aliases = tx.directory().countAliases(d.id());
            if (accounts > 0 || aliases > 0) {
                throw DirectoryException.conflict("domain " + key + " still has " + accounts + " account(s) and "
                        + aliases + " alias(es); delete them first");
            }
            int credentials = tx.smtpCredentials().countActive(d.id());
            if (credentials > 0) {
                throw DirectoryException.conflict("domain " + key + " still has " + credentials
                        + " SMTP credential(s) in use; revoke them first (`tern credential list`)");
            }
            return tx.directory().deleteDomain(d.id());
        });
    }

    /** Sets (or, with null, removes) the address that takes mail for unknown users of a domain. */
    public void setCatchAll(String domain, String target) {
        String key = domainKey(domain);
        String targetKey = target == null ? null : parse(target).key();
        store.writeAndWait(tx -> {
            Rows.Domain d = requireDomain(tx, key);
            tx.directory().setCatchAll(d.id(), targetKey);
            return null;
        });
    }

    // ---- accounts

    public Account addUser(String address, String password) {
        return addUser(address, password, false);
    }

    /**
     * Adds an account. Its password is kept as an Argon2id hash and as SCRAM-SHA-256 keys; with
     * {@code cramMd5}, also as CRAM-MD5 states, which are password-equivalent (docs/adr/0003).
     */
    public Account addUser(String address, String password, boolean cramMd5) {
        MailAddress a = parse(address);
        VisibleLocalParts.check(a);
        checkPassword(password);
        String hash = PasswordHasher.hash(password);
        String scram = ScramSecret.create(password).encode();
        String cram = cramMd5 ? CramMd5Secret.create(password).encode() : null;
        return store.writeAndWait(tx -> insertAccount(tx, a, hash, scram, cram));
    }

    /** Adds an account with its secrets (null: none) and its standard mailboxes, in the caller's transaction. */
    private static Account insertAccount(StoreTx tx, MailAddress a, String hash, String scram, String cram) {
        Rows.Domain d = requireDomain(tx, a.asciiDomain());
        if (tx.directory().account(a.key()).isPresent()) {
            throw DirectoryException.conflict("account " + a.key() + " already exists");
        }
        if (tx.smtpCredentials().credential(a.key()).isPresent()) {
            throw DirectoryException.conflict(a.key() + " is the name of an SMTP credential; choose another address");
        }
        Rows.Account row = tx.directory().insertAccount(a.key(), a.toString(), d.id(), hash, Instant.now());
        if (scram != null || cram != null) {
            tx.directory().updateSecrets(row.id(), scram, cram);
        }
        MailboxService.createDefaultMailboxes(tx, row.id());
        return toAccount(row);
    }

    /**
     * Adds an account with a password hash another server made ({@link ForeignPasswordHash}): it
     * is checked at the account's logins until the first one succeeds, which keeps the password
     * Tern's way. Until then the account has no SCRAM keys, and clients log in with PLAIN or LOGIN,
     * unless the hash is Dovecot's {@code {SCRAM-SHA-256}} or {@code {CRAM-MD5}}: the account then
     * keeps it as its secret for that mechanism too. A {@code {PLAIN}} value is a clear-text password
     * and is hashed at once.
     */
    public Account addUserWithHash(String address, String foreignHash) {
        String clear = ForeignPasswordHash.clearText(foreignHash);
        if (clear != null) {
            return addUser(address, clear);
        }
        MailAddress a = parse(address);
        VisibleLocalParts.check(a);
        String hash = ForeignPasswordHash.parse(foreignHash);
        return store.writeAndWait(tx -> insertAccount(tx, a, hash, scramOf(hash), cramOf(hash)));
    }

    /**
     * Sets a password hash another server made (see {@link #addUserWithHash}); the SCRAM and
     * CRAM-MD5 secrets go, unless the hash is one of them.
     */
    public void setPasswordHash(String address, String foreignHash) {
        String clear = ForeignPasswordHash.clearText(foreignHash);
        if (clear != null) {
            setPassword(address, clear);
            return;
        }
        MailAddress a = parse(address);
        String hash = ForeignPasswordHash.parse(foreignHash);
        store.writeAndWait(tx -> {
            long id = requireAccount(tx, a.key()).id();
            tx.directory().updatePassword(id, hash);
            return tx.directory().updateSecrets(id, scramOf(hash), cramOf(hash));
        });
    }

    /** The SCRAM-SHA-256 secret, in its text form, that a hash from another server holds; null for most. */
    private static String scramOf(String foreignHash) {
        ScramSecret s = ForeignPasswordHash.scramSecret(foreignHash);
        return s == null ? null : s.encode();
    }

    private static String cramOf(String foreignHash) {
        CramMd5Secret s = ForeignPasswordHash.cramMd5Secret(foreignHash);
        return s == null ? null : s.encode();
    }

    /**
     * After a login that a hash from another server accepted (the caller has checked the password
     * against it): keeps the password Tern's way (Argon2id and SCRAM keys) in place of that hash,
     * unless the hash changed meanwhile. An account that had CRAM-MD5 states keeps them (made from
     * the password: the same states). Blocking: hashes. True when it was replaced.
     */
    public boolean replaceForeignHash(long accountId, String foreignHash, String password) {
        if (!ForeignPasswordHash.isForeign(foreignHash)) {
            return false;
        }
        String hash = PasswordHasher.hash(password);
        String scram = ScramSecret.create(password).encode();
        return store.writeAndWait(tx -> {
            Optional<Rows.Account> now = tx.directory().account(accountId);
            if (now.isEmpty() || !foreignHash.equals(now.get().passwordHash())) {
                return false;   // changed meanwhile: the newer one stays
            }
            boolean hadCram = tx.directory().secrets(accountId).map(Rows.AccountSecrets::cramMd5).isPresent();
            tx.directory().updatePassword(accountId, hash);
            tx.directory().updateSecrets(accountId, scram, hadCram ? CramMd5Secret.create(password).encode() : null);
            return true;
        });
    }

    /** Sets a password and removes the account's CRAM-MD5 secret. */
    public void setPassword(String address, String password) {
        setPassword(address, password, false);
    }

    /** Sets a password (hash and SCRAM keys); CRAM-MD5 states only with {@code cramMd5}, else they are removed. */
    public void setPassword(String address, String password, boolean cramMd5) {
        MailAddress a = parse(address);
        checkPassword(password);
        String hash = PasswordHasher.hash(password);
        String scram = ScramSecret.create(password).encode();
        String cram = cramMd5 ? CramMd5Secret.create(password).encode() : null;
        store.writeAndWait(tx -> {
            long id = requireAccount(tx, a.key()).id();
            tx.directory().updatePassword(id, hash);
            return tx.directory().updateSecrets(id, scram, cram);
        });
    }

    /**
     * Deletes an account with its mailboxes and messages: the messages in pieces first (see
     * {@link MailboxService#deleteMessagesInPieces}), the account with what is left in one transaction.
     */
    public void deleteUser(String address, MailboxService mailboxes) {
        MailAddress a = parse(address);
        mailboxes.deleteMessagesInPieces(store.read(tx -> requireAccount(tx, a.key()).id()));
        store.writeAndWait(tx -> {
            Rows.Account row = requireAccount(tx, a.key());
            mailboxes.deleteAll(tx, row.id());
            return tx.directory().deleteAccount(row.id());
        });
    }

    /** Enables or disables an account: a disabled one receives no mail and cannot log in. */
    public void setEnabled(String address, boolean enabled) {
        MailAddress a = parse(address);
        store.writeAndWait(tx -> tx.directory().setEnabled(requireAccount(tx, a.key()).id(), enabled));
    }

    /** Sets an account's quota: the most bytes its mailboxes may hold together; null for no limit. */
    public void setQuota(String address, Long quotaBytes) {
        if (quotaBytes != null && quotaBytes < 0) {
            throw new DirectoryException("a quota cannot be negative");
        }
        MailAddress a = parse(address);
        store.writeAndWait(tx -> tx.directory().setQuota(requireAccount(tx, a.key()).id(), quotaBytes));
    }

    public List<Account> users(String domainOrNull) {
        return store.read(tx -> {
            Long domainId = null;
            if (domainOrNull != null) {
                domainId = requireDomain(tx, domainKey(domainOrNull)).id();
            }
            return tx.directory().accounts(domainId).stream().map(Directory::toAccount).toList();
        });
    }

    public Optional<Account> user(String address) {
        MailAddress a = parse(address);
        return store.read(tx -> tx.directory().account(a.key()).map(Directory::toAccount));
    }

    /** Checks a password; false for unknown or disabled accounts. */
    public boolean checkPassword(String address, String password) {
        MailAddress a;
        try {
            a = MailAddress.parse(address);
        } catch (IllegalArgumentException e) {
            return false;
        }
        Optional<Rows.Account> row = store.read(tx -> tx.directory().account(a.key()));
        return row.isPresent() && row.get().enabled() && PasswordHasher.verify(password, row.get().passwordHash());
    }

    /**
     * What a login name may be checked against: the account of that address, with its password
     * hash and SASL secrets; empty when the name is not an address or no account has it. A secret
     * that cannot be read counts as absent. Blocks on the store.
     */
    public Optional<Credentials> credentials(String login) {
        MailAddress a;
        try {
            a = MailAddress.parse(login);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return store.read(tx -> {
            Optional<Rows.Account> row = tx.directory().account(a.key());
            if (row.isEmpty()) {
                return Optional.<Credentials>empty();
            }
            Rows.Account r = row.get();
            Rows.AccountSecrets s = tx.directory().secrets(r.id()).orElse(new Rows.AccountSecrets(r.id(), null, null));
            return Optional.of(new Credentials(r.id(), r.address(), r.enabled(), r.passwordHash(),
                    readSecret(s.scramSha256(), ScramSecret::parse), readSecret(s.cramMd5(), CramMd5Secret::parse)));
        });
    }

    private static <T> T readSecret(String text, Function<String, T> parser) {
        if (text == null) {
            return null;
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---- aliases

    /** Adds targets to an alias of a local domain. Targets must be addresses this server receives mail for. */
    public void addAlias(String alias, List<String> targets) {
        MailAddress a = parse(alias);
        VisibleLocalParts.check(a);
        if (targets.isEmpty()) {
            throw new DirectoryException("an alias needs at least one target address");
        }
        List<MailAddress> parsed = targets.stream().map(Directory::parse).toList();
        store.writeAndWait(tx -> {
            Rows.Domain d = requireDomain(tx, a.asciiDomain());
            for (MailAddress t : parsed) {
                String target = t.key();
                if (tx.directory().domain(t.asciiDomain()).isEmpty()) {
                    // another domain's address: mail is forwarded there, and only that domain may
                    // decide whether case matters in its local parts (RFC 5321 §2.4)
                    checkForwardTarget(t);
                    target = t.localPart() + "@" + t.asciiDomain();
                }
                for (String same : storedTargets(tx, a.key(), t.key())) {
                    tx.directory().deleteAlias(a.key(), same);   // written again: the new spelling stays
                }
                tx.directory().insertAlias(a.key(), target, d.id());
            }
            return null;
        });
    }

    /** The targets of an alias, as stored, that are the address {@code targetKey} in any case. */
    private static List<String> storedTargets(StoreTx tx, String aliasKey, String targetKey) {
        return tx.directory().aliasTargets(aliasKey).stream().filter(t -> lookupKey(t).equals(targetKey)).toList();
    }

    /**
     * The lookup key of a stored alias target: a local target is stored as its key, an address of
     * another domain with its local part as written and its domain in A-labels.
     */
    private static String lookupKey(String storedTarget) {
        return storedTarget.toLowerCase(Locale.ROOT);
    }

    /**
     * The targets of an alias that lead to no account, as delivery follows them (an account, or
     * an alias leading to one; the alias itself as a target means the account of that name): an
     * account made later, or a typing mistake. Empty when every target leads somewhere.
     */
    public List<String> targetsLeadingNowhere(String alias) {
        MailAddress a = parse(alias);
        return store.read(tx -> {
            List<String> nowhere = new ArrayList<>();
            for (String t : tx.directory().aliasTargets(a.key())) {
                Found found = new Found();
                boolean any = t.equals(a.key()) ? addAccount(tx, t, found)
                        : expand(tx, t, 1, found, new ArrayList<>(List.of(a.key())));
                if (!any) {
                    nowhere.add(t);
                }
            }
            return nowhere;
        });
    }

    /** Aliases and their targets, of one domain or of all. */
    public Map<String, List<String>> aliases(String domainOrNull) {
        return store.read(tx -> {
            Long domainId = null;
            if (domainOrNull != null) {
                domainId = requireDomain(tx, domainKey(domainOrNull)).id();
            }
            Map<String, List<String>> out = new LinkedHashMap<>();
            for (Rows.Alias r : tx.directory().aliases(domainId)) {
                out.computeIfAbsent(r.address(), k -> new ArrayList<>()).add(r.target());
            }
            return out;
        });
    }

    /** Removes the given targets of an alias, or the whole alias when none are given. */
    public void deleteAlias(String alias, List<String> targets) {
        MailAddress a = parse(alias);
        store.writeAndWait(tx -> {
            int removed = 0;
            if (targets.isEmpty()) {
                removed = tx.directory().deleteAlias(a.key(), null);
            } else {
                for (String t : targets) {
                    for (String same : storedTargets(tx, a.key(), parse(t).key())) {
                        removed += tx.directory().deleteAlias(a.key(), same);
                    }
                }
            }
            if (removed == 0) {
                throw DirectoryException.notFound("no such alias: " + a.key() + (targets.isEmpty() ? "" : " -> " + targets));
            }
            return null;
        });
    }

    // ---- send-as permissions

    /**
     * Lets an account send as an address, or with {@code @domain} as every address of a domain
     * (see {@link SenderPolicy}). Returns the pattern as stored.
     */
    public String addSendAs(String account, String pattern) {
        MailAddress a = parse(account);
        String p = sendAsPattern(pattern);
        store.writeAndWait(tx -> {
            Rows.Account row = requireAccount(tx, a.key());
            if (!tx.directory().insertSendAs(row.id(), p, Instant.now())) {
                throw DirectoryException.conflict(a.key() + " may already send as " + p);
            }
            return null;
        });
        return p;
    }

    /** Send-as permissions of one account, or of all accounts. */
    public List<Rows.SendAs> sendAs(String accountOrNull) {
        MailAddress a = accountOrNull == null ? null : parse(accountOrNull);
        return store.read(tx -> tx.directory().sendAs(a == null ? null : requireAccount(tx, a.key()).id()));
    }

    /** Withdraws a send-as permission. Returns the pattern as stored. */
    public String deleteSendAs(String account, String pattern) {
        MailAddress a = parse(account);
        String p = sendAsPattern(pattern);
        store.writeAndWait(tx -> {
            Rows.Account row = requireAccount(tx, a.key());
            if (!tx.directory().deleteSendAs(row.id(), p)) {
                throw DirectoryException.notFound("no such permission: " + a.key() + " may not send as " + p);
            }
            return null;
        });
        return p;
    }

    /** A send-as pattern in its stored form: an address lookup key, or {@code @} and an A-label domain. */
    static String sendAsPattern(String pattern) {
        String p = pattern.strip();
        if (p.startsWith("@")) {
            return "@" + domainKey(p.substring(1));
        }
        try {
            return MailAddress.parse(p).key();
        } catch (IllegalArgumentException e) {
            throw new DirectoryException("\"" + pattern + "\" is neither an address nor @domain: " + e.getMessage());
        }
    }

    // ---- resolution

    /**
     * A number that moves whenever domains, accounts or aliases change, through any process, cheap
     * enough to read before every RCPT; null when the store has none.
     */
    public java.util.function.LongSupplier version() {
        return store.directoryVersion();
    }

    public boolean isLocalDomain(String domain) {
        String key = MailAddress.toAsciiDomain(domain);
        return store.read(tx -> tx.directory().domain(key).isPresent());
    }

    /** Resolves a recipient to the local accounts that receive its mail. Blocks on the store. */
    public Resolution resolve(MailAddress recipient) {
        return store.read(tx -> resolve(tx, recipient));
    }

    /** Resolves a recipient in the caller's transaction (for delivery inside an enqueue). */
    public Resolution resolve(StoreTx tx, MailAddress recipient) {
        Resolution r = resolveAddress(tx, recipient);
        // RFC 5321 §4.5.1: every domain (and the host itself) must accept mail for postmaster.
        boolean isPostmaster = recipient.localPart().equalsIgnoreCase("postmaster")
                && (r instanceof Resolution.Unknown || recipient.asciiDomain().equals(hostname));
        if (isPostmaster && !(r instanceof Resolution.Local)) {
            for (MailAddress fallback : postmasterFallbacks(recipient)) {
                Resolution p = resolveAddress(tx, fallback);
                if (p instanceof Resolution.Local) {
                    return p;
                }
            }
            if (r instanceof Resolution.NotLocal) {
                // The host's own postmaster is not someone else's address to relay to.
                return new Resolution.Unknown();
            }
        }
        return r;
    }

    /**
     * Who takes postmaster mail nobody else takes: the {@code postmaster} setting; for the host
     * name's postmaster (a bare {@code <Postmaster>}), then the postmaster of each domain the host
     * name is under (mx.example.org → example.org), as Postfix's default of mail for the host
     * going to the local postmaster would.
     */
    private List<MailAddress> postmasterFallbacks(MailAddress recipient) {
        List<MailAddress> out = new ArrayList<>();
        if (postmaster != null) {
            out.add(postmaster);
        }
        if (recipient.asciiDomain().equals(hostname)) {
            for (int dot = hostname.indexOf('.'); dot > 0 && hostname.indexOf('.', dot + 1) > 0;
                 dot = hostname.indexOf('.', dot + 1)) {
                out.add(MailAddress.of("postmaster", hostname.substring(dot + 1)));
            }
        }
        return out;
    }

    private Resolution resolveAddress(StoreTx tx, MailAddress recipient) {
        Optional<Rows.Domain> domain = tx.directory().domain(recipient.asciiDomain());
        if (domain.isEmpty()) {
            return new Resolution.NotLocal();
        }
        if (rewriting != null && SenderRewriting.isRewritten(recipient.localPart())) {
            return rewritten(recipient);
        }
        Found found = new Found();
        if (expand(tx, recipient.key(), 0, found, new ArrayList<>())) {
            return local(found);
        }
        if (!recipientDelimiter.isEmpty()) {
            MailAddress untagged = recipient.withoutTag(recipientDelimiter.charAt(0));
            if (untagged != recipient && expand(tx, untagged.key(), 0, found, new ArrayList<>())) {
                return local(found);
            }
        }
        String catchAll = domain.get().catchAll();
        if (catchAll != null && expand(tx, catchAll, 0, found, new ArrayList<>())) {
            return local(found);
        }
        return new Resolution.Unknown();
    }

    /**
     * The accounts an alias leads to, following aliases only: no plus addressing, catch-all or
     * postmaster fallback. Empty when {@code key} is not an alias.
     */
    Map<Long, Account> aliasAccounts(StoreTx tx, String key) {
        Found found = new Found();
        if (!tx.directory().aliasTargets(key).isEmpty()) {
            expand(tx, key, 0, found, new ArrayList<>());
        }
        return found.accounts;
    }

    /** Runs read-only work on the store (for the policies of this package). */
    <T> T read(StoreWork<T> work) {
        return store.read(work);
    }

    String recipientDelimiter() {
        return recipientDelimiter;
    }

    private static Resolution local(Found found) {
        List<Account> enabled = found.accounts.values().stream().filter(Account::enabled).toList();
        if (enabled.isEmpty() && found.forwards.isEmpty()) {
            return new Resolution.Unknown();
        }
        return new Resolution.Local(enabled, List.copyOf(found.forwards.values()));
    }

    /**
     * A rewritten sender address of ours, as a bounce of forwarded mail comes back to: forwarded to
     * the sender it stands for while its signature is ours and fresh; unknown otherwise, like any
     * address nobody has (a forged one must not make this server relay).
     */
    private Resolution rewritten(MailAddress recipient) {
        Optional<String> original = rewriting.reverse(recipient.localPart());
        if (original.isEmpty()) {
            return new Resolution.Unknown();
        }
        try {
            return new Resolution.Local(List.of(), List.of(MailAddress.parse(original.get())));
        } catch (IllegalArgumentException e) {
            return new Resolution.Unknown();
        }
    }

    /** What an address leads to: accounts by id, and addresses in other domains by key, each once. */
    private static final class Found {
        final Map<Long, Account> accounts = new LinkedHashMap<>();
        final Map<String, MailAddress> forwards = new LinkedHashMap<>();
    }

    /**
     * Adds the accounts and the addresses elsewhere an address leads to; false when it leads
     * nowhere. An address of another domain (only an alias target can be one) is forwarded to.
     */
    private boolean expand(StoreTx tx, String address, int depth, Found found, List<String> path) {
        String key = lookupKey(address);
        if (depth > MAX_ALIAS_DEPTH || path.contains(key)) {
            return false;
        }
        path.add(key);
        boolean any = false;
        List<String> targets = tx.directory().aliasTargets(key);
        for (String target : targets) {
            if (lookupKey(target).equals(key)) {
                any |= addAccount(tx, key, found);
            } else {
                any |= expand(tx, target, depth + 1, found, path);
            }
        }
        if (targets.isEmpty()) {
            // an address's own domain is ours; only a target's may not be
            any = addAccount(tx, key, found) || (depth > 0 && addForward(tx, address, found));
        }
        path.remove(path.size() - 1);
        return any;
    }

    private static boolean addAccount(StoreTx tx, String key, Found found) {
        Optional<Rows.Account> row = tx.directory().account(key);
        row.ifPresent(r -> found.accounts.putIfAbsent(r.id(), toAccount(r)));
        return row.isPresent();
    }

    /** Adds an address of a domain that is not ours as a forward; false for one of ours (it leads nowhere). */
    private static boolean addForward(StoreTx tx, String target, Found found) {
        MailAddress address;
        try {
            address = MailAddress.parse(target);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (tx.directory().domain(address.asciiDomain()).isPresent()) {
            return false;
        }
        found.forwards.putIfAbsent(address.key(), address);
        return true;
    }

    /**
     * Refuses, as an alias target, an address of another domain that mail cannot be forwarded to:
     * an address literal (forwarding goes by the domain's MX records).
     */
    private static void checkForwardTarget(MailAddress target) {
        if (target.asciiDomain().startsWith("[")) {
            throw new DirectoryException("alias target " + target + " is an address literal; an alias forwards "
                    + "to local accounts or to addresses of other domains by name");
        }
    }

    // ---- helpers

    private static Rows.Domain requireDomain(StoreTx tx, String key) {
        return tx.directory().domain(key)
                .orElseThrow(() -> DirectoryException.notFound("no such domain: " + key + " (add it with `tern domain add " + key + "`)"));
    }

    private static Rows.Account requireAccount(StoreTx tx, String key) {
        return tx.directory().account(key).orElseThrow(() -> DirectoryException.notFound("no such account: " + key));
    }

    private static Account toAccount(Rows.Account r) {
        return new Account(r.id(), r.address(), r.display(), r.enabled(), r.quotaBytes(), r.sieveActive());
    }

    private static MailAddress parse(String address) {
        try {
            return MailAddress.parse(address.strip());
        } catch (IllegalArgumentException e) {
            throw new DirectoryException("\"" + address + "\" is not a valid address: " + e.getMessage());
        }
    }

    /**
     * A domain name as stored: lower case, A-labels, without a final dot.
     *
     * @throws DirectoryException when it is not a valid domain name
     */
    public static String domainKey(String name) {
        // strip(), not trim(): trim() also drops control characters such as NUL, which would
        // turn "\0evil.test" into a name that was never given.
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.isEmpty()) {
            throw new DirectoryException("a domain name is needed");
        }
        try {
            MailAddress.parse("x@" + n);
        } catch (IllegalArgumentException e) {
            throw new DirectoryException("\"" + name + "\" is not a valid domain name: " + e.getMessage());
        }
        return MailAddress.toAsciiDomain(n);
    }

    /**
     * Refuses a new domain that is an IP address. Mail can be addressed to an address literal
     * ({@code user@[192.0.2.1]}, RFC 5321 §4.1.3) and a name of digits and dots passes the syntax
     * of a domain, so {@link #domainKey} takes both, for lookups; but a local domain needs MX,
     * SPF, DKIM and DMARC records, which an address cannot have. A top-level domain is never all
     * digits (RFC 3696 §2), so a name whose last label is digits is an address, however written.
     * Only additions are refused: a domain added before stays reachable, to be deleted.
     */
    private static void requireDomainName(String key, String given) {
        if (key.startsWith("[")) {
            throw new DirectoryException("\"" + given.trim() + "\" is an address literal, not a domain name: "
                    + "a mail domain is a name such as example.org");
        }
        String last = key.substring(key.lastIndexOf('.') + 1);
        if (last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new DirectoryException("\"" + given.trim() + "\" is not a domain name: its last label is all "
                    + "digits, as in an IP address; a mail domain is a name such as example.org");
        }
    }

    private static void checkPassword(String password) {
        if (password == null || password.isEmpty()) {
            throw new DirectoryException("the password is empty");
        }
    }
}
