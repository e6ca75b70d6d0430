package dev.tern.credentials;

import dev.tern.directory.CramMd5Secret;
import dev.tern.directory.Credentials;
import dev.tern.directory.Directory;
import dev.tern.directory.DirectoryException;
import dev.tern.directory.PasswordHasher;
import dev.tern.directory.ScramSecret;
import dev.tern.directory.VisibleLocalParts;
import dev.tern.mail.MailAddress;
import dev.tern.mail.SenderScope;
import dev.tern.security.ratelimit.RateLimiter;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * SMTP credentials of applications: logins that may submit mail (on 587 and 465, with every SASL
 * mechanism accounts have) but own no mailbox, limited to a sender scope and optionally to a rate.
 *
 * <p>The secret is random (186 bits), shown once, and kept the way account passwords are
 * (docs/adr/0003-stored-secrets.md): an Argon2id hash for PLAIN and LOGIN, SCRAM-SHA-256 keys,
 * and CRAM-MD5 states only when asked for. A revoked credential stays listed with its history; it
 * fails authentication like a wrong password, and a session that authenticated before the
 * revocation is refused at its next MAIL.
 *
 * <p>Usage (messages sent, last use) is counted in memory per message and written to the store in
 * one transaction by {@link #flushUsage()}, which the server calls every few seconds and at stop:
 * no write per message, at the price of losing the last seconds of counts if the process dies.
 * {@link #list} and {@link #credential} include what is not written yet.
 *
 * <p>Rate limits are token buckets in memory, one per credential, in the process that enforces
 * them; they start full after a restart. Calls that touch the store block.
 */
public final class SmtpCredentials {

    private static final char[] SECRET_ALPHABET =
            "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    static final int SECRET_LENGTH = 32;
    private static final char[] NAME_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    static final int NAME_LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MetadataStore store;
    private final String recipientDelimiter;
    private final Clock clock;
    private final Map<String, RateLimiter<String>> limiters = new ConcurrentHashMap<>();
    private final Map<String, Usage> pending = new ConcurrentHashMap<>();

    /** Messages sent and not yet written to the store. */
    private record Usage(long messages, Instant lastUsed) {
        Usage plus(Usage other) {
            return new Usage(messages + other.messages, lastUsed.isAfter(other.lastUsed) ? lastUsed : other.lastUsed);
        }
    }

    /** @param recipientDelimiter the plus-addressing separator ("" for none): a scope address covers its tagged forms */
    public SmtpCredentials(MetadataStore store, String recipientDelimiter, Clock clock) {
        this.store = store;
        this.recipientDelimiter = recipientDelimiter;
        this.clock = clock;
    }

    // ---- administration

    /** Makes a credential; its secret is in the answer and nowhere else. */
    public NewSmtpCredential create(CredentialRequest request) {
        String domain = Directory.domainKey(request.domain());
        SenderScope scope;
        try {
            scope = request.senders().isEmpty() ? new SenderScope(List.of("@" + domain)) : SenderScope.of(request.senders());
        } catch (IllegalArgumentException e) {
            throw new DirectoryException(e.getMessage());
        }
        String secret = random(SECRET_ALPHABET, SECRET_LENGTH);
        String hash = PasswordHasher.hash(secret);
        String scram = ScramSecret.create(secret).encode();
        String cram = request.cramMd5() ? CramMd5Secret.create(secret).encode() : null;
        String rate = request.rate() == null ? null : request.rate().toString();
        Instant now = clock.instant();
        Rows.SmtpCredential row = store.writeAndWait(tx -> {
            Rows.Domain d = requireDomain(tx, domain);
            for (String other : scope.domains()) {
                if (tx.directory().domain(other).isEmpty()) {
                    throw new DirectoryException("sender domain " + other + " is not a local domain; "
                            + "credentials send for domains of this server only");
                }
            }
            String name = request.name() == null ? null : name(request.name(), domain);
            for (int attempt = 0; ; attempt++) {
                String candidate = name != null ? name : "app-" + random(NAME_ALPHABET, NAME_LENGTH) + "@" + domain;
                String taken = taken(tx, candidate);
                if (taken == null) {
                    Rows.SmtpCredential r = new Rows.SmtpCredential(candidate, d.id(), d.name(), scope.format(), rate,
                            hash, scram, cram, now, null, null, 0);
                    if (tx.smtpCredentials().insert(r)) {
                        return r;
                    }
                    taken = "an SMTP credential";
                }
                if (name != null || attempt == 5) {
                    throw DirectoryException.conflict(candidate + " is already " + taken);
                }
            }
        });
        return new NewSmtpCredential(view(row), secret);
    }

    /** Credentials of one local domain, or of all; revoked ones too. */
    public List<SmtpCredential> list(String domainOrNull) {
        List<Rows.SmtpCredential> rows = store.read(tx -> {
            Long domainId = domainOrNull == null ? null : requireDomain(tx, Directory.domainKey(domainOrNull)).id();
            return tx.smtpCredentials().credentials(domainId);
        });
        return rows.stream().map(this::view).toList();
    }

    public Optional<SmtpCredential> credential(String name) {
        String key = key(name);
        if (key == null) {
            return Optional.empty();
        }
        return store.read(tx -> tx.smtpCredentials().credential(key)).map(this::view);
    }

    /** Revokes a credential: it can no longer authenticate, and sessions that did are refused at MAIL. */
    public SmtpCredential revoke(String name) {
        String key = key(name);
        Instant now = clock.instant();
        Rows.SmtpCredential row = store.writeAndWait(tx -> {
            Rows.SmtpCredential r = key == null ? null : tx.smtpCredentials().credential(key).orElse(null);
            if (r == null) {
                throw DirectoryException.notFound("no such SMTP credential: " + name);
            }
            if (!tx.smtpCredentials().revoke(key, now)) {
                throw DirectoryException.conflict("SMTP credential " + key + " was revoked already, at " + r.revokedAt());
            }
            return tx.smtpCredentials().credential(key).orElseThrow();
        });
        limiters.remove(row.name());
        return view(row);
    }

    // ---- authentication and submission

    /**
     * What a login name may be checked against when it names a credential (for the SASL
     * mechanisms; {@link dev.tern.auth.CredentialLookup}); a revoked credential is found disabled.
     * A secret that cannot be read counts as absent.
     */
    public Optional<Credentials> find(String login) {
        String key = key(login);
        if (key == null) {
            return Optional.empty();
        }
        return store.read(tx -> tx.smtpCredentials().credential(key)).map(r -> new Credentials(0, r.name(),
                r.revokedAt() == null, r.passwordHash(), readSecret(r.scramSha256(), ScramSecret::parse),
                readSecret(r.cramMd5(), CramMd5Secret::parse), SenderScope.parse(r.senders())));
    }

    /**
     * At MAIL FROM of a session authenticated with a credential: is it still valid, is the sender
     * in its scope (and its domain still local), and does its rate allow one more message? A
     * permit takes one message from the rate; a refusal takes nothing.
     *
     * @param scope  the scope the session authenticated with
     * @param sender the envelope sender, or null for {@code <>} (allowed: its From: is checked)
     */
    public SendPermit checkSender(String name, SenderScope scope, MailAddress sender) {
        Optional<Rows.SmtpCredential> row = store.read(tx -> tx.smtpCredentials().credential(name));
        if (row.isEmpty() || row.get().revokedAt() != null) {
            return new SendPermit(SendPermit.Outcome.REVOKED, "SMTP credential " + name + " has been revoked");
        }
        if (sender != null) {
            SendPermit inScope = checkAddress(name, scope, sender, "<" + sender + ">: Sender address rejected");
            if (!inScope.allowed()) {
                return inScope;
            }
        }
        String rate = row.get().rateLimit();
        if (rate != null) {
            SendRate r = SendRate.parse(rate);
            RateLimiter<String> limiter = limiters.computeIfAbsent(name, n -> new RateLimiter<>(r.toRate(), 1, System::nanoTime));
            if (!limiter.tryAcquire(name)) {
                Duration wait = limiter.retryAfter(name);
                return new SendPermit(SendPermit.Outcome.RATE_LIMITED, "Rate limit of " + name + " reached ("
                        + r.describe() + "), try again in " + Math.max(1, wait.toSeconds()) + "s");
            }
        }
        return new SendPermit(SendPermit.Outcome.ALLOWED, "sent by " + name + " in its scope");
    }

    /** After DATA: are the From: addresses in the credential's scope? */
    public SendPermit checkFrom(String name, SenderScope scope, List<MailAddress> from) {
        for (MailAddress a : from) {
            SendPermit p = checkAddress(name, scope, a, "<" + a + ">: From: header address rejected");
            if (!p.allowed()) {
                return p;
            }
        }
        return new SendPermit(SendPermit.Outcome.ALLOWED, "From: in the scope of " + name);
    }

    private SendPermit checkAddress(String name, SenderScope scope, MailAddress address, String refusal) {
        if (!scope.allows(address, recipientDelimiter)) {
            return new SendPermit(SendPermit.Outcome.OUT_OF_SCOPE, refusal + ": not in the scope of SMTP credential " + name);
        }
        boolean local = store.read(tx -> tx.directory().domain(address.asciiDomain()).isPresent());
        if (!local) {
            return new SendPermit(SendPermit.Outcome.OUT_OF_SCOPE, refusal + ": " + address.asciiDomain()
                    + " is no longer a local domain");
        }
        return new SendPermit(SendPermit.Outcome.ALLOWED, "in scope");
    }

    /** Counts a message a credential sent (queued); written to the store by {@link #flushUsage()}. */
    public void messageSent(String name) {
        pending.merge(name, new Usage(1, clock.instant().truncatedTo(ChronoUnit.MILLIS)), Usage::plus);
    }

    /** Writes the counted usage to the store in one transaction; counts that fail to be written are kept for the next time. */
    public void flushUsage() {
        List<Map.Entry<String, Usage>> taken = new ArrayList<>();
        for (String name : List.copyOf(pending.keySet())) {
            Usage u = pending.remove(name);
            if (u != null) {
                taken.add(Map.entry(name, u));
            }
        }
        if (taken.isEmpty()) {
            return;
        }
        try {
            store.writeAndWait(tx -> {
                for (Map.Entry<String, Usage> e : taken) {
                    tx.smtpCredentials().addUsage(e.getKey(), e.getValue().messages(), e.getValue().lastUsed());
                }
                return null;
            });
        } catch (RuntimeException e) {
            for (Map.Entry<String, Usage> t : taken) {
                pending.merge(t.getKey(), t.getValue(), Usage::plus);
            }
            throw e;
        }
    }

    // ---- helpers

    private SmtpCredential view(Rows.SmtpCredential r) {
        long messages = r.messagesSent();
        Instant lastUsed = r.lastUsedAt();
        Usage u = pending.get(r.name());
        if (u != null) {
            messages += u.messages();
            lastUsed = lastUsed == null || u.lastUsed().isAfter(lastUsed) ? u.lastUsed() : lastUsed;
        }
        return new SmtpCredential(r.name(), r.domain(), SenderScope.parse(r.senders()),
                r.rateLimit() == null ? null : SendRate.parse(r.rateLimit()), r.cramMd5() != null, r.createdAt(),
                r.revokedAt(), lastUsed, messages);
    }

    /** A name as given: an address, or a local part of {@code domain}; as a lookup key. */
    private static String name(String given, String domain) {
        String text = given.trim();
        MailAddress name;
        try {
            name = MailAddress.parse(text.contains("@") ? text : text + "@" + domain);
        } catch (IllegalArgumentException e) {
            throw new DirectoryException("\"" + given + "\" is not a valid credential name: " + e.getMessage());
        }
        VisibleLocalParts.check(name);   // it shares the names of accounts and aliases, and logs in as they do
        return name.key();
    }

    /** What else has this name, or null when nothing. */
    private static String taken(StoreTx tx, String key) {
        MailAddress a = MailAddress.parse(key);
        if (tx.directory().domain(a.asciiDomain()).isEmpty()) {
            throw new DirectoryException("the name " + key + " is not in a local domain");
        }
        if (tx.directory().account(key).isPresent()) {
            return "an account";
        }
        if (!tx.directory().aliasTargets(key).isEmpty()) {
            return "an alias";
        }
        return tx.smtpCredentials().credential(key).isPresent() ? "an SMTP credential" : null;
    }

    private static String key(String name) {
        try {
            return MailAddress.parse(name.trim()).key();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Rows.Domain requireDomain(StoreTx tx, String key) {
        return tx.directory().domain(key)
                .orElseThrow(() -> DirectoryException.notFound("no such domain: " + key + " (add it with `tern domain add " + key + "`)"));
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

    private static String random(char[] alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet[RANDOM.nextInt(alphabet.length)]);
        }
        return out.toString();
    }
}
