package dev.tern.store;

import java.time.Instant;
import java.util.List;

/** The rows of the metadata store, as plain values. Domain packages build their models on them. */
public final class Rows {

    private Rows() {
    }

    public record Domain(long id, String name, String catchAll, Instant createdAt) {
    }

    public record Account(long id, String address, String display, long domainId, String passwordHash,
                          boolean enabled, Instant createdAt) {
    }

    /**
     * The secrets of an account's SASL mechanisms other than its password hash; each null when unset.
     *
     * @param scramSha256 SCRAM-SHA-256 salt, iteration count, StoredKey and ServerKey, encoded as one string
     * @param cramMd5     the precomputed HMAC-MD5 states of the password (password-equivalent)
     */
    public record AccountSecrets(long accountId, String scramSha256, String cramMd5) {
    }

    public record Alias(String address, String target) {
    }

    /**
     * A permission for an account to send as other addresses.
     *
     * @param account the account's address (lookup key)
     * @param pattern an address lookup key, or {@code @domain} for every address of a domain
     */
    public record SendAs(long accountId, String account, String pattern, Instant createdAt) {
    }

    /**
     * A DKIM signing key of a domain.
     *
     * @param algorithm  the signature algorithm, as in the {@code a=} tag: rsa-sha256 or ed25519-sha256
     * @param privateKey the private key, PKCS#8 DER in base64; {@link #toString()} leaves it out
     * @param publicKey  the public key as published in DNS ({@code p=}), base64
     */
    public record DkimKey(long domainId, String selector, String algorithm, String privateKey, String publicKey,
                          Instant createdAt) {
        @Override
        public String toString() {
            return "DkimKey[domainId=" + domainId + ", selector=" + selector + ", algorithm=" + algorithm
                    + ", createdAt=" + createdAt + "]";
        }
    }

    public record QueuedMessage(String id, String blobId, String sender, long size, String bodyType,
                                boolean smtpUtf8, String dsnRet, String dsnEnvId, String clientAddress,
                                String clientHelo, String authUser, String listener, Instant receivedAt,
                                boolean held) {
    }

    /**
     * A recipient of a queued message, with its delivery state: queued, inflight (being delivered;
     * {@code nextAttemptAt} is when that lease runs out), deferred, delivered, bounced or expired.
     *
     * @param warned its sender has been told that delivery is delayed
     */
    public record QueueRecipient(long id, String messageId, String address, String dsnNotify, String dsnOrcpt,
                                 String state, int attempts, Instant nextAttemptAt, String lastError, boolean warned) {

        /** True for the states of a recipient still to be delivered. */
        public static boolean isWaiting(String state) {
            return state.equals("queued") || state.equals("deferred") || state.equals("inflight");
        }
    }

    /** A new recipient to insert with its message. */
    public record NewRecipient(String address, String dsnNotify, String dsnOrcpt) {
    }

    /** A queued message with the recipients still waiting, for `queue list`. */
    public record QueueSummary(QueuedMessage message, List<QueueRecipient> recipients) {
    }

    /**
     * A mailbox of an account.
     *
     * @param selectable false for a mailbox kept only as the parent of others (IMAP \Noselect)
     */
    public record Mailbox(long id, long accountId, String name, long uidValidity, long uidNext,
                          long highestModSeq, String specialUse, boolean selectable) {
    }

    /**
     * A message in a mailbox.
     *
     * @param systemFlags the RFC 3501 system flags as bits (\Seen 1, \Answered 2, \Flagged 4, \Deleted 8, \Draft 16)
     * @param keywords    the keywords, space-separated; empty when none
     */
    public record Message(long id, long mailboxId, long uid, String blobId, String headerPrefix, long size,
                          Instant internalDate, int systemFlags, String keywords, long modSeq) {
    }

    /** A message's new flags, as written by a flag change. */
    public record FlagUpdate(long messageId, int systemFlags, String keywords) {
    }

    /** An expunged message: its UID and the MODSEQ of the expunge. */
    public record Expunged(long uid, long modSeq) {
    }

    /**
     * A greylisting triplet (RFC 6647 §4.2).
     *
     * @param clientNetwork the client's network in CIDR form, e.g. {@code 192.0.2.0/24}
     * @param sender        the envelope sender, lower case; empty for the null reverse-path
     * @param recipient     the envelope recipient, lower case
     * @param firstSeen     the start of the current greylisting round: the first attempt, or the first
     *                      after the previous round's retry window ran out
     * @param lastSeen      for a passed triplet, its last use; else the same as {@code firstSeen}
     * @param passed        the sender retried after the delay: mail with this triplet is accepted
     */
    public record GreylistTriplet(String clientNetwork, String sender, String recipient, Instant firstSeen,
                                  Instant lastSeen, boolean passed) {
    }

    /**
     * A client network with triplets that passed greylisting, for the automatic allow list.
     *
     * @param passedTriplets how many triplets of this network passed since the count last expired
     * @param lastSeen       its last pass, or last mail accepted because of the count
     */
    public record GreylistNetwork(String clientNetwork, int passedTriplets, Instant lastSeen) {
    }

    /** The counts of a mailbox's STATUS that come from its messages. */
    public record MailboxCounts(long messages, long unseen, long deleted, long size) {
    }
}
