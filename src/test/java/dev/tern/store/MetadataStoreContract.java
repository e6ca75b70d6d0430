package dev.tern.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every metadata store must do. Each backend runs this suite through a subclass that says
 * how to open it.
 */
public abstract class MetadataStoreContract {

    protected MetadataStore store;

    protected abstract MetadataStore open() throws Exception;

    /** Opens the same store again, as after a restart. */
    protected abstract MetadataStore reopen() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = open();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private Rows.Account account(String address) {
        return store.writeAndWait(tx -> {
            long domainId = tx.directory().domain("example.test")
                    .orElseGet(() -> tx.directory().insertDomain("example.test", Instant.now())).id();
            return tx.directory().insertAccount(address, address, domainId, "hash", Instant.now());
        });
    }

    @Test
    void directoryRoundTrip() {
        Rows.Account a = account("alice@example.test");
        store.writeAndWait(tx -> {
            tx.directory().insertAlias("info@example.test", "alice@example.test", a.domainId());
            tx.directory().insertAlias("info@example.test", "alice@example.test", a.domainId()); // duplicate: ignored
            return null;
        });
        store.read(tx -> {
            assertThat(tx.directory().domains()).extracting(Rows.Domain::name).containsExactly("example.test");
            assertThat(tx.directory().account("alice@example.test")).get().extracting(Rows.Account::id).isEqualTo(a.id());
            assertThat(tx.directory().aliasTargets("info@example.test")).containsExactly("alice@example.test");
            assertThat(tx.directory().countAccounts(a.domainId())).isEqualTo(1);
            assertThat(tx.directory().countAliases(a.domainId())).isEqualTo(1);
            return null;
        });
    }

    @Test
    void accessRulesAreReplacedListedInOrderAndRemoved() {
        Instant t = Instant.parse("2026-12-02T10:00:00Z");
        store.writeAndWait(tx -> {
            tx.accessRules().put(new Rows.AccessRule("203.0.113.0/24", "client", "reject", "spam run", t, null));
            tx.accessRules().put(new Rows.AccessRule("example.org", "sender", "allow", null, t, null));
            tx.accessRules().put(new Rows.AccessRule("203.0.113.0/24", "client", "allow", "partner", t.plusSeconds(5),
                    t.plusSeconds(3600)));
            tx.accessRules().put(new Rows.AccessRule("198.51.100.0/24", "client", "reject", null, t, t.plusSeconds(60)));
            return null;
        });
        List<Rows.AccessRule> rules = store.read(tx -> tx.accessRules().all(t));
        assertThat(rules).containsExactly(
                new Rows.AccessRule("198.51.100.0/24", "client", "reject", null, t, t.plusSeconds(60)),
                new Rows.AccessRule("203.0.113.0/24", "client", "allow", "partner", t.plusSeconds(5), t.plusSeconds(3600)),
                new Rows.AccessRule("example.org", "sender", "allow", null, t, null));
        List<Rows.AccessRule> later = store.read(tx -> tx.accessRules().all(t.plusSeconds(60)));
        assertThat(later).as("expired rules are not read").extracting(Rows.AccessRule::pattern)
                .containsExactly("203.0.113.0/24", "example.org");
        int early = store.writeAndWait(tx -> tx.accessRules().purgeExpired(t.plusSeconds(59)));
        int due = store.writeAndWait(tx -> tx.accessRules().purgeExpired(t.plusSeconds(60)));
        assertThat(List.of(early, due)).containsExactly(0, 1);
        boolean deleted = store.writeAndWait(tx -> tx.accessRules().delete("example.org"));
        boolean again = store.writeAndWait(tx -> tx.accessRules().delete("example.org"));
        assertThat(List.of(deleted, again)).containsExactly(true, false);
        List<Rows.AccessRule> left = store.read(tx -> tx.accessRules().all(t));
        assertThat(left).extracting(Rows.AccessRule::pattern).containsExactly("203.0.113.0/24");
    }

    @Test
    void suppressionsAreReplacedListedInOrderExpireAndArePurged() {
        Instant t = Instant.parse("2026-11-20T10:00:00Z");
        store.writeAndWait(tx -> {
            tx.suppressions().put(new Rows.Suppression("b@one.test", "one.test", "bounce", "5.1.1", "550 5.1.1 no", "Q1",
                    t, t.plusSeconds(60)));
            tx.suppressions().put(new Rows.Suppression("a@one.test", "one.test", "manual", null, null, null, t, null));
            tx.suppressions().put(new Rows.Suppression("c@two.test", "two.test", "bounce", "5.2.1", "550 5.2.1", "Q2", t, null));
            // the same address again replaces its entry
            tx.suppressions().put(new Rows.Suppression("b@one.test", "one.test", "bounce", "5.1.10", "550 5.1.10 gone", "Q3",
                    t, t.plusSeconds(120)));
            return null;
        });
        store.read(tx -> {
            Rows.Suppression b = tx.suppressions().find("b@one.test", t).orElseThrow();
            assertThat(b).isEqualTo(new Rows.Suppression("b@one.test", "one.test", "bounce", "5.1.10", "550 5.1.10 gone",
                    "Q3", t, t.plusSeconds(120)));
            assertThat(tx.suppressions().find("a@one.test", t).orElseThrow().expiresAt()).isNull();
            assertThat(tx.suppressions().find("b@one.test", t.plusSeconds(120))).as("expired").isEmpty();
            assertThat(tx.suppressions().list(null, null, 10, t)).extracting(Rows.Suppression::address)
                    .containsExactly("a@one.test", "b@one.test", "c@two.test");
            assertThat(tx.suppressions().list("one.test", "a@one.test", 10, t)).extracting(Rows.Suppression::address)
                    .containsExactly("b@one.test");
            assertThat(tx.suppressions().list(null, null, 2, t.plusSeconds(120))).extracting(Rows.Suppression::address)
                    .containsExactly("a@one.test", "c@two.test");
            assertThat(tx.suppressions().count(t)).isEqualTo(3);
            assertThat(tx.suppressions().count(t.plusSeconds(120))).as("the expired one not counted").isEqualTo(2);
            return null;
        });
        int early = store.writeAndWait(tx -> tx.suppressions().purgeExpired(t.plusSeconds(119)));
        int due = store.writeAndWait(tx -> tx.suppressions().purgeExpired(t.plusSeconds(120)));
        assertThat(List.of(early, due)).containsExactly(0, 1);
        boolean deleted = store.writeAndWait(tx -> tx.suppressions().delete("a@one.test"));
        boolean again = store.writeAndWait(tx -> tx.suppressions().delete("a@one.test"));
        int ofDomain = store.writeAndWait(tx -> tx.suppressions().deleteDomain("two.test"));
        assertThat(List.of(deleted, again)).containsExactly(true, false);
        assertThat(ofDomain).isEqualTo(1);
        List<Rows.Suppression> left = store.read(tx -> tx.suppressions().list(null, null, 10, t));
        assertThat(left).isEmpty();
    }

    @Test
    void sendAsPermissionsRoundTripAndGoWithTheirAccount() {
        Rows.Account a = account("dora@example.test");
        Rows.Account b = account("eve@example.test");
        store.writeAndWait(tx -> {
            assertThat(tx.directory().insertSendAs(a.id(), "@other.test", Instant.now())).isTrue();
            assertThat(tx.directory().insertSendAs(a.id(), "@other.test", Instant.now())).isFalse();
            assertThat(tx.directory().insertSendAs(a.id(), "boss@example.test", Instant.now())).isTrue();
            assertThat(tx.directory().insertSendAs(b.id(), "@other.test", Instant.now())).isTrue();
            return null;
        });
        store.read(tx -> {
            assertThat(tx.directory().sendAs(a.id())).extracting(Rows.SendAs::pattern)
                    .containsExactly("@other.test", "boss@example.test");
            assertThat(tx.directory().sendAs(null)).extracting(r -> r.account() + " " + r.pattern())
                    .containsExactly("dora@example.test @other.test", "dora@example.test boss@example.test",
                            "eve@example.test @other.test");
            return null;
        });
        store.writeAndWait(tx -> {
            assertThat(tx.directory().deleteSendAs(a.id(), "boss@example.test")).isTrue();
            assertThat(tx.directory().deleteSendAs(a.id(), "boss@example.test")).isFalse();
            return tx.directory().deleteAccount(a.id());
        });
        List<Rows.SendAs> left = store.read(tx -> tx.directory().sendAs(null));
        assertThat(left).extracting(Rows.SendAs::account).containsExactly("eve@example.test");
    }

    @Test
    void accountSecretsAreSetAndRemoved() {
        Rows.Account a = account("sasl@example.test");
        var none = store.read(tx -> tx.directory().secrets(a.id()));
        assertThat(none).contains(new Rows.AccountSecrets(a.id(), null, null));
        store.writeAndWait(tx -> tx.directory().updateSecrets(a.id(), "SCRAM-SHA-256$x", "{CRAM-MD5}y"));
        var both = store.read(tx -> tx.directory().secrets(a.id()));
        assertThat(both).contains(new Rows.AccountSecrets(a.id(), "SCRAM-SHA-256$x", "{CRAM-MD5}y"));
        store.writeAndWait(tx -> tx.directory().updateSecrets(a.id(), "SCRAM-SHA-256$z", null));
        var scramOnly = store.read(tx -> tx.directory().secrets(a.id()));
        assertThat(scramOnly).contains(new Rows.AccountSecrets(a.id(), "SCRAM-SHA-256$z", null));
        var missing = store.read(tx -> tx.directory().secrets(a.id() + 1000));
        assertThat(missing).isEmpty();
        boolean updated = store.writeAndWait(tx -> tx.directory().updateSecrets(a.id() + 1000, null, null));
        assertThat(updated).isFalse();
    }

    @Test
    void uniqueAddressesAreEnforced() {
        account("bob@example.test");
        assertThatThrownBy(() -> account("bob@example.test")).isInstanceOf(StoreException.class);
    }

    @Test
    void quotaIsSetClearedAndReadBack() {
        Rows.Account a = account("quota@example.test");
        assertThat(a.quotaBytes()).isNull();
        assertThat(store.read(tx -> tx.directory().account(a.id())).orElseThrow().quotaBytes()).isNull();
        assertThat((Object) store.writeAndWait(tx -> tx.directory().setQuota(a.id(), 5_000_000_000L))).isEqualTo(true);
        assertThat(store.read(tx -> tx.directory().account("quota@example.test")).orElseThrow().quotaBytes())
                .isEqualTo(5_000_000_000L);
        assertThat(store.read(tx -> tx.directory().accounts(null)).get(0).quotaBytes()).isEqualTo(5_000_000_000L);
        assertThat((Object) store.writeAndWait(tx -> tx.directory().setQuota(a.id(), null))).isEqualTo(true);
        assertThat(store.read(tx -> tx.directory().account(a.id())).orElseThrow().quotaBytes()).isNull();
        assertThat((Object) store.writeAndWait(tx -> tx.directory().setQuota(a.id() + 1000, 1L))).isEqualTo(false);
    }

    @Test
    void usageSumsTheMessagesOfAllTheAccountsMailboxesAndNoOthers() {
        Rows.Account a = account("usage@example.test");
        Rows.Account other = account("usage2@example.test");
        assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(a.id()))).isEqualTo(0L);
        Rows.Mailbox inbox = store.writeAndWait(tx -> tx.mailboxes().create(a.id(), "INBOX", null, 1));
        Rows.Mailbox sent = store.writeAndWait(tx -> tx.mailboxes().create(a.id(), "Sent", null, 2));
        Rows.Mailbox theirs = store.writeAndWait(tx -> tx.mailboxes().create(other.id(), "INBOX", null, 3));
        store.writeAndWait(tx -> {
            tx.blobs().insert("U1", 10, 0);
            tx.mailboxes().append(inbox.id(), "U1", "", 100, Instant.now(), 0, "");
            tx.mailboxes().append(inbox.id(), "U1", "", 250, Instant.now(), 0, "");
            tx.mailboxes().append(sent.id(), "U1", "", 4_000_000_000L, Instant.now(), 0, "");
            tx.mailboxes().append(theirs.id(), "U1", "", 7, Instant.now(), 0, "");
            return null;
        });
        assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(a.id()))).isEqualTo(4_000_000_350L);
        assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(other.id()))).isEqualTo(7L);
        store.writeAndWait(tx -> tx.mailboxes().expunge(inbox.id(), List.of(1L), tx.mailboxes().nextModSeq(inbox.id())));
        assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(a.id()))).isEqualTo(4_000_000_250L);
        // UID 1 again (gone) and UID 9 (never there) take nothing off.
        store.writeAndWait(tx -> tx.mailboxes().expunge(inbox.id(), List.of(1L, 9L), tx.mailboxes().nextModSeq(inbox.id())));
        assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(a.id()))).isEqualTo(4_000_000_250L);
        assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(other.id()))).isEqualTo(7L);
    }

    @Test
    void deletedUidsAreThoseFlaggedDeletedInThatMailboxInOrder() {
        Rows.Account a = account("deleted@example.test");
        Rows.Mailbox inbox = store.writeAndWait(tx -> tx.mailboxes().create(a.id(), "INBOX", null, 1));
        Rows.Mailbox other = store.writeAndWait(tx -> tx.mailboxes().create(a.id(), "Other", null, 2));
        int deleted = 8;
        int seen = 1;
        store.writeAndWait(tx -> {
            tx.blobs().insert("D1", 10, 0);
            tx.mailboxes().append(inbox.id(), "D1", "", 1, Instant.now(), seen, "");                 // 1
            tx.mailboxes().append(inbox.id(), "D1", "", 1, Instant.now(), deleted | seen, "");       // 2
            tx.mailboxes().append(inbox.id(), "D1", "", 1, Instant.now(), 0, "");                    // 3
            tx.mailboxes().append(inbox.id(), "D1", "", 1, Instant.now(), deleted, "");              // 4
            tx.mailboxes().append(other.id(), "D1", "", 1, Instant.now(), deleted, "");              // 1 elsewhere
            return null;
        });
        List<Long> before = store.read(tx -> tx.mailboxes().deletedUids(inbox.id()));
        assertThat(before).containsExactly(2L, 4L);
        store.writeAndWait(tx -> {
            List<Rows.Message> m = tx.mailboxes().messages(inbox.id());
            tx.mailboxes().updateFlags(inbox.id(), List.of(new Rows.FlagUpdate(m.get(0).id(), seen, deleted, ""),
                    new Rows.FlagUpdate(m.get(3).id(), deleted, 0, "")), tx.mailboxes().nextModSeq(inbox.id()));
            return null;
        });
        List<Long> after = store.read(tx -> tx.mailboxes().deletedUids(inbox.id()));
        assertThat(after).containsExactly(1L, 2L);
        // 1 \Deleted, 2 \Deleted \Seen, 3 and 4 nothing.
        assertCountsAsRecounted(inbox.id(), new Rows.MailboxCounts(4, 3, 2, 4));
        store.writeAndWait(tx -> tx.mailboxes().expunge(inbox.id(), List.of(2L, 3L), tx.mailboxes().nextModSeq(inbox.id())));
        assertCountsAsRecounted(inbox.id(), new Rows.MailboxCounts(2, 2, 1, 2));
        assertCountsAsRecounted(other.id(), new Rows.MailboxCounts(1, 1, 1, 1));
        List<Long> elsewhere = store.read(tx -> tx.mailboxes().deletedUids(other.id()));
        assertThat(elsewhere).containsExactly(1L);
    }

    /** The counts a mailbox keeps are {@code expected}, and what counting its messages gives. */
    private void assertCountsAsRecounted(long mailboxId, Rows.MailboxCounts expected) {
        store.read(tx -> {
            List<Rows.Message> all = tx.mailboxes().messages(mailboxId);
            Rows.MailboxCounts recounted = new Rows.MailboxCounts(all.size(),
                    all.stream().filter(m -> (m.systemFlags() & 1) == 0).count(),
                    all.stream().filter(m -> (m.systemFlags() & 8) != 0).count(),
                    all.stream().mapToLong(Rows.Message::size).sum());
            assertThat(recounted).isEqualTo(expected);
            assertThat(tx.mailboxes().counts(mailboxId)).isEqualTo(expected);
            return null;
        });
    }

    @Test
    void usageFollowsMessagesDeletedInPiecesAcrossMailboxes() {
        Rows.Account a = account("pieces@example.test");
        Rows.Account other = account("pieces2@example.test");
        Rows.Mailbox inbox = store.writeAndWait(tx -> tx.mailboxes().create(a.id(), "INBOX", null, 1));
        Rows.Mailbox archive = store.writeAndWait(tx -> tx.mailboxes().create(a.id(), "Archive", null, 2));
        Rows.Mailbox theirs = store.writeAndWait(tx -> tx.mailboxes().create(other.id(), "INBOX", null, 3));
        store.writeAndWait(tx -> {
            tx.blobs().insert("P1", 10, 0);
            for (int i = 1; i <= 5; i++) {
                tx.mailboxes().append(inbox.id(), "P1", "", i, Instant.now(), 0, "");
                tx.mailboxes().append(archive.id(), "P1", "", 100 * i, Instant.now(), 0, "");
            }
            tx.mailboxes().append(theirs.id(), "P1", "", 42, Instant.now(), 0, "");
            return null;
        });
        assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(a.id()))).isEqualTo(1_515L);
        assertCountsAsRecounted(inbox.id(), new Rows.MailboxCounts(5, 5, 0, 15));
        assertCountsAsRecounted(archive.id(), new Rows.MailboxCounts(5, 5, 0, 1_500));
        List<String> first = store.writeAndWait(tx -> tx.mailboxes().deleteMessages(a.id(), 4));
        assertThat(first).hasSize(4).containsOnly("P1");
        long left = store.read(tx -> tx.mailboxes().messages(inbox.id()).stream().mapToLong(Rows.Message::size).sum()
                + tx.mailboxes().messages(archive.id()).stream().mapToLong(Rows.Message::size).sum());
        assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(a.id()))).isEqualTo(left);
        long inboxLeft = store.read(tx -> (long) tx.mailboxes().messages(inbox.id()).size());
        store.read(tx -> {
            assertThat(tx.mailboxes().counts(inbox.id()).messages()).isEqualTo(inboxLeft);
            assertThat(tx.mailboxes().counts(archive.id()).messages()).isEqualTo(6 - inboxLeft);
            return null;
        });
        List<String> rest = store.writeAndWait(tx -> tx.mailboxes().deleteMessages(a.id(), 100));
        assertThat(rest).hasSize(6);
        assertCountsAsRecounted(inbox.id(), new Rows.MailboxCounts(0, 0, 0, 0));
        assertCountsAsRecounted(theirs.id(), new Rows.MailboxCounts(1, 1, 0, 42));
        assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(a.id()))).isEqualTo(0L);
        assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(other.id()))).isEqualTo(42L);
    }

    private java.util.Map<Long, List<Long>> savedBefore(String specialUse, Instant cutoff, int limit) {
        return store.read(tx -> tx.mailboxes().savedBefore(specialUse, cutoff, limit));
    }

    @Test
    void messagesSavedBeforeACutoffAreFoundByTheSpecialUseOfTheirMailboxUpToTheLimit() {
        Rows.Account a = account("dora@example.test");
        Rows.Account b = account("emil@example.test");
        Rows.Mailbox trashA = store.writeAndWait(tx -> tx.mailboxes().create(a.id(), "Trash", "\\Trash", 1));
        Rows.Mailbox trashB = store.writeAndWait(tx -> tx.mailboxes().create(b.id(), "Deleted", "\\Trash", 1));
        Rows.Mailbox inbox = store.writeAndWait(tx -> tx.mailboxes().create(a.id(), "INBOX", null, 2));
        store.writeAndWait(tx -> {
            tx.blobs().insert("S1", 10, 0);
            return null;
        });
        Instant before = Instant.now().minusSeconds(1);
        for (Rows.Mailbox box : List.of(trashA, trashA, trashB, inbox)) {
            store.writeAndWait(tx -> tx.mailboxes().append(box.id(), "S1", "", 10, Instant.EPOCH, 0, ""));
        }
        Instant after = Instant.now().plusSeconds(1);
        assertThat(savedBefore("\\Trash", before, 10)).as("saved now, not at 1970")
                .isEmpty();
        assertThat(savedBefore("\\Trash", after, 10))
                .isEqualTo(java.util.Map.of(trashA.id(), List.of(1L, 2L), trashB.id(), List.of(1L)));
        assertThat(savedBefore("\\Trash", after, 2))
                .isEqualTo(java.util.Map.of(trashA.id(), List.of(1L, 2L)));
        assertThat(savedBefore("\\Junk", after, 10)).isEmpty();
    }

    @Test
    void appendsTakeAscendingUidsAndModseqs() {
        Rows.Account a = account("carol@example.test");
        Rows.Mailbox box = store.writeAndWait(tx -> tx.mailboxes().create(a.id(), "INBOX", null, 42));
        store.writeAndWait(tx -> {
            tx.blobs().insert("B1", 10, 0);
            return null;
        });
        List<Rows.Message> appended = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            appended.add(store.writeAndWait(tx -> tx.mailboxes().append(box.id(), "B1", "P: x\r\n", 16,
                    Instant.now(), 0, "")));
        }
        assertThat(appended).extracting(Rows.Message::uid).containsExactly(1L, 2L, 3L);
        assertThat(appended).extracting(Rows.Message::modSeq).isSorted().doesNotHaveDuplicates();
        Rows.Mailbox after = store.read(tx -> tx.mailboxes().mailbox(a.id(), "INBOX")).orElseThrow();
        assertThat(after.uidNext()).isEqualTo(4);
        assertThat(after.uidValidity()).isEqualTo(42);
        assertThat(after.highestModSeq()).isEqualTo(appended.get(2).modSeq());
    }

    @Test
    void concurrentWritesAllCommitAndAFailureUndoesOnlyItsOwnWork() {
        Rows.Account a = account("dave@example.test");
        Rows.Mailbox box = store.writeAndWait(tx -> tx.mailboxes().create(a.id(), "INBOX", null, 1));
        store.writeAndWait(tx -> {
            tx.blobs().insert("B2", 10, 0);
            return null;
        });
        List<CompletableFuture<Rows.Message>> writes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            final int n = i;
            writes.add(store.write(tx -> {
                Rows.Message m = tx.mailboxes().append(box.id(), "B2", "", 10, Instant.now(), 0, "");
                if (n % 10 == 0) {
                    throw new IllegalStateException("planned failure " + n);
                }
                return m;
            }));
        }
        int failed = 0;
        List<Long> uids = new ArrayList<>();
        for (CompletableFuture<Rows.Message> w : writes) {
            try {
                uids.add(w.join().uid());
            } catch (CompletionException e) {
                assertThat(e.getCause()).hasMessageStartingWith("planned failure");
                failed++;
            }
        }
        assertThat(failed).isEqualTo(30);
        List<Rows.Message> stored = store.read(tx -> tx.mailboxes().messages(box.id()));
        assertThat(stored).hasSize(270);
        assertThat(stored).extracting(Rows.Message::uid).containsExactlyInAnyOrderElementsOf(uids).doesNotHaveDuplicates();
    }

    @Test
    void dueRecipientsComeOldestFirstAcrossTheirStatesUpToTheLimit() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        List<Rows.QueueRecipient> all = store.writeAndWait(tx -> {
            tx.blobs().insert("DQ", 100, 3);
            List<Rows.QueueRecipient> out = new ArrayList<>();
            for (String id : List.of("DQ1", "DQ2", "DQH")) {
                out.addAll(tx.queue().insert(new Rows.QueuedMessage(id, "DQ", "s@example.org", 100, "8BITMIME", false,
                                null, null, null, null, null, "smtp", t0, false),
                        List.of(new Rows.NewRecipient(id + "a@example.test", null, null),
                                new Rows.NewRecipient(id + "b@example.test", null, null)), t0));
            }
            return out;
        });
        // DQ1a queued (t0), DQ1b deferred to t0+20s, DQ2a in flight with a lease to t0+10s,
        // DQ2b deferred to t0+5s; DQH's recipients are due but their message is held.
        store.writeAndWait(tx -> {
            tx.queue().defer(all.get(1).id(), t0.plusSeconds(20), "4.0.0 later", t0);
            tx.queue().lease(all.get(2).id(), t0.plusSeconds(10), t0);
            tx.queue().defer(all.get(3).id(), t0.plusSeconds(5), "4.0.0 later", t0);
            tx.queue().setHeld("DQH", true);
            return null;
        });
        java.util.function.BiFunction<Instant, Integer, List<String>> due = (now, limit) -> store.read(tx ->
                tx.queue().due(now, limit)).stream().map(Rows.QueueRecipient::address).toList();
        assertThat(due.apply(t0, 10)).containsExactly("DQ1a@example.test");
        assertThat(due.apply(t0.plusSeconds(30), 10)).containsExactly("DQ1a@example.test", "DQ2b@example.test",
                "DQ2a@example.test", "DQ1b@example.test");
        assertThat(due.apply(t0.plusSeconds(30), 3)).containsExactly("DQ1a@example.test", "DQ2b@example.test",
                "DQ2a@example.test");
        assertThat(due.apply(t0.plusSeconds(7), 1)).containsExactly("DQ1a@example.test");
    }

    @Test
    void queueRecipientsMoveThroughTheirStates() {
        Instant now = Instant.now();
        store.writeAndWait(tx -> {
            tx.blobs().insert("Q1", 100, 1);
            return tx.queue().insert(new Rows.QueuedMessage("Q1", "Q1", "s@example.org", 100, "8BITMIME", false,
                            "HDRS", "env-1", "192.0.2.1", "client.example", null, "smtp", now, false),
                    List.of(new Rows.NewRecipient("a@example.test", "FAILURE,SUCCESS", "rfc822;a@example.test"),
                            new Rows.NewRecipient("b@example.test", null, null)), now);
        });
        List<Rows.QueueRecipient> due = store.read(tx -> tx.queue().due(now, 10));
        assertThat(due).extracting(Rows.QueueRecipient::address).containsExactly("a@example.test", "b@example.test");
        assertThat(due.get(0).dsnNotify()).isEqualTo("FAILURE,SUCCESS");
        assertThat(due.get(0).dsnOrcpt()).isEqualTo("rfc822;a@example.test");

        long a = due.get(0).id();
        long b = due.get(1).id();
        var v1 = store.writeAndWait(tx -> tx.queue().finish(a, "delivered", "ok", now));
        assertThat(v1).isTrue();
        var v2 = store.writeAndWait(tx -> tx.queue().finish(a, "delivered", "again", now));
        assertThat(v2).isFalse();
        var v3 = store.writeAndWait(tx -> tx.queue().defer(b, now.plusSeconds(300), "4.4.1 later", now));
        assertThat(v3).isTrue();
        var v4 = store.read(tx -> tx.queue().due(now, 10));
        assertThat(v4).isEmpty();
        var v5 = store.read(tx -> tx.queue().due(now.plusSeconds(301), 10));
        assertThat(v5).extracting(Rows.QueueRecipient::id)
                .containsExactly(b);
        var v6 = store.read(tx -> tx.queue().waiting("Q1"));
        assertThat(v6).isEqualTo(1);
        var v7 = store.read(tx -> tx.queue().list(10));
        assertThat(v7).singleElement()
                .satisfies(s -> assertThat(s.recipients()).extracting(Rows.QueueRecipient::id).containsExactly(b));
        Rows.QueuedMessage m = store.read(tx -> tx.queue().message("Q1")).orElseThrow();
        assertThat(m.dsnRet()).isEqualTo("HDRS");
        assertThat(m.dsnEnvId()).isEqualTo("env-1");
        assertThat(m.bodyType()).isEqualTo("8BITMIME");

        var v8 = store.writeAndWait(tx -> tx.queue().delete("Q1"));
        assertThat(v8).isTrue();
        var v9 = store.read(tx -> tx.queue().message("Q1"));
        assertThat(v9).isEmpty();
    }

    private void queueMessage(String id, Instant receivedAt, String... recipients) {
        store.writeAndWait(tx -> {
            tx.blobs().insert(id, 10, 1);
            return tx.queue().insert(new Rows.QueuedMessage(id, id, "s@example.org", 10, "7BIT", false, null, null,
                            "192.0.2.1", "client.example", null, "smtp", receivedAt, false),
                    java.util.Arrays.stream(recipients).map(r -> new Rows.NewRecipient(r, null, null)).toList(),
                    receivedAt);
        });
    }

    @Test
    void aHeldMessageIsNotDueUntilReleased() {
        Instant now = Instant.now();
        queueMessage("H1", now, "a@example.test");
        var held = store.writeAndWait(tx -> tx.queue().setHeld("H1", true));
        assertThat(held).isTrue();
        var message = store.read(tx -> tx.queue().message("H1"));
        assertThat(message).hasValueSatisfying(m -> assertThat(m.held()).isTrue());
        var dueWhileHeld = store.read(tx -> tx.queue().due(now.plusSeconds(3600), 10));
        assertThat(dueWhileHeld).isEmpty();
        var listed = store.read(tx -> tx.queue().list(10));
        assertThat(listed).singleElement().satisfies(s -> assertThat(s.message().held()).isTrue());

        var released = store.writeAndWait(tx -> tx.queue().setHeld("H1", false));
        assertThat(released).isTrue();
        var dueAfterRelease = store.read(tx -> tx.queue().due(now, 10));
        assertThat(dueAfterRelease).extracting(Rows.QueueRecipient::address).containsExactly("a@example.test");
        var unknown = store.writeAndWait(tx -> tx.queue().setHeld("nope", true));
        assertThat(unknown).isFalse();
    }

    @Test
    void leasesPostponementAndWarningsOfRecipients() {
        Instant t0 = Instant.ofEpochMilli(System.currentTimeMillis() - 60_000);
        queueMessage("L1", t0, "a@example.test", "b@example.test");
        var all = store.read(tx -> tx.queue().due(t0, 10));
        Instant leaseEnd = t0.plusSeconds(1800);
        var leased = store.writeAndWait(tx -> tx.queue().lease(all.get(0).id(), leaseEnd, t0));
        assertThat(leased).isTrue();
        var inFlight = store.read(tx -> tx.queue().recipient(all.get(0).id())).orElseThrow();
        assertThat(inFlight.state()).isEqualTo("inflight");
        List<Rows.QueueRecipient> dueDuringLease = store.read(tx -> tx.queue().due(t0.plusSeconds(10), 10));
        assertThat(dueDuringLease).extracting(Rows.QueueRecipient::address)
                .containsExactly("b@example.test");                       // in flight: not due until the lease ends
        List<Rows.QueueRecipient> dueAfterLease = store.read(tx -> tx.queue().due(leaseEnd, 10));
        assertThat(dueAfterLease).hasSize(2);
        int waiting = store.read(tx -> tx.queue().waiting("L1"));
        assertThat(waiting).isEqualTo(2);
        var postponed = store.writeAndWait(tx -> tx.queue().postpone(all.get(0).id(), t0.plusSeconds(5)));
        assertThat(postponed).isFalse();                                   // a lease is never cut short
        var moved = store.writeAndWait(tx -> tx.queue().postpone(all.get(1).id(), t0.plusSeconds(30)));
        assertThat(moved).isTrue();
        var b = store.read(tx -> tx.queue().recipient(all.get(1).id())).orElseThrow();
        assertThat(b.attempts()).isZero();
        assertThat(b.nextAttemptAt()).isEqualTo(t0.plusSeconds(30));
        store.writeAndWait(tx -> {
            tx.queue().markWarned(all.get(1).id());
            return null;
        });
        Rows.QueueRecipient warned = store.read(tx -> tx.queue().recipient(all.get(1).id())).orElseThrow();
        assertThat(warned.warned()).isTrue();
        var released = store.writeAndWait(tx -> tx.queue().releaseLeases(t0.plusSeconds(1)));
        assertThat(released).isEqualTo(1);
        Rows.QueueRecipient again = store.read(tx -> tx.queue().recipient(all.get(0).id())).orElseThrow();
        assertThat(again.state()).isEqualTo("deferred");
    }

    @Test
    void aLeaseIsTakenOnceUntilItExpiresAndIsRenewedOrGivenBack() {
        Instant t0 = Instant.ofEpochMilli(System.currentTimeMillis() - 60_000);
        queueMessage("LX", t0, "a@example.test");
        long id = store.read(tx -> tx.queue().due(t0, 10)).get(0).id();
        Instant end = t0.plusSeconds(60);
        var first = store.writeAndWait(tx -> tx.queue().lease(id, end, t0));
        var second = store.writeAndWait(tx -> tx.queue().lease(id, end.plusSeconds(60), t0.plusSeconds(1)));
        assertThat(first).isTrue();
        assertThat(second).isFalse();                           // held by someone else until it expires

        var renewed = store.writeAndWait(tx -> tx.queue().renewLeases(List.of(id, 999_999L), t0.plusSeconds(120)));
        assertThat(renewed).isEqualTo(1);
        var atOldEnd = store.writeAndWait(tx -> tx.queue().lease(id, t0.plusSeconds(200), end));
        assertThat(atOldEnd).isFalse();                         // the renewal moved the end
        var afterExpiry = store.writeAndWait(tx -> tx.queue().lease(id, t0.plusSeconds(300), t0.plusSeconds(120)));
        assertThat(afterExpiry).isTrue();                       // expired: another node takes it over

        var givenBack = store.writeAndWait(tx -> tx.queue().unlease(id, t0.plusSeconds(30)));
        assertThat(givenBack).isTrue();
        Rows.QueueRecipient r = store.read(tx -> tx.queue().recipient(id)).orElseThrow();
        assertThat(r.state()).isEqualTo("deferred");
        assertThat(r.attempts()).isZero();
        assertThat(r.nextAttemptAt()).isEqualTo(t0.plusSeconds(30));
        var notInFlight = store.writeAndWait(tx -> tx.queue().unlease(id, t0));
        assertThat(notInFlight).isFalse();

        queueMessage("LY", t0, "b@example.test", "c@example.test");
        List<Long> more = store.read(tx -> tx.queue().recipients("LY")).stream().map(Rows.QueueRecipient::id).toList();
        store.writeAndWait(tx -> tx.queue().lease(more.get(0), t0.plusSeconds(600), t0));
        var some = store.writeAndWait(tx -> tx.queue().leaseAll(List.of(id, more.get(0), more.get(1)),
                t0.plusSeconds(600), t0.plusSeconds(40)));
        assertThat(some).containsExactlyInAnyOrder(id, more.get(1));   // the first of LY is leased already
        store.writeAndWait(tx -> tx.queue().unlease(id, t0.plusSeconds(30)));

        store.writeAndWait(tx -> tx.queue().finish(id, "delivered", "ok", t0.plusSeconds(31)));
        var finished = store.writeAndWait(tx -> tx.queue().lease(id, t0.plusSeconds(400), t0.plusSeconds(400)));
        assertThat(finished).isFalse();                         // done: never leased again
    }

    @Test
    void aMaildropLockHasOneOwnerUntilItIsReleasedOrExpires() {
        Rows.Account a = account("pop@example.test");
        Instant t0 = Instant.ofEpochMilli(1_700_000_000_000L);
        var first = store.writeAndWait(tx -> tx.mailboxes().lockMaildrop(a.id(), "n1/1", t0.plusSeconds(60), t0));
        var second = store.writeAndWait(tx -> tx.mailboxes().lockMaildrop(a.id(), "n2/1", t0.plusSeconds(60), t0.plusSeconds(1)));
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        var renewed = store.writeAndWait(tx -> tx.mailboxes().renewMaildropLock(a.id(), "n1/1", t0.plusSeconds(120)));
        var notTheirs = store.writeAndWait(tx -> tx.mailboxes().renewMaildropLock(a.id(), "n2/1", t0.plusSeconds(120)));
        assertThat(renewed).isTrue();
        assertThat(notTheirs).isFalse();
        var beforeExpiry = store.writeAndWait(tx -> tx.mailboxes().lockMaildrop(a.id(), "n2/1", t0.plusSeconds(200), t0.plusSeconds(100)));
        var afterExpiry = store.writeAndWait(tx -> tx.mailboxes().lockMaildrop(a.id(), "n2/1", t0.plusSeconds(200), t0.plusSeconds(120)));
        assertThat(beforeExpiry).isFalse();
        assertThat(afterExpiry).isTrue();                       // the first owner's node died
        store.writeAndWait(tx -> {
            tx.mailboxes().unlockMaildrop(a.id(), "n1/1");      // not its lock any more: nothing happens
            return null;
        });
        var stillHeld = store.writeAndWait(tx -> tx.mailboxes().lockMaildrop(a.id(), "n3/1", t0.plusSeconds(300), t0.plusSeconds(130)));
        assertThat(stillHeld).isFalse();
        store.writeAndWait(tx -> {
            tx.mailboxes().unlockMaildrop(a.id(), "n2/1");
            return null;
        });
        var free = store.writeAndWait(tx -> tx.mailboxes().lockMaildrop(a.id(), "n3/1", t0.plusSeconds(300), t0.plusSeconds(130)));
        assertThat(free).isTrue();
    }

    @Test
    void makeDueBringsLaterAttemptsForwardToNow() {
        Instant t0 = Instant.ofEpochMilli(System.currentTimeMillis() - 60_000);   // stored to the millisecond
        Instant later = t0.plusSeconds(3600);
        queueMessage("D1", t0, "a@example.test", "b@example.test");
        queueMessage("D2", t0, "c@example.test");
        queueMessage("D3", t0, "d@example.test");
        var all = store.read(tx -> tx.queue().due(t0, 10));
        assertThat(all).hasSize(4);
        store.writeAndWait(tx -> {
            tx.queue().finish(all.get(0).id(), "delivered", "ok", t0);   // D1's a: done, never moved again
            for (Rows.QueueRecipient r : all.subList(1, 4)) {
                tx.queue().defer(r.id(), later, "4.4.1 later", t0);
            }
            return tx.queue().setHeld("D3", true);
        });
        var dueBefore = store.read(tx -> tx.queue().due(t0.plusSeconds(1), 10));
        assertThat(dueBefore).isEmpty();

        Instant now = t0.plusSeconds(10);
        var one = store.writeAndWait(tx -> tx.queue().makeDue("D1", now));
        assertThat(one).isEqualTo(1);
        var dueAfterRetry = store.read(tx -> tx.queue().due(now, 10));
        assertThat(dueAfterRetry).extracting(Rows.QueueRecipient::address).containsExactly("b@example.test");
        var d1 = store.read(tx -> tx.queue().recipients("D1"));
        assertThat(d1).extracting(Rows.QueueRecipient::state).containsExactly("delivered", "deferred");
        assertThat(d1.get(1).nextAttemptAt()).isEqualTo(now);
        var again = store.writeAndWait(tx -> tx.queue().makeDue("D1", now));
        assertThat(again).isZero();

        var flushed = store.writeAndWait(tx -> tx.queue().makeAllDue(now));
        assertThat(flushed).isEqualTo(1);   // D2's c; D3 is on hold
        var dueAfterFlush = store.read(tx -> tx.queue().due(now, 10));
        assertThat(dueAfterFlush).extracting(Rows.QueueRecipient::address)
                .containsExactly("b@example.test", "c@example.test");
        var d3 = store.read(tx -> tx.queue().recipients("D3"));
        assertThat(d3.get(0).nextAttemptAt()).isEqualTo(later);

        var heldOne = store.writeAndWait(tx -> tx.queue().makeDue("D3", now));
        assertThat(heldOne).isEqualTo(1);   // moved, yet not due while held
        var dueWhileHeld = store.read(tx -> tx.queue().due(now, 10));
        assertThat(dueWhileHeld).hasSize(2);
    }

    @Test
    void blobReferencesAreCounted() {
        store.writeAndWait(tx -> {
            tx.blobs().insert("R1", 5, 1);
            return null;
        });
        var v10 = store.writeAndWait(tx -> tx.blobs().addRefs("R1", 2));
        assertThat(v10).isEqualTo(3);
        var v11 = store.writeAndWait(tx -> tx.blobs().addRefs("R1", -3));
        assertThat(v11).isZero();
        var v12 = store.read(tx -> tx.blobs().exists("R1"));
        assertThat(v12).isFalse();
    }

    @Test
    void referencesTakenAndDroppedInTheTransactionThatInsertsABlobAreCountedToo() {
        List<Integer> counts = store.writeAndWait(tx -> {
            tx.blobs().insertInline("N1", new byte[]{1, 2, 3}, 1);
            tx.blobs().insert("N2", 5, 1);
            tx.blobs().insert("N3", 5, 1);
            List<Integer> out = new ArrayList<>();
            out.add(tx.blobs().addRefs("N1", 1));    // filed into a mailbox
            out.add(tx.blobs().addRefs("N1", -1));   // the queue's reference dropped
            out.add(tx.blobs().refs("N1"));
            out.add(tx.blobs().addRefs("N2", 2));
            out.add(tx.blobs().addRefs("N3", -1));
            out.add(tx.blobs().exists("N3") ? 1 : 0);
            return out;
        });
        assertThat(counts).containsExactly(2, 1, 1, 3, 0, 0);
        int n1 = store.read(tx -> tx.blobs().refs("N1"));
        byte[] data = store.read(tx -> tx.blobs().inlineData("N1"));
        int n2 = store.read(tx -> tx.blobs().refs("N2"));
        boolean n3 = store.read(tx -> tx.blobs().exists("N3"));
        int dropped = store.writeAndWait(tx -> tx.blobs().addRefs("N2", -3));
        boolean n2After = store.read(tx -> tx.blobs().exists("N2"));
        assertThat(n1).isEqualTo(1);
        assertThat(data).containsExactly(1, 2, 3);
        assertThat(n2).isEqualTo(3);
        assertThat(n3).isFalse();
        assertThat(dropped).isZero();
        assertThat(n2After).isFalse();
    }

    @Test
    void dkimKeysRoundTripOnePerSelector() {
        Instant created = Instant.ofEpochMilli(1_800_000_000_000L);
        long domainId = store.writeAndWait(tx -> tx.directory().insertDomain("keys.test", Instant.now()).id());
        store.writeAndWait(tx -> {
            assertThat(tx.dkimKeys().insert(new Rows.DkimKey(domainId, "202611r", "rsa-sha256", "PRIV-R", "PUB-R", created))).isTrue();
            assertThat(tx.dkimKeys().insert(new Rows.DkimKey(domainId, "202611e", "ed25519-sha256", "PRIV-E", "PUB-E",
                    created.plusMillis(1)))).isTrue();
            assertThat(tx.dkimKeys().insert(new Rows.DkimKey(domainId, "202611r", "rsa-sha256", "OTHER", "OTHER", created)))
                    .as("a selector is taken once per domain").isFalse();
            return null;
        });
        store.read(tx -> {
            assertThat(tx.dkimKeys().keys(domainId)).containsExactly(
                    new Rows.DkimKey(domainId, "202611r", "rsa-sha256", "PRIV-R", "PUB-R", created),
                    new Rows.DkimKey(domainId, "202611e", "ed25519-sha256", "PRIV-E", "PUB-E", created.plusMillis(1)));
            return null;
        });
        boolean deleted = store.writeAndWait(tx -> tx.dkimKeys().delete(domainId, "202611r"));
        boolean deletedAgain = store.writeAndWait(tx -> tx.dkimKeys().delete(domainId, "202611r"));
        List<Rows.DkimKey> left = store.read(tx -> tx.dkimKeys().keys(domainId));
        assertThat(deleted).isTrue();
        assertThat(deletedAgain).isFalse();
        assertThat(left).extracting(Rows.DkimKey::selector).containsExactly("202611e");
        assertThat(new Rows.DkimKey(domainId, "s", "rsa-sha256", "PRIV-SECRET", "PUB", created).toString())
                .doesNotContain("PRIV-SECRET");
    }

    @Test
    void dkimKeysGoWithTheirDomain() {
        long domainId = store.writeAndWait(tx -> {
            long id = tx.directory().insertDomain("gone.test", Instant.now()).id();
            tx.dkimKeys().insert(new Rows.DkimKey(id, "s1", "ed25519-sha256", "PRIV", "PUB", Instant.now()));
            return id;
        });
        long otherId = store.writeAndWait(tx -> {
            long id = tx.directory().insertDomain("stays.test", Instant.now()).id();
            tx.dkimKeys().insert(new Rows.DkimKey(id, "s1", "ed25519-sha256", "PRIV", "PUB", Instant.now()));
            return id;
        });
        boolean deleted = store.writeAndWait(tx -> tx.directory().deleteDomain(domainId));
        List<Rows.DkimKey> keysOfDeleted = store.read(tx -> tx.dkimKeys().keys(domainId));
        List<Rows.DkimKey> keysOfOther = store.read(tx -> tx.dkimKeys().keys(otherId));
        assertThat(deleted).isTrue();
        assertThat(keysOfDeleted).isEmpty();
        assertThat(keysOfOther).hasSize(1);
    }

    private Rows.Mailbox mailboxWithBlob(String address, String blobId) {
        Rows.Account a = account(address);
        return store.writeAndWait(tx -> {
            tx.blobs().insert(blobId, 10, 0);
            return tx.mailboxes().create(a.id(), "INBOX", null, 7);
        });
    }

    @Test
    void mailboxesAreFoundRenamedMadeNoselectAndDeleted() {
        Rows.Account a = account("tree@example.test");
        Rows.Mailbox box = store.writeAndWait(tx -> tx.mailboxes().create(a.id(), "Work", "\\Archive", 9));
        store.writeAndWait(tx -> {
            tx.mailboxes().create(a.id(), "INBOX", null, 10);
            tx.mailboxes().rename(box.id(), "Projects");
            tx.mailboxes().setSelectable(box.id(), false);
            return null;
        });
        Rows.Mailbox renamed = store.read(tx -> tx.mailboxes().mailbox(box.id())).orElseThrow();
        assertThat(renamed.name()).isEqualTo("Projects");
        assertThat(renamed.uidValidity()).isEqualTo(9);
        assertThat(renamed.specialUse()).isEqualTo("\\Archive");
        assertThat(renamed.selectable()).isFalse();
        var names = store.read(tx -> tx.mailboxes().mailboxes(a.id()));
        assertThat(names).extracting(Rows.Mailbox::name).containsExactly("INBOX", "Projects");
        store.writeAndWait(tx -> {
            tx.mailboxes().delete(box.id());
            return null;
        });
        var gone = store.read(tx -> tx.mailboxes().mailbox(a.id(), "Projects"));
        assertThat(gone).isEmpty();
    }

    @Test
    void uidValidityOnlyGrowsPerAccount() {
        Rows.Account a = account("uv@example.test");
        Rows.Account b = account("uv2@example.test");
        long first = store.writeAndWait(tx -> tx.mailboxes().takeUidValidity(a.id(), 100));
        long second = store.writeAndWait(tx -> tx.mailboxes().takeUidValidity(a.id(), 50));
        long third = store.writeAndWait(tx -> tx.mailboxes().takeUidValidity(a.id(), 500));
        long other = store.writeAndWait(tx -> tx.mailboxes().takeUidValidity(b.id(), 100));
        assertThat(List.of(first, second, third)).containsExactly(100L, 101L, 500L);
        assertThat(other).isEqualTo(100);
    }

    @Test
    void flagsAreUpdatedWithANewModseqAndCounted() {
        Rows.Mailbox box = mailboxWithBlob("flags@example.test", "F1");
        List<Rows.Message> m = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            m.add(store.writeAndWait(tx -> tx.mailboxes().append(box.id(), "F1", "", 10, Instant.now(), 0, "")));
        }
        long modSeq = store.writeAndWait(tx -> {
            long next = tx.mailboxes().nextModSeq(box.id());
            tx.mailboxes().updateFlags(box.id(), List.of(new Rows.FlagUpdate(m.get(0).id(), 0, 1, "$Label1"),
                    new Rows.FlagUpdate(m.get(1).id(), 0, 1 | 8, "")), next);
            return next;
        });
        assertThat(modSeq).isGreaterThan(m.get(2).modSeq());
        store.read(tx -> {
            Rows.Message first = tx.mailboxes().message(box.id(), m.get(0).uid()).orElseThrow();
            assertThat(first.systemFlags()).isEqualTo(1);
            assertThat(first.keywords()).isEqualTo("$Label1");
            assertThat(first.modSeq()).isEqualTo(modSeq);
            assertThat(tx.mailboxes().message(first.id())).contains(first);
            assertThat(tx.mailboxes().changedSince(box.id(), m.get(2).modSeq())).extracting(Rows.Message::uid)
                    .containsExactly(1L, 2L);
            assertThat(tx.mailboxes().messages(box.id(), List.of(3L, 1L, 99L))).extracting(Rows.Message::uid)
                    .containsExactly(1L, 3L);
            assertThat(tx.mailboxes().counts(box.id())).isEqualTo(new Rows.MailboxCounts(3, 1, 1, 30));
            assertThat(tx.mailboxes().messagesBetween(box.id(), 2, 7)).extracting(Rows.Message::uid).containsExactly(2L, 3L);
            assertThat(tx.mailboxes().flags(box.id())).containsExactly(
                    new Rows.MessageFlags(1, 1, "$Label1", modSeq), new Rows.MessageFlags(2, 1 | 8, "", modSeq),
                    new Rows.MessageFlags(3, 0, "", m.get(2).modSeq()));
            // Internal dates are kept to the millisecond.
            java.util.function.IntFunction<Instant> stored =
                    i -> m.get(i).internalDate().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            // The save date as the append returned it, and as it is read back.
            java.util.function.IntFunction<Instant> saved = i -> m.get(i).savedAt();
            assertThat(tx.mailboxes().summaries(box.id())).containsExactly(
                    new Rows.MessageSummary(1, 10, stored.apply(0), 1, "$Label1", modSeq, saved.apply(0)),
                    new Rows.MessageSummary(2, 10, stored.apply(1), 1 | 8, "", modSeq, saved.apply(1)),
                    new Rows.MessageSummary(3, 10, stored.apply(2), 0, "", m.get(2).modSeq(), saved.apply(2)));
            assertThat(tx.mailboxes().messages(box.id())).extracting(Rows.Message::savedAt)
                    .containsExactly(saved.apply(0), saved.apply(1), saved.apply(2)).doesNotContainNull();
            assertThat(tx.mailboxes().mailbox(box.id()).orElseThrow().highestModSeq()).isEqualTo(modSeq);
            return null;
        });
    }

    @Test
    void recentClaimsAreDisjointUnderConcurrentWriters() throws Exception {
        Rows.Mailbox box = mailboxWithBlob("recent@example.test", "R1");
        assertThat(box.firstUnclaimedUid()).isEqualTo(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<Rows.RecentClaim>> claims = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                pool.submit(() -> store.writeAndWait(tx ->
                        tx.mailboxes().append(box.id(), "R1", "", 10, Instant.now(), 0, "")));
                claims.add(pool.submit(() -> store.writeAndWait(tx -> tx.mailboxes().claimRecent(box.id()))));
            }
            java.util.BitSet seen = new java.util.BitSet();
            for (var f : claims) {
                Rows.RecentClaim c = f.get();
                for (long uid = c.first(); uid < c.end(); uid++) {
                    assertThat(seen.get((int) uid)).as("UID %d claimed twice", uid).isFalse();
                    seen.set((int) uid);
                }
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Rows.RecentClaim last = store.writeAndWait(tx -> tx.mailboxes().claimRecent(box.id()));
            for (long uid = last.first(); uid < last.end(); uid++) {
                seen.set((int) uid);
            }
            assertThat(seen.cardinality()).isEqualTo(30);
            assertThat(seen.nextSetBit(0)).isEqualTo(1);
            store.read(tx -> {
                Rows.Mailbox after = tx.mailboxes().mailbox(box.id()).orElseThrow();
                assertThat(after.firstUnclaimedUid()).isEqualTo(after.uidNext()).isEqualTo(31);
                assertThat(tx.mailboxes().countFrom(box.id(), 25)).isEqualTo(6);
                return null;
            });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void expungeRecordsUidsWithTheirModseq() {
        Rows.Mailbox box = mailboxWithBlob("expunge@example.test", "E1");
        for (int i = 0; i < 3; i++) {
            store.writeAndWait(tx -> tx.mailboxes().append(box.id(), "E1", "", 10, Instant.now(), 0, ""));
        }
        long before = store.read(tx -> tx.mailboxes().mailbox(box.id())).orElseThrow().highestModSeq();
        List<String> blobs = store.writeAndWait(tx ->
                tx.mailboxes().expunge(box.id(), List.of(1L, 3L, 42L), tx.mailboxes().nextModSeq(box.id())));
        assertThat(blobs).containsExactly("E1", "E1");
        store.read(tx -> {
            assertThat(tx.mailboxes().messages(box.id())).extracting(Rows.Message::uid).containsExactly(2L);
            assertThat(tx.mailboxes().expungedSince(box.id(), before)).containsExactly(
                    new Rows.Expunged(1, before + 1), new Rows.Expunged(3, before + 1));
            assertThat(tx.mailboxes().expungedSince(box.id(), before + 1)).isEmpty();
            return null;
        });
    }

    @Test
    void expungedUidsAreTrimmedToTheMostRecent() {
        Rows.Mailbox box = mailboxWithBlob("trim@example.test", "T1");
        for (int i = 0; i < 4; i++) {
            store.writeAndWait(tx -> tx.mailboxes().append(box.id(), "T1", "", 10, Instant.now(), 0, ""));
        }
        long before = store.read(tx -> tx.mailboxes().mailbox(box.id())).orElseThrow().highestModSeq();
        for (long uid = 1; uid <= 4; uid++) {
            long u = uid;
            store.writeAndWait(tx -> tx.mailboxes().expunge(box.id(), List.of(u), tx.mailboxes().nextModSeq(box.id())));
        }
        assertThat(store.<List<Long>>read(tx -> tx.mailboxes().mailboxesWithExpungedOver(4))).isEmpty();
        assertThat(store.<List<Long>>read(tx -> tx.mailboxes().mailboxesWithExpungedOver(3))).containsExactly(box.id());
        assertThat(store.<Long>read(tx -> tx.mailboxes().expungedDroppedUpTo(box.id()))).isZero();
        assertThat(store.<Integer>writeAndWait(tx -> tx.mailboxes().trimExpunged(box.id(), 3))).isEqualTo(1);
        store.read(tx -> {
            assertThat(tx.mailboxes().expungedSince(box.id(), before)).extracting(Rows.Expunged::uid)
                    .containsExactly(2L, 3L, 4L);
            assertThat(tx.mailboxes().expungedDroppedUpTo(box.id())).isEqualTo(before + 1);
            return null;
        });
        assertThat(store.<Integer>writeAndWait(tx -> tx.mailboxes().trimExpunged(box.id(), 3))).isZero();
        assertThat(store.<Integer>writeAndWait(tx -> tx.mailboxes().trimExpunged(box.id(), 1))).isEqualTo(2);
        assertThat(store.<Long>read(tx -> tx.mailboxes().expungedDroppedUpTo(box.id()))).isEqualTo(before + 3);
        // Deleting the mailbox takes its marks with it.
        store.writeAndWait(tx -> {
            tx.mailboxes().delete(box.id());
            return null;
        });
        assertThat(store.<Long>read(tx -> tx.mailboxes().expungedDroppedUpTo(box.id()))).isZero();
    }

    @Test
    void subscriptionsNeedNoMailbox() {
        Rows.Account a = account("subs@example.test");
        var added = store.writeAndWait(tx -> tx.mailboxes().subscribe(a.id(), "Nowhere"));
        var again = store.writeAndWait(tx -> tx.mailboxes().subscribe(a.id(), "Nowhere"));
        store.writeAndWait(tx -> tx.mailboxes().subscribe(a.id(), "Also"));
        assertThat(added).isTrue();
        assertThat(again).isFalse();
        var read1 = store.read(tx -> tx.mailboxes().subscriptions(a.id()));
        assertThat(read1).containsExactly("Also", "Nowhere");
        var removed = store.writeAndWait(tx -> tx.mailboxes().unsubscribe(a.id(), "Nowhere"));
        var removedAgain = store.writeAndWait(tx -> tx.mailboxes().unsubscribe(a.id(), "Nowhere"));
        assertThat(removed).isTrue();
        assertThat(removedAgain).isFalse();
    }

    @Test
    void aBlobKeepsItsStructure() {
        store.writeAndWait(tx -> {
            tx.blobs().insert("S1", 10, 1);
            return null;
        });
        var read2 = store.read(tx -> tx.blobs().structure("S1"));
        assertThat(read2).isNull();
        var set = store.writeAndWait(tx -> tx.blobs().setStructure("S1", "{\"parts\":1}"));
        var unknown = store.writeAndWait(tx -> tx.blobs().setStructure("nope", "x"));
        assertThat(set).isTrue();
        assertThat(unknown).isFalse();
        var read3 = store.read(tx -> tx.blobs().structure("S1"));
        assertThat(read3).isEqualTo("{\"parts\":1}");
    }

    @Test
    void deleteAllRemovesMessagesExpungesAndSubscriptions() {
        Rows.Mailbox box = mailboxWithBlob("all@example.test", "D9");
        store.writeAndWait(tx -> {
            tx.mailboxes().append(box.id(), "D9", "", 10, Instant.now(), 0, "");
            tx.mailboxes().append(box.id(), "D9", "", 10, Instant.now(), 0, "");
            tx.mailboxes().expunge(box.id(), List.of(1L), tx.mailboxes().nextModSeq(box.id()));
            tx.mailboxes().subscribe(box.accountId(), "INBOX");
            return null;
        });
        List<String> blobs = store.writeAndWait(tx -> tx.mailboxes().deleteAll(box.accountId()));
        assertThat(blobs).containsExactly("D9");
        var read4 = store.read(tx -> tx.mailboxes().mailboxes(box.accountId()));
        assertThat(read4).isEmpty();
        var read5 = store.read(tx -> tx.mailboxes().subscriptions(box.accountId()));
        assertThat(read5).isEmpty();
        var deleted = store.writeAndWait(tx -> tx.directory().deleteAccount(box.accountId()));
        assertThat(deleted).isTrue();
    }

    @Test
    void deleteMessagesTakesAtMostTheLimitFromEveryMailboxOfTheAccount() {
        Rows.Mailbox inbox = mailboxWithBlob("pieces@example.test", "P1");
        Rows.Mailbox other = mailboxWithBlob("other@example.test", "P2");
        store.writeAndWait(tx -> {
            long sent = tx.mailboxes().create(inbox.accountId(), "Sent", "\\Sent", 7).id();
            for (int i = 0; i < 3; i++) {
                tx.mailboxes().append(inbox.id(), "P1", "", 10, Instant.now(), 0, "");
                tx.mailboxes().append(sent, "P1", "", 10, Instant.now(), 0, "");
            }
            tx.mailboxes().append(other.id(), "P2", "", 10, Instant.now(), 0, "");
            return null;
        });
        List<String> first = store.writeAndWait(tx -> tx.mailboxes().deleteMessages(inbox.accountId(), 4));
        List<String> second = store.writeAndWait(tx -> tx.mailboxes().deleteMessages(inbox.accountId(), 4));
        List<String> none = store.writeAndWait(tx -> tx.mailboxes().deleteMessages(inbox.accountId(), 4));
        assertThat(first).hasSize(4).containsOnly("P1");
        assertThat(second).hasSize(2).containsOnly("P1");
        assertThat(none).isEmpty();
        var left = store.read(tx -> tx.mailboxes().messages(inbox.id()));
        var untouched = store.read(tx -> tx.mailboxes().messages(other.id()));
        assertThat(left).isEmpty();
        assertThat(untouched).hasSize(1);
        var expunged = store.read(tx -> tx.mailboxes().expungedSince(inbox.id(), 0));
        assertThat(expunged).isEmpty();
    }

    @Test
    void theAcmeCertificateChallengesAndOrderLockAreShared() {
        Instant t0 = Instant.parse("2026-11-30T12:00:00Z");
        var read1 = store.read(tx -> tx.acme().certificate());
        assertThat(read1).isEmpty();
        boolean first = store.writeAndWait(tx -> tx.acme().putAccountKeyIfAbsent("https://ca.test/dir", "key A", t0));
        boolean second = store.writeAndWait(tx -> tx.acme().putAccountKeyIfAbsent("https://ca.test/dir", "key B", t0));
        boolean otherCa = store.writeAndWait(tx -> tx.acme().putAccountKeyIfAbsent("https://other.test/dir", "key C", t0));
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(otherCa).isTrue();
        var account = store.read(tx -> tx.acme().accountKey("https://ca.test/dir"));
        assertThat(account).contains("key A");
        store.writeAndWait(tx -> {
            tx.acme().putCertificate(new Rows.AcmeCertificate("chain 1", "key 1", t0.plusSeconds(86_400), t0));
            tx.acme().putCertificate(new Rows.AcmeCertificate("chain 2", "key 2", t0.plusSeconds(90_000), t0.plusSeconds(5)));
            tx.acme().putChallenge("token-a", "token-a.thumb", t0.plusSeconds(600));
            tx.acme().putChallenge("token-b", "token-b.thumb", t0.plusSeconds(60));
            return null;
        });
        var read2 = store.read(tx -> tx.acme().certificate());
        assertThat(read2).contains(
                new Rows.AcmeCertificate("chain 2", "key 2", t0.plusSeconds(90_000), t0.plusSeconds(5)));
        var read3 = store.read(tx -> tx.acme().challenge("token-a", t0));
        assertThat(read3).contains("token-a.thumb");
        var expired = store.read(tx -> tx.acme().challenge("token-b", t0.plusSeconds(60)));
        assertThat(expired).isEmpty();
        var read4 = store.read(tx -> tx.acme().challenge("token-c", t0));
        assertThat(read4).isEmpty();
        int purged = store.writeAndWait(tx -> tx.acme().purgeChallenges(t0.plusSeconds(61)));
        assertThat(purged).isEqualTo(1);
        store.writeAndWait(tx -> {
            tx.acme().deleteChallenge("token-a");
            return null;
        });
        var read5 = store.read(tx -> tx.acme().challenge("token-a", t0));
        assertThat(read5).isEmpty();

        // One node orders at a time; the lock is its own to renew, and anyone's once it expired.
        boolean lock1 = store.writeAndWait(tx -> tx.acme().lockOrder("node-1", t0.plusSeconds(600), t0));
        assertThat(lock1).isTrue();
        boolean lock2 = store.writeAndWait(tx -> tx.acme().lockOrder("node-2", t0.plusSeconds(700), t0.plusSeconds(1)));
        assertThat(lock2).isFalse();
        boolean lock3 = store.writeAndWait(tx -> tx.acme().lockOrder("node-1", t0.plusSeconds(900), t0.plusSeconds(2)));
        assertThat(lock3).isTrue();
        boolean lock4 = store.writeAndWait(tx -> tx.acme().lockOrder("node-2", t0.plusSeconds(1000), t0.plusSeconds(601)));
        assertThat(lock4).isFalse();
        boolean lock5 = store.writeAndWait(tx -> tx.acme().lockOrder("node-2", t0.plusSeconds(1000), t0.plusSeconds(900)));
        assertThat(lock5).isTrue();
        store.writeAndWait(tx -> {
            tx.acme().unlockOrder("node-1");   // not its lock any more: nothing happens
            return null;
        });
        boolean lock6 = store.writeAndWait(tx -> tx.acme().lockOrder("node-3", t0.plusSeconds(1000), t0.plusSeconds(901)));
        assertThat(lock6).isFalse();
        store.writeAndWait(tx -> {
            tx.acme().unlockOrder("node-2");
            return null;
        });
        boolean lock7 = store.writeAndWait(tx -> tx.acme().lockOrder("node-3", t0.plusSeconds(1000), t0.plusSeconds(902)));
        assertThat(lock7).isTrue();
    }

    @Test
    void tlsReportCountsAddUpAndAreTakenOnce() {
        String longPolicy = "version: STSv1\nmode: enforce\n" + "mx: mx.example.com\n".repeat(400) + "max_age: 86400";
        Rows.TlsReportCount ok = new Rows.TlsReportCount("2026-11-30", "b.test", "sts", longPolicy, "mx.example.com",
                "", "", "", "", 2);
        Rows.TlsReportCount expired = new Rows.TlsReportCount("2026-11-30", "b.test", "sts", longPolicy, "mx.example.com",
                "certificate-expired", "192.0.2.1", "mx.example.com", "198.51.100.7", 1);
        Rows.TlsReportCount other = new Rows.TlsReportCount("2026-12-01", "a.test", "no-policy-found", "", "",
                "", "", "", "", 5);
        store.writeAndWait(tx -> {
            tx.tlsReports().add(List.of(ok, expired, other));
            return null;
        });
        store.writeAndWait(tx -> {
            tx.tlsReports().add(List.of(ok, expired));
            return null;
        });
        List<String[]> due = store.read(tx -> tx.tlsReports().pending("2026-12-01", 10));
        assertThat(due).extracting(p -> p[0] + " " + p[1]).containsExactly("2026-11-30 b.test");
        List<String[]> later = store.read(tx -> tx.tlsReports().pending("2026-12-02", 10));
        assertThat(later).extracting(p -> p[0] + " " + p[1]).containsExactly("2026-11-30 b.test", "2026-12-01 a.test");
        List<Rows.TlsReportCount> taken = store.writeAndWait(tx -> tx.tlsReports().take("2026-11-30", "b.test"));
        assertThat(taken).containsExactlyInAnyOrder(
                new Rows.TlsReportCount("2026-11-30", "b.test", "sts", longPolicy, "mx.example.com", "", "", "", "", 4),
                new Rows.TlsReportCount("2026-11-30", "b.test", "sts", longPolicy, "mx.example.com",
                        "certificate-expired", "192.0.2.1", "mx.example.com", "198.51.100.7", 2));
        List<Rows.TlsReportCount> again = store.writeAndWait(tx -> tx.tlsReports().take("2026-11-30", "b.test"));
        assertThat(again).isEmpty();
        List<String[]> left = store.read(tx -> tx.tlsReports().pending("2026-12-02", 10));
        assertThat(left).extracting(p -> p[1]).containsExactly("a.test");
    }

    @Test
    void dmarcReportRowsAddUpAndAreTakenOnce() {
        String policy = "{\"p\":\"reject\",\"rua\":[\"" + "mailto:a@example.com,".repeat(200) + "\"]}";
        Rows.DmarcReportRow one = new Rows.DmarcReportRow("2026-11-30", "example.com", policy, "{\"source_ip\":\"192.0.2.1\"}", 3);
        Rows.DmarcReportRow two = new Rows.DmarcReportRow("2026-11-30", "example.com", policy, "{\"source_ip\":\"192.0.2.2\"}", 1);
        store.writeAndWait(tx -> {
            tx.dmarcReports().add(List.of(one, two));
            tx.dmarcReports().add(List.of(one));
            return null;
        });
        List<String[]> due = store.read(tx -> tx.dmarcReports().pending("2026-12-01", 10));
        assertThat(due).extracting(p -> p[0] + " " + p[1]).containsExactly("2026-11-30 example.com");
        var any = store.read(tx -> tx.dmarcReports().any("2026-11-30", "example.com"));
        assertThat(any).get().extracting(Rows.DmarcReportRow::policy).isEqualTo(policy);
        List<Rows.DmarcReportRow> taken = store.writeAndWait(tx -> tx.dmarcReports().take("2026-11-30", "example.com"));
        assertThat(taken).containsExactlyInAnyOrder(
                new Rows.DmarcReportRow("2026-11-30", "example.com", policy, "{\"source_ip\":\"192.0.2.1\"}", 6),
                two);
        List<Rows.DmarcReportRow> again = store.writeAndWait(tx -> tx.dmarcReports().take("2026-11-30", "example.com"));
        assertThat(again).isEmpty();
    }

    @Test
    void reportCountsOfDaysLongOverArePurged() {
        store.writeAndWait(tx -> {
            tx.dmarcReports().add(List.of(new Rows.DmarcReportRow("2026-11-01", "a.test", "{}", "{\"n\":1}", 1),
                    new Rows.DmarcReportRow("2026-11-01", "a.test", "{}", "{\"n\":2}", 1),
                    new Rows.DmarcReportRow("2026-11-20", "a.test", "{}", "{\"n\":1}", 1)));
            tx.tlsReports().add(List.of(
                    new Rows.TlsReportCount("2026-11-01", "b.test", "no-policy-found", "", "", "", "", "", "", 1),
                    new Rows.TlsReportCount("2026-11-20", "b.test", "no-policy-found", "", "", "", "", "", "", 1)));
            return null;
        });
        int one = store.writeAndWait(tx -> tx.dmarcReports().purge("2026-11-10", 1));
        int rest = store.writeAndWait(tx -> tx.dmarcReports().purge("2026-11-10", 100) + tx.tlsReports().purge("2026-11-10", 100));
        assertThat(one).isEqualTo(1);
        assertThat(rest).isEqualTo(2);
        List<String[]> dmarcLeft = store.read(tx -> tx.dmarcReports().pending("2026-12-01", 10));
        List<String[]> tlsLeft = store.read(tx -> tx.tlsReports().pending("2026-12-01", 10));
        assertThat(dmarcLeft).extracting(p -> p[0]).containsExactly("2026-11-20");
        assertThat(tlsLeft).extracting(p -> p[0]).containsExactly("2026-11-20");
    }

    @Test
    void mtaStsPoliciesAreStoredReplacedAndPurged() {
        Instant t0 = Instant.parse("2026-11-30T12:00:00Z");
        store.writeAndWait(tx -> {
            tx.mtaSts().put(new Rows.MtaStsPolicy("b.test", "1", "version: STSv1\nmode: testing\n", t0, t0.plusSeconds(60)));
            tx.mtaSts().put(new Rows.MtaStsPolicy("c.test", "9", "version: STSv1\nmode: enforce\n", t0, t0.plusSeconds(600)));
            return null;
        });
        store.writeAndWait(tx -> {
            tx.mtaSts().put(new Rows.MtaStsPolicy("b.test", "2", "version: STSv1\nmode: enforce\n", t0.plusSeconds(1),
                    t0.plusSeconds(120)));
            return null;
        });
        var b = store.read(tx -> tx.mtaSts().policy("b.test")).orElseThrow();
        assertThat(b).isEqualTo(new Rows.MtaStsPolicy("b.test", "2", "version: STSv1\nmode: enforce\n", t0.plusSeconds(1),
                t0.plusSeconds(120)));
        var absent = store.read(tx -> tx.mtaSts().policy("d.test"));
        assertThat(absent).isEmpty();
        int none = store.writeAndWait(tx -> tx.mtaSts().purge(t0.plusSeconds(120), 10));
        int one = store.writeAndWait(tx -> tx.mtaSts().purge(t0.plusSeconds(121), 10));
        assertThat(none).isZero();
        assertThat(one).isEqualTo(1);
        var expired = store.read(tx -> tx.mtaSts().policy("b.test"));
        var kept = store.read(tx -> tx.mtaSts().policy("c.test"));
        assertThat(expired).isEmpty();
        assertThat(kept).isPresent();
    }

    @Test
    void greylistTripletsAreStoredReplacedTouchedAndPurged() {
        Instant t0 = Instant.ofEpochMilli(1_800_000_000_000L);
        Rows.GreylistTriplet pending = new Rows.GreylistTriplet("192.0.2.0/24", "a@sender.test", "b@example.test",
                t0, t0, false);
        Rows.GreylistTriplet nullSender = new Rows.GreylistTriplet("2001:db8::/64", "", "b@example.test",
                t0.plusSeconds(10), t0.plusSeconds(10), false);
        store.writeAndWait(tx -> {
            tx.greylist().putTriplet(pending);
            tx.greylist().putTriplet(nullSender);
            return null;
        });
        var read = store.read(tx -> tx.greylist().triplet("192.0.2.0/24", "a@sender.test", "b@example.test"));
        var readNull = store.read(tx -> tx.greylist().triplet("2001:db8::/64", "", "b@example.test"));
        var absent = store.read(tx -> tx.greylist().triplet("192.0.2.0/24", "a@sender.test", "c@example.test"));
        assertThat(read).contains(pending);
        assertThat(readNull).contains(nullSender);
        assertThat(absent).isEmpty();

        boolean touchedPending = store.writeAndWait(tx ->
                tx.greylist().touchTriplet("192.0.2.0/24", "a@sender.test", "b@example.test", t0.plusSeconds(60)));
        assertThat(touchedPending).as("only passed triplets are touched").isFalse();
        Rows.GreylistTriplet passed = new Rows.GreylistTriplet("192.0.2.0/24", "a@sender.test", "b@example.test",
                t0, t0.plusSeconds(400), true);
        store.writeAndWait(tx -> {
            tx.greylist().putTriplet(passed);
            return null;
        });
        boolean touched = store.writeAndWait(tx ->
                tx.greylist().touchTriplet("192.0.2.0/24", "a@sender.test", "b@example.test", t0.plusSeconds(900)));
        var afterTouch = store.read(tx -> tx.greylist().triplet("192.0.2.0/24", "a@sender.test", "b@example.test"));
        assertThat(touched).isTrue();
        assertThat(afterTouch).contains(new Rows.GreylistTriplet("192.0.2.0/24", "a@sender.test", "b@example.test",
                t0, t0.plusSeconds(900), true));

        int none = store.writeAndWait(tx -> tx.greylist().purge(t0.plusSeconds(5), t0.plusSeconds(900), 100));
        int pendingGone = store.writeAndWait(tx -> tx.greylist().purge(t0.plusSeconds(11), t0.plusSeconds(900), 100));
        int passedGone = store.writeAndWait(tx -> tx.greylist().purge(t0.plusSeconds(11), t0.plusSeconds(901), 100));
        assertThat(none).isZero();
        assertThat(pendingGone).isEqualTo(1);
        assertThat(passedGone).isEqualTo(1);
        var left = store.read(tx -> tx.greylist().triplet("192.0.2.0/24", "a@sender.test", "b@example.test"));
        assertThat(left).isEmpty();
    }

    @Test
    void aGreylistPurgeTakesAtMostItsLimitPendingFirstThenPassedThenNetworks() {
        Instant t0 = Instant.ofEpochMilli(1_800_000_000_000L);
        store.writeAndWait(tx -> {
            for (int i = 0; i < 3; i++) {
                tx.greylist().putTriplet(new Rows.GreylistTriplet("192.0.2.0/24", "s" + i + "@sender.test",
                        "r@example.test", t0, t0, false));
                tx.greylist().putTriplet(new Rows.GreylistTriplet("198.51.100.0/24", "s" + i + "@sender.test",
                        "r@example.test", t0, t0, true));
            }
            tx.greylist().putTriplet(new Rows.GreylistTriplet("203.0.113.0/24", "fresh@sender.test",
                    "r@example.test", t0.plusSeconds(60), t0.plusSeconds(60), false));
            tx.greylist().addPass("198.51.100.0/24", t0, t0.minusSeconds(3600));
            return null;
        });
        Instant later = t0.plusSeconds(1);

        List<Integer> pieces = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pieces.add(store.writeAndWait(tx -> tx.greylist().purge(later, later, 2)));
        }

        // 3 pending, 3 passed, 1 network: 2 + 2 + 2 + 1, then nothing; the fresh triplet stays.
        assertThat(pieces).containsExactly(2, 2, 2, 1, 0);
        var pendingLeft = store.read(tx -> tx.greylist().triplet("192.0.2.0/24", "s0@sender.test", "r@example.test"));
        var fresh = store.read(tx -> tx.greylist().triplet("203.0.113.0/24", "fresh@sender.test", "r@example.test"));
        var network = store.read(tx -> tx.greylist().network("198.51.100.0/24"));
        assertThat(pendingLeft).isEmpty();
        assertThat(fresh).isPresent();
        assertThat(network).isEmpty();
    }

    @Test
    void greylistNetworksCountPassesUntilTheyExpire() {
        Instant t0 = Instant.ofEpochMilli(1_800_000_000_000L);
        Instant longAgo = t0.minusSeconds(3600);
        store.writeAndWait(tx -> {
            tx.greylist().addPass("192.0.2.0/24", t0, longAgo);
            tx.greylist().addPass("192.0.2.0/24", t0.plusSeconds(1), longAgo);
            tx.greylist().addPass("192.0.2.0/24", t0.plusSeconds(2), longAgo);
            tx.greylist().addPass("198.51.100.0/24", t0, longAgo);
            return null;
        });
        var counted = store.read(tx -> tx.greylist().network("192.0.2.0/24"));
        var unknown = store.read(tx -> tx.greylist().network("203.0.113.0/24"));
        assertThat(counted).contains(new Rows.GreylistNetwork("192.0.2.0/24", 3, t0.plusSeconds(2)));
        assertThat(unknown).isEmpty();

        boolean touched = store.writeAndWait(tx -> tx.greylist().touchNetwork("192.0.2.0/24", t0.plusSeconds(100)));
        boolean touchedUnknown = store.writeAndWait(tx -> tx.greylist().touchNetwork("203.0.113.0/24", t0));
        store.writeAndWait(tx -> {
            // The 198.51.100.0/24 count was last used before t0 + 50 s: it has expired and starts again.
            tx.greylist().addPass("198.51.100.0/24", t0.plusSeconds(200), t0.plusSeconds(50));
            return null;
        });
        var restarted = store.read(tx -> tx.greylist().network("198.51.100.0/24"));
        assertThat(touched).isTrue();
        assertThat(touchedUnknown).isFalse();
        assertThat(restarted).contains(new Rows.GreylistNetwork("198.51.100.0/24", 1, t0.plusSeconds(200)));

        int purged = store.writeAndWait(tx -> tx.greylist().purge(t0, t0.plusSeconds(150), 100));
        var kept = store.read(tx -> tx.greylist().network("198.51.100.0/24"));
        var gone = store.read(tx -> tx.greylist().network("192.0.2.0/24"));
        assertThat(purged).isEqualTo(1);
        assertThat(kept).isPresent();
        assertThat(gone).isEmpty();
    }

    @Test
    void accountsAreEnabledAndDisabled() {
        Rows.Account a = account("fay@example.test");
        boolean changed = store.writeAndWait(tx -> tx.directory().setEnabled(a.id(), false));
        boolean unknown = store.writeAndWait(tx -> tx.directory().setEnabled(a.id() + 1000, false));
        var row = store.read(tx -> tx.directory().account(a.id()));
        assertThat(changed).isTrue();
        assertThat(unknown).isFalse();
        assertThat(row).get().extracting(Rows.Account::enabled).isEqualTo(false);
    }

    @Test
    void aSecretIsKeptOnceAndTheFirstOneMadeStays() {
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        Optional<String> none = store.read(tx -> tx.secrets().secret("srs"));
        String first = store.writeAndWait(tx -> tx.secrets().keep("srs", "first-secret", t));
        String second = store.writeAndWait(tx -> tx.secrets().keep("srs", "second-secret", t.plusSeconds(1)));
        Optional<String> read = store.read(tx -> tx.secrets().secret("srs"));
        Optional<String> other = store.read(tx -> tx.secrets().secret("other"));
        assertThat(none).isEmpty();
        assertThat(first).isEqualTo("first-secret");
        assertThat(second).as("a second process finds the first one's secret").isEqualTo("first-secret");
        assertThat(read).contains("first-secret");
        assertThat(other).isEmpty();
    }

    @Test
    void sieveScriptsAreStoredRenamedActivatedOneAtATimeAndDeleted() {
        Rows.Account a = account("sieve@example.test");
        Rows.Account other = account("other@example.test");
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        store.writeAndWait(tx -> {
            tx.sieve().put(a.id(), "main", "keep;", t);
            tx.sieve().put(a.id(), "vacation", "discard;", t);
            tx.sieve().put(other.id(), "main", "keep;", t);
            return null;
        });
        assertThat(scripts(a.id())).extracting(Rows.SieveScript::name)
                .containsExactly("main", "vacation");
        assertThat(sieveActive(a.id())).isFalse();

        assertThat((Boolean) store.writeAndWait(tx -> tx.sieve().activate(a.id(), "main"))).isTrue();
        assertThat((Boolean) store.writeAndWait(tx -> tx.sieve().activate(a.id(), "vacation"))).isTrue();
        assertThat((Boolean) store.writeAndWait(tx -> tx.sieve().activate(a.id(), "missing"))).isFalse();
        assertThat(activeScript(a.id())).get().extracting(Rows.SieveScript::name).isEqualTo("vacation");
        assertThat(scripts(a.id())).filteredOn(Rows.SieveScript::active).hasSize(1);
        assertThat(sieveActive(a.id())).isTrue();
        assertThat(sieveActive(other.id())).isFalse();

        store.writeAndWait(tx -> {
            tx.sieve().put(a.id(), "vacation", "keep;", t.plusSeconds(1));   // replaced, still active
            return tx.sieve().rename(a.id(), "vacation", "away", t.plusSeconds(2));
        });
        Rows.SieveScript away = activeScript(a.id()).orElseThrow();
        assertThat(away.name()).isEqualTo("away");
        assertThat(away.content()).isEqualTo("keep;");
        assertThat(away.updatedAt()).isEqualTo(t.plusSeconds(2));

        assertThat((Boolean) store.writeAndWait(tx -> tx.sieve().delete(a.id(), "away"))).isTrue();
        assertThat((Boolean) store.writeAndWait(tx -> tx.sieve().delete(a.id(), "away"))).isFalse();
        assertThat(activeScript(a.id())).isEmpty();
        assertThat(sieveActive(a.id())).isFalse();

        store.writeAndWait(tx -> tx.sieve().activate(a.id(), "main"));
        store.writeAndWait(tx -> tx.sieve().activate(a.id(), null));
        assertThat(activeScript(a.id())).isEmpty();
        assertThat(sieveActive(a.id())).isFalse();
        assertThat(scripts(a.id())).extracting(Rows.SieveScript::name).containsExactly("main");
    }

    @Test
    void aVacationReplyIsClaimedOncePerSenderAndHandleUntilItExpires() {
        Rows.Account a = account("away@example.test");
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        Instant week = t.plus(java.time.Duration.ofDays(7));
        assertThat((Boolean) store.writeAndWait(tx -> tx.sieve().claimVacationReply(a.id(), "x@y.example", "h", t, week))).isTrue();
        assertThat((Boolean) store.writeAndWait(tx -> tx.sieve().claimVacationReply(a.id(), "x@y.example", "h", t.plusSeconds(60),
                week.plusSeconds(60)))).isFalse();
        assertThat((Boolean) store.writeAndWait(tx -> tx.sieve().claimVacationReply(a.id(), "x@y.example", "other", t, week))).isTrue();
        assertThat((Boolean) store.writeAndWait(tx -> tx.sieve().claimVacationReply(a.id(), "z@y.example", "h", t, week))).isTrue();
        // once the week is over, the sender may be answered again, for another week
        assertThat((Boolean) store.writeAndWait(tx -> tx.sieve().claimVacationReply(a.id(), "x@y.example", "h", week,
                week.plus(java.time.Duration.ofDays(7))))).isTrue();
        assertThat((Boolean) store.writeAndWait(tx -> tx.sieve().claimVacationReply(a.id(), "x@y.example", "h", week.plusSeconds(1),
                week.plusSeconds(2)))).isFalse();
        int purged = store.writeAndWait(tx -> tx.sieve().purgeVacationReplies(week.plusSeconds(1), 100));
        assertThat(purged).as("the two claims that expired a week after the first").isEqualTo(2);
    }

    @Test
    void duplicateIdsAreRememberedUntilTheyExpireAndLastStartsTheTimeAgain() {
        Rows.Account a = account("dup@example.test");
        Rows.Account b = account("dup2@example.test");
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        Instant day = t.plus(java.time.Duration.ofDays(1));
        assertThat((Boolean) store.read(tx -> tx.sieve().duplicateSeen(a.id(), "k1", t))).isFalse();
        store.writeAndWait(tx -> {
            tx.sieve().trackDuplicate(a.id(), "k1", t, day, false);
            return null;
        });
        assertThat((Boolean) store.read(tx -> tx.sieve().duplicateSeen(a.id(), "k1", t.plusSeconds(60)))).isTrue();
        assertThat((Boolean) store.read(tx -> tx.sieve().duplicateSeen(b.id(), "k1", t.plusSeconds(60))))
                .as("per account").isFalse();
        assertThat((Boolean) store.read(tx -> tx.sieve().duplicateSeen(a.id(), "k1", day))).as("expired").isFalse();
        // seen again within the day: without :last the first sighting's time stands
        store.writeAndWait(tx -> {
            tx.sieve().trackDuplicate(a.id(), "k1", t.plusSeconds(3600), day.plusSeconds(3600), false);
            return null;
        });
        assertThat((Boolean) store.read(tx -> tx.sieve().duplicateSeen(a.id(), "k1", day))).isFalse();
        // with :last it starts again
        store.writeAndWait(tx -> {
            tx.sieve().trackDuplicate(a.id(), "k1", t.plusSeconds(7200), day.plusSeconds(7200), true);
            return null;
        });
        assertThat((Boolean) store.read(tx -> tx.sieve().duplicateSeen(a.id(), "k1", day.plusSeconds(7199)))).isTrue();
        // once over, a new sighting is remembered anew
        store.writeAndWait(tx -> {
            tx.sieve().trackDuplicate(a.id(), "k2", t, t.plusSeconds(10), false);
            tx.sieve().trackDuplicate(a.id(), "k2", t.plusSeconds(20), t.plusSeconds(100), false);
            return null;
        });
        assertThat((Boolean) store.read(tx -> tx.sieve().duplicateSeen(a.id(), "k2", t.plusSeconds(50)))).isTrue();
        int purged = store.writeAndWait(tx -> tx.sieve().purgeDuplicates(day.plusSeconds(7200), 100));
        assertThat(purged).isEqualTo(2);
        assertThat((Boolean) store.read(tx -> tx.sieve().duplicateSeen(a.id(), "k1", t))).as("purged").isFalse();
    }

    private java.util.List<Rows.SieveScript> scripts(long accountId) {
        return store.read(tx -> tx.sieve().scripts(accountId));
    }

    private java.util.Optional<Rows.SieveScript> activeScript(long accountId) {
        return store.read(tx -> tx.sieve().active(accountId));
    }

    private boolean sieveActive(long accountId) {
        return store.read(tx -> tx.directory().account(accountId)).orElseThrow().sieveActive();
    }

    @Test
    void adminUsersAndTheirSessions() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        boolean added = store.writeAndWait(tx -> tx.admin().insertAdminUser("root", "hash1", t0));
        boolean again = store.writeAndWait(tx -> tx.admin().insertAdminUser("root", "hash2", t0));
        store.writeAndWait(tx -> tx.admin().insertAdminUser("ops", "hash3", t0));
        store.writeAndWait(tx -> {
            tx.admin().insertSession(new Rows.AdminSession("s1", "root", "csrf1", t0, t0.plusSeconds(60)));
            tx.admin().insertSession(new Rows.AdminSession("s2", "root", "csrf2", t0, t0.plusSeconds(600)));
            tx.admin().insertSession(new Rows.AdminSession("s3", "ops", "csrf3", t0, t0.plusSeconds(600)));
            return null;
        });
        assertThat(added).isTrue();
        assertThat(again).isFalse();
        var r1 = store.read(tx -> tx.admin().adminUsers());
        assertThat(r1).extracting(Rows.AdminUser::name)
                .containsExactly("ops", "root");
        var r2 = store.read(tx -> tx.admin().adminUser("root"));
        assertThat(r2).get()
                .extracting(Rows.AdminUser::passwordHash).isEqualTo("hash1");
        var r3 = store.read(tx -> tx.admin().session("s1"));
        assertThat(r3)
                .contains(new Rows.AdminSession("s1", "root", "csrf1", t0, t0.plusSeconds(60)));

        boolean passwd = store.writeAndWait(tx -> tx.admin().updateAdminPassword("root", "hash4"));
        boolean passwdUnknown = store.writeAndWait(tx -> tx.admin().updateAdminPassword("nobody", "x"));
        int purged = store.writeAndWait(tx -> tx.admin().purgeSessions(t0.plusSeconds(120)));
        boolean loggedOut = store.writeAndWait(tx -> tx.admin().deleteSession("s2"));
        boolean deleted = store.writeAndWait(tx -> tx.admin().deleteAdminUser("ops"));
        assertThat(passwd).isTrue();
        assertThat(passwdUnknown).isFalse();
        assertThat(purged).isEqualTo(1);
        assertThat(loggedOut).isTrue();
        assertThat(deleted).isTrue();
        var r4 = store.read(tx -> tx.admin().session("s1"));
        assertThat(r4).isEmpty();
        var r5 = store.read(tx -> tx.admin().session("s3"));
        assertThat(r5).isEmpty();   // went with its admin
        var r6 = store.read(tx -> tx.admin().adminUsers());
        assertThat(r6).extracting(Rows.AdminUser::name).containsExactly("root");
        store.writeAndWait(tx -> {
            tx.admin().insertSession(new Rows.AdminSession("s4", "root", "c", t0, t0.plusSeconds(600)));
            tx.admin().insertSession(new Rows.AdminSession("s5", "root", "c", t0, t0.plusSeconds(600)));
            return null;
        });
        int ended = store.writeAndWait(tx -> tx.admin().deleteSessions("root"));
        assertThat(ended).isEqualTo(2);
    }

    @Test
    void apiTokensRoundTripAreTouchedAndRevoked() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Rows.ApiToken open = new Rows.ApiToken("a1", "deploy", "hash-a", List.of("admin"), List.of(), "cli", t0,
                null, null);
        Rows.ApiToken tenant = new Rows.ApiToken("b2", "shop", "hash-b", List.of("accounts:read", "queue:read"),
                List.of("shop.example", "xn--bcher-kva.example"), "root", t0.plusSeconds(1), null, t0.plusSeconds(3600));
        store.writeAndWait(tx -> {
            tx.admin().insertToken(open);
            tx.admin().insertToken(tenant);
            return null;
        });
        var r7 = store.read(tx -> tx.admin().tokenBySecret("hash-b"));
        assertThat(r7).contains(tenant);
        var r8 = store.read(tx -> tx.admin().tokenBySecret("hash-x"));
        assertThat(r8).isEmpty();
        var r9 = store.read(tx -> tx.admin().tokens());
        assertThat(r9).containsExactly(open, tenant);
        assertThatThrownBy(() -> store.writeAndWait(tx -> {
            tx.admin().insertToken(new Rows.ApiToken("c3", "dup", "hash-a", List.of("admin"), List.of(), "cli", t0,
                    null, null));
            return null;
        })).isInstanceOf(StoreException.class);

        store.writeAndWait(tx -> {
            tx.admin().touchToken("a1", t0.plusSeconds(5));
            return null;
        });
        var r10 = store.read(tx -> tx.admin().tokenBySecret("hash-a"));
        assertThat(r10).get()
                .extracting(Rows.ApiToken::lastUsedAt).isEqualTo(t0.plusSeconds(5));
        boolean revoked = store.writeAndWait(tx -> tx.admin().deleteToken("a1"));
        boolean revokedAgain = store.writeAndWait(tx -> tx.admin().deleteToken("a1"));
        assertThat(revoked).isTrue();
        assertThat(revokedAgain).isFalse();
        var r11 = store.read(tx -> tx.admin().tokens());
        assertThat(r11).containsExactly(tenant);
    }

    @Test
    void queuedMessagesKeepTheirMessageIdAndTheQueueIsCounted() {
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        var empty = store.read(tx -> tx.queue().stats());
        assertThat(empty).isEqualTo(new Rows.QueueStats(0, 0, null));
        store.writeAndWait(tx -> {
            tx.blobs().insert("M1", 10, 1);
            return tx.queue().insert(new Rows.QueuedMessage("M1", "M1", "s@example.org", 10, "7BIT", false, null, null,
                            "192.0.2.1", "client.example", null, "smtp", t0, false)
                            .withMessageIdHeader("abc@example.org"),
                    List.of(new Rows.NewRecipient("a@example.test", null, null),
                            new Rows.NewRecipient("b@example.test", null, null)), t0);
        });
        queueMessage("M2", t0.plusSeconds(5), "c@example.test");
        long first = store.read(tx -> tx.queue().recipients("M1")).get(0).id();
        store.writeAndWait(tx -> tx.queue().finish(first, "delivered", "ok", t0));
        var m1 = store.read(tx -> tx.queue().message("M1")).orElseThrow();
        var m2 = store.read(tx -> tx.queue().message("M2")).orElseThrow();
        var stats = store.read(tx -> tx.queue().stats());
        assertThat(m1.messageIdHeader()).isEqualTo("abc@example.org");
        assertThat(m2.messageIdHeader()).isNull();
        assertThat(stats).isEqualTo(new Rows.QueueStats(2, 2, t0));
    }

    private void traceMessage(String queueId, String messageId, String sender, Instant receivedAt,
                              String... recipients) {
        store.writeAndWait(tx -> {
            tx.tracking().insertMessage(new Rows.TraceMessage(queueId, messageId, sender, 100, "smtp", "192.0.2.1",
                    null, receivedAt), List.of(recipients), "queued");
            tx.tracking().insertEvent(new Rows.DeliveryEvent(queueId, receivedAt.toEpochMilli() * 1000, receivedAt,
                    "received", null, "{\"listener\":\"smtp\"}"));
            return null;
        });
    }

    private List<String> traced(Rows.TraceFilter filter, int limit) {
        return store.read(tx -> tx.tracking().search(filter, limit)).stream().map(Rows.TraceMessage::queueId).toList();
    }

    private static Rows.TraceFilter anyTrace() {
        return new Rows.TraceFilter(null, null, null, null, null, null, null, null);
    }

    @Test
    void deliveryRecordsKeepEventsInOrderAndLatestStates() {
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        traceMessage("T1", "m1@example.org", "Alice@Example.org", t0, "bob@example.test", "Carol@Example.test");
        store.writeAndWait(tx -> {
            tx.tracking().insertEvent(new Rows.DeliveryEvent("T1", t0.toEpochMilli() * 1000 + 2, t0.plusSeconds(2),
                    "delivered", "bob@example.test", "{}"));
            tx.tracking().insertEvent(new Rows.DeliveryEvent("T1", t0.toEpochMilli() * 1000 + 1, t0.plusSeconds(1),
                    "attempt", "bob@example.test", "{\"reply\":\"250 ok\"}"));
            return null;
        });
        var set = store.writeAndWait(tx -> tx.tracking().setStatus("T1", "bob@example.test", "delivered",
                t0.plusSeconds(2)));
        var unknown = store.writeAndWait(tx -> tx.tracking().setStatus("T1", "nobody@example.test", "delivered", t0));
        var message = store.read(tx -> tx.tracking().message("T1")).orElseThrow();
        var recipients = store.read(tx -> tx.tracking().recipients("T1"));
        var events = store.read(tx -> tx.tracking().events("T1"));
        assertThat(set).isTrue();
        assertThat(unknown).isFalse();
        assertThat(message).isEqualTo(new Rows.TraceMessage("T1", "m1@example.org", "Alice@Example.org", 100, "smtp",
                "192.0.2.1", null, t0));
        assertThat(recipients).containsExactly(
                new Rows.TraceRecipient("T1", "bob@example.test", "delivered", t0.plusSeconds(2)),
                new Rows.TraceRecipient("T1", "Carol@Example.test", "queued", t0));
        assertThat(events).extracting(Rows.DeliveryEvent::type).containsExactly("received", "attempt", "delivered");
        assertThat(events.get(1).data()).isEqualTo("{\"reply\":\"250 ok\"}");
        assertThat(events.get(0).recipient()).isNull();
    }

    @Test
    void deliveryRecordsAreSearchedNewestFirstByEachFilter() {
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        traceMessage("S1", "one@example.org", "alice@example.org", t0, "bob@example.test");
        traceMessage("S2", "two@example.org", "", t0.plusSeconds(10), "alice@example.org");
        traceMessage("S3", null, "dave@other.example", t0.plusSeconds(20), "bob@example.test", "eve@example.test");
        traceMessage("S4", "four@example.org", "alice@example.org", t0.plusSeconds(20), "x_y@example.test");
        store.writeAndWait(tx -> tx.tracking().setStatus("S3", "eve@example.test", "bounced", t0));

        assertThat(traced(anyTrace(), 10)).containsExactly("S4", "S3", "S2", "S1");
        assertThat(traced(new Rows.TraceFilter("two@example.org", null, null, null, null, null, null, null), 10))
                .containsExactly("S2");
        assertThat(traced(new Rows.TraceFilter(null, "S3", null, null, null, null, null, null), 10))
                .containsExactly("S3");
        assertThat(traced(new Rows.TraceFilter(null, null, "alice@example.org", null, null, null, null, null), 10))
                .containsExactly("S4", "S1");
        assertThat(traced(new Rows.TraceFilter(null, null, "", null, null, null, null, null), 10))
                .containsExactly("S2");
        assertThat(traced(new Rows.TraceFilter(null, null, "@other.example", null, null, null, null, null), 10))
                .containsExactly("S3");
        assertThat(traced(new Rows.TraceFilter(null, null, null, "bob@example.test", null, null, null, null), 10))
                .containsExactly("S3", "S1");
        assertThat(traced(new Rows.TraceFilter(null, null, null, "@example.org", null, null, null, null), 10))
                .containsExactly("S2");
        // "_" in a domain pattern is a character, not a wildcard.
        assertThat(traced(new Rows.TraceFilter(null, null, null, "@e_ample.test", null, null, null, null), 10))
                .isEmpty();
        assertThat(traced(new Rows.TraceFilter(null, null, null, null, t0.plusSeconds(10), t0.plusSeconds(20), null,
                null), 10)).containsExactly("S2");
        assertThat(traced(new Rows.TraceFilter(null, null, null, null, null, null, "bounced", null), 10))
                .containsExactly("S3");
        assertThat(traced(new Rows.TraceFilter(null, null, null, "bob@example.test", null, null, "bounced", null), 10))
                .as("the state of that recipient").isEmpty();
        assertThat(traced(new Rows.TraceFilter(null, null, null, null, null, null, null,
                new Rows.TraceCursor(t0.plusSeconds(20), "S4")), 2)).containsExactly("S3", "S2");
        assertThat(traced(new Rows.TraceFilter(null, null, null, null, null, null, null,
                new Rows.TraceCursor(t0.plusSeconds(10), "S2")), 2)).containsExactly("S1");
    }

    @Test
    void purgingForgetsOldRecordsOfMessagesThatLeftTheQueue() {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Instant old = now.minus(java.time.Duration.ofDays(40));
        traceMessage("OLD1", null, "a@example.org", old, "b@example.test");
        traceMessage("OLD2", null, "a@example.org", old.plusSeconds(1), "b@example.test");
        traceMessage("STILLQ", null, "a@example.org", old, "b@example.test");
        queueMessage("STILLQ", old, "b@example.test");
        traceMessage("NEW", null, "a@example.org", now, "b@example.test");
        store.writeAndWait(tx -> {
            tx.tracking().insertEvent(new Rows.DeliveryEvent("UNTRACED", 1, old, "delivered", "b@example.test", "{}"));
            tx.tracking().insertEvent(new Rows.DeliveryEvent("UNTRACED2", 2, now, "delivered", "b@example.test", "{}"));
            return null;
        });
        Instant cutoff = now.minus(java.time.Duration.ofDays(30));
        int first = store.writeAndWait(tx -> tx.tracking().purge(cutoff, 1));
        int second = store.writeAndWait(tx -> tx.tracking().purge(cutoff, 10));
        var left = traced(anyTrace(), 10);
        var oldEvents = store.read(tx -> tx.tracking().events("OLD1"));
        var recipients = store.read(tx -> tx.tracking().recipients("OLD2"));
        var untraced = store.read(tx -> tx.tracking().events("UNTRACED"));
        var untracedNew = store.read(tx -> tx.tracking().events("UNTRACED2"));
        var kept = store.read(tx -> tx.tracking().events("NEW"));
        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(1);
        assertThat(left).containsExactly("NEW", "STILLQ");
        assertThat(oldEvents).isEmpty();
        assertThat(recipients).isEmpty();
        assertThat(untraced).isEmpty();
        assertThat(untracedNew).hasSize(1);
        assertThat(kept).hasSize(1);
    }

    private static Rows.WebhookDelivery pendingDelivery(String id, String webhookId, Instant due) {
        return new Rows.WebhookDelivery(id, webhookId, "delivered", "{\"id\":\"" + id + "\"}", "pending", 0, due,
                null, null, due, due, null);
    }

    /** The enabled webhooks as a write transaction sees them. */
    private List<Rows.Webhook> enabledInWrite() {
        return store.writeAndWait(tx -> tx.webhooks().enabledWebhooks());
    }

    @Test
    void manyTrackingRowsOfOneWriteAreKeptInOrderWithEachRecipientsLastState() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            recipients.add("r" + i + "@example.test");
        }
        recipients.add("r0@example.test");   // twice in the envelope, traced once
        List<Object> answers = store.writeAndWait(tx -> {
            List<Object> out = new ArrayList<>();
            tx.tracking().insertMessage(new Rows.TraceMessage("B1", "m@example.test", "Sender@Example.test", 10,
                    "smtp", "192.0.2.1", null, t0), recipients, "queued");
            for (int i = 0; i < 150; i++) {
                tx.tracking().insertEvent(new Rows.DeliveryEvent("B1", i + 1, t0, "queued", recipients.get(i), "{}"));
            }
            out.add(tx.tracking().setStatus("B1", "r7@example.test", "deferred", t0.plusSeconds(1)));
            out.add(tx.tracking().setStatus("B1", "r7@example.test", "delivered", t0.plusSeconds(2)));
            out.add(tx.tracking().setStatus("B1", "nobody@example.test", "delivered", t0));
            out.add(tx.tracking().recipients("B1").size());
            out.add(tx.tracking().setStatus("B1", "r8@example.test", "bounced", t0.plusSeconds(3)));
            tx.tracking().insertEvent(new Rows.DeliveryEvent("B1", 151, t0, "delivered", "r7@example.test", "{}"));
            return out;
        });
        assertThat(answers).containsExactly(true, true, false, 150, true);
        var message = store.read(tx -> tx.tracking().message("B1")).orElseThrow();
        var traced = store.read(tx -> tx.tracking().recipients("B1"));
        var events = store.read(tx -> tx.tracking().events("B1"));
        assertThat(message.sender()).isEqualTo("Sender@Example.test");
        assertThat(traced).extracting(Rows.TraceRecipient::address).containsExactlyElementsOf(recipients.subList(0, 150));
        assertThat(traced.get(7).status()).isEqualTo("delivered");
        assertThat(traced.get(7).updatedAt()).isEqualTo(t0.plusSeconds(2));
        assertThat(traced.get(8).status()).isEqualTo("bounced");
        assertThat(traced.get(9).status()).isEqualTo("queued");
        assertThat(events).hasSize(151);
        assertThat(events.get(150).type()).isEqualTo("delivered");
        assertThat(events.get(0).recipient()).isEqualTo("r0@example.test");
        assertThat(traced(new Rows.TraceFilter(null, null, "sender@example.test", null, null, null, null, null,
                java.util.Set.of()), 10)).containsExactly("B1");
    }

    @Test
    void writesSeeEveryCommittedChangeOfTheEnabledWebhooksAndNoRolledBackOne() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Rows.Webhook first = new Rows.Webhook("w1", "https://hooks.example/a", "whsec_a", List.of("delivered"),
                List.of(), true, t0);
        Rows.Webhook undone = new Rows.Webhook("w2", "https://hooks.example/b", "whsec_b", List.of("delivered"),
                List.of(), true, t0.plusSeconds(1));
        assertThat(enabledInWrite()).isEmpty();

        store.writeAndWait(tx -> {
            tx.webhooks().insertWebhook(first);
            assertThat(tx.webhooks().enabledWebhooks()).containsExactly(first);
            return null;
        });
        assertThat(enabledInWrite()).containsExactly(first);

        // A write that fails after adding one, and a write right behind it (often in the same batch).
        CompletableFuture<Object> failed = store.write(tx -> {
            tx.webhooks().insertWebhook(undone);
            assertThat(tx.webhooks().enabledWebhooks()).containsExactly(first, undone);
            throw new IllegalStateException("changed my mind");
        });
        CompletableFuture<List<Rows.Webhook>> behind = store.write(tx -> tx.webhooks().enabledWebhooks());
        assertThatThrownBy(failed::join).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(behind.join()).containsExactly(first);

        store.writeAndWait(tx -> tx.webhooks().updateWebhook(new Rows.Webhook("w1", first.url(), first.secret(),
                first.events(), first.domains(), false, t0)));
        assertThat(enabledInWrite()).isEmpty();
        store.writeAndWait(tx -> tx.webhooks().updateWebhook(first));
        assertThat(enabledInWrite()).containsExactly(first);
        store.writeAndWait(tx -> tx.webhooks().deleteWebhook("w1"));
        assertThat(enabledInWrite()).isEmpty();
    }

    @Test
    void webhooksRoundTripChangeAndGoWithTheirDeliveries() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Rows.Webhook all = new Rows.Webhook("w1", "https://hooks.example/a", "whsec_a", List.of("delivered", "bounced"),
                List.of(), true, t0);
        Rows.Webhook shop = new Rows.Webhook("w2", "http://hooks.example/b", "whsec_b", List.of("received"),
                List.of("shop.example", "xn--bcher-kva.example"), false, t0.plusSeconds(1));
        store.writeAndWait(tx -> {
            tx.webhooks().insertWebhook(all);
            tx.webhooks().insertWebhook(shop);
            tx.webhooks().insertDelivery(pendingDelivery("d1", "w1", t0));
            tx.webhooks().insertDelivery(pendingDelivery("d2", "w1", t0.plusSeconds(1)));
            tx.webhooks().insertDelivery(pendingDelivery("d3", "w2", t0));
            return null;
        });
        var listed = store.read(tx -> tx.webhooks().webhooks());
        var enabled = store.read(tx -> tx.webhooks().enabledWebhooks());
        var one = store.read(tx -> tx.webhooks().webhook("w2"));
        assertThat(listed).containsExactly(all, shop);
        assertThat(enabled).containsExactly(all);
        assertThat(one).contains(shop);
        assertThat(one.get().toString()).doesNotContain("whsec_b");

        Rows.Webhook changed = new Rows.Webhook("w2", "https://hooks.example/c", "ignored", List.of("expired"),
                List.of(), true, t0);
        boolean updated = store.writeAndWait(tx -> tx.webhooks().updateWebhook(changed));
        var after = store.read(tx -> tx.webhooks().webhook("w2")).orElseThrow();
        assertThat(updated).isTrue();
        assertThat(after.url()).isEqualTo("https://hooks.example/c");
        assertThat(after.events()).containsExactly("expired");
        assertThat(after.domains()).isEmpty();
        assertThat(after.enabled()).isTrue();
        assertThat(after.secret()).isEqualTo("whsec_b");

        var newestFirst = store.read(tx -> tx.webhooks().deliveries("w1", 10));
        assertThat(newestFirst).extracting(Rows.WebhookDelivery::id).containsExactly("d2", "d1");
        assertThat(newestFirst.get(1)).isEqualTo(pendingDelivery("d1", "w1", t0));
        boolean deleted = store.writeAndWait(tx -> tx.webhooks().deleteWebhook("w1"));
        boolean deletedAgain = store.writeAndWait(tx -> tx.webhooks().deleteWebhook("w1"));
        assertThat(deleted).isTrue();
        assertThat(deletedAgain).isFalse();
        var gone = store.read(tx -> tx.webhooks().delivery("d1"));
        var kept = store.read(tx -> tx.webhooks().delivery("d3"));
        assertThat(gone).isEmpty();
        assertThat(kept).isPresent();
    }

    @Test
    void aWebhookPurgeTakesAtMostItsLimitOfFinishedDeliveries() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        store.writeAndWait(tx -> {
            tx.webhooks().insertWebhook(new Rows.Webhook("w1", "https://hooks.example/a", "whsec_a",
                    List.of("delivered"), List.of(), true, t0));
            for (int i = 0; i < 5; i++) {
                tx.webhooks().insertDelivery(new Rows.WebhookDelivery("done" + i, "w1", "delivered", "{}",
                        i % 2 == 0 ? "delivered" : "failed", 1, t0, 200, null, t0, t0, t0));
            }
            tx.webhooks().insertDelivery(pendingDelivery("waiting", "w1", t0));
            tx.webhooks().insertDelivery(new Rows.WebhookDelivery("recent", "w1", "delivered", "{}", "delivered", 1,
                    t0, 200, null, t0, t0.plusSeconds(60), t0.plusSeconds(60)));
            return null;
        });
        Instant before = t0.plusSeconds(1);

        List<Integer> pieces = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pieces.add(store.writeAndWait(tx -> tx.webhooks().purgeDeliveries(before, 2)));
        }

        assertThat(pieces).containsExactly(2, 2, 1, 0);
        var left = store.read(tx -> tx.webhooks().deliveries("w1", 10));
        assertThat(left).extracting(Rows.WebhookDelivery::id).containsExactlyInAnyOrder("waiting", "recent");
    }

    @Test
    void webhookDeliveriesAreClaimedOnceWithALeaseAndRecordedUnderTheClaim() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        store.writeAndWait(tx -> {
            tx.webhooks().insertWebhook(new Rows.Webhook("w1", "https://hooks.example/a", "whsec_a",
                    List.of("delivered"), List.of(), true, t0));
            tx.webhooks().insertWebhook(new Rows.Webhook("off", "https://hooks.example/b", "whsec_b",
                    List.of("delivered"), List.of(), false, t0));
            tx.webhooks().insertDelivery(pendingDelivery("d1", "w1", t0));
            tx.webhooks().insertDelivery(pendingDelivery("d2", "w1", t0.plusSeconds(10)));
            tx.webhooks().insertDelivery(pendingDelivery("d3", "w1", t0.plusSeconds(100)));
            tx.webhooks().insertDelivery(pendingDelivery("d4", "off", t0));
            return null;
        });
        var due = store.read(tx -> tx.webhooks().nextDue());
        assertThat(due).contains(t0);

        Instant now = t0.plusSeconds(20);
        Instant lease = now.plusSeconds(60);
        var first = store.writeAndWait(tx -> tx.webhooks().claim("a", now, lease, 1));
        var second = store.writeAndWait(tx -> tx.webhooks().claim("b", now, lease, 10));
        var third = store.writeAndWait(tx -> tx.webhooks().claim("c", now, lease, 10));
        assertThat(first).extracting(c -> c.delivery().id()).containsExactly("d1");
        assertThat(first.get(0).url()).isEqualTo("https://hooks.example/a");
        assertThat(first.get(0).secret()).isEqualTo("whsec_a");
        // Not due yet (d3) or of a disabled webhook (d4): not claimed; claimed ones are not claimed again.
        assertThat(second).extracting(c -> c.delivery().id()).containsExactly("d2");
        assertThat(third).isEmpty();
        var afterClaims = store.read(tx -> tx.webhooks().nextDue());
        assertThat(afterClaims).contains(lease);

        boolean wrongClaim = store.writeAndWait(tx -> tx.webhooks().recordAttempt("d1", "b", "delivered", 200, null,
                now, now));
        boolean failed = store.writeAndWait(tx -> tx.webhooks().recordAttempt("d1", "a", "pending", 500, "HTTP 500",
                now.plusSeconds(30), now));
        boolean delivered = store.writeAndWait(tx -> tx.webhooks().recordAttempt("d2", "b", "delivered", 204, null,
                now, now));
        assertThat(wrongClaim).isFalse();
        assertThat(failed).isTrue();
        assertThat(delivered).isTrue();
        var d1 = store.read(tx -> tx.webhooks().delivery("d1")).orElseThrow();
        var d2 = store.read(tx -> tx.webhooks().delivery("d2")).orElseThrow();
        assertThat(d1.state()).isEqualTo("pending");
        assertThat(d1.attempts()).isEqualTo(1);
        assertThat(d1.lastStatus()).isEqualTo(500);
        assertThat(d1.lastError()).isEqualTo("HTTP 500");
        assertThat(d1.nextAttemptAt()).isEqualTo(now.plusSeconds(30));
        assertThat(d1.deliveredAt()).isNull();
        assertThat(d2.state()).isEqualTo("delivered");
        assertThat(d2.attempts()).isEqualTo(1);
        assertThat(d2.lastStatus()).isEqualTo(204);
        assertThat(d2.deliveredAt()).isEqualTo(now);
        // The claim is spent: recording again under it changes nothing.
        boolean again = store.writeAndWait(tx -> tx.webhooks().recordAttempt("d2", "b", "delivered", 200, null,
                now, now));
        assertThat(again).isFalse();

        // An expired lease makes the delivery due again for any sender.
        var reclaimed = store.writeAndWait(tx -> tx.webhooks().claim("d", now.plusSeconds(30), now.plusSeconds(90), 10));
        assertThat(reclaimed).extracting(c -> c.delivery().id()).containsExactly("d1");

        int purged = store.writeAndWait(tx -> tx.webhooks().purgeDeliveries(now.plusSeconds(1), 100));
        assertThat(purged).isEqualTo(1);
        var remaining = store.read(tx -> tx.webhooks().deliveries("w1", 10));
        assertThat(remaining).extracting(Rows.WebhookDelivery::id).containsExactly("d3", "d1");
    }

    @Test
    void deliveryRecordsAreSearchedWithinDomains() {
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        traceMessage("D1", null, "Alice@Shop.Example", t0, "x@elsewhere.example");
        traceMessage("D2", null, "x@elsewhere.example", t0.plusSeconds(1), "y@other.example", "Bob@Shop.Example");
        traceMessage("D3", null, "x@elsewhere.example", t0.plusSeconds(2), "y@other.example");
        traceMessage("D4", null, "", t0.plusSeconds(3), "z@shop_example.test");
        traceMessage("D5", null, "a@xn--bcher-kva.example", t0.plusSeconds(4), "y@other.example");
        traceMessage("D6", null, "a@elsewhere.example", t0.plusSeconds(5), "b@bücher.example");

        assertThat(traced(new Rows.TraceFilter(null, null, null, null, null, null, null, null,
                java.util.Set.of("shop.example")), 10)).containsExactly("D2", "D1");
        assertThat(traced(new Rows.TraceFilter(null, null, null, null, null, null, null, null,
                java.util.Set.of("shop.example", "other.example")), 10)).containsExactly("D5", "D3", "D2", "D1");
        assertThat(traced(new Rows.TraceFilter(null, null, null, null, null, null, null, null,
                java.util.Set.of("shopxexample.test")), 10)).as("_ is no wildcard").isEmpty();
        assertThat(traced(new Rows.TraceFilter(null, null, null, null, null, null, null, null,
                java.util.Set.of("xn--bcher-kva.example")), 10)).as("A-label and Unicode forms")
                .containsExactly("D6", "D5");
        assertThat(traced(new Rows.TraceFilter(null, null, null, null, null, null, null,
                new Rows.TraceCursor(t0.plusSeconds(1), "D2"), java.util.Set.of("shop.example")), 10))
                .containsExactly("D1");
        assertThat(traced(new Rows.TraceFilter(null, null, "@elsewhere.example", null, null, null, null, null,
                java.util.Set.of("shop.example")), 10)).as("with the other filters").containsExactly("D2");
    }

    private void event(String queueId, long seq, Instant at, String type, String recipient) {
        store.writeAndWait(tx -> {
            tx.tracking().insertEvent(new Rows.DeliveryEvent(queueId, seq, at, type, recipient, "{}"));
            return null;
        });
    }

    @Test
    void deliveryEventsAreCountedByTypeAndHour() {
        Instant h0 = Instant.parse("2030-01-01T10:00:00Z");
        Instant h1 = h0.plus(java.time.Duration.ofHours(1));
        traceMessage("C1", null, "a@shop.example", h0.plusSeconds(5), "x@elsewhere.example", "y@other.example");
        event("C1", 2, h0.plusSeconds(6), "queued", "x@elsewhere.example");
        event("C1", 3, h0.plusSeconds(6), "queued", "y@other.example");
        event("C1", 4, h0.plusSeconds(3599), "deferred", "x@elsewhere.example");
        event("C1", 5, h1, "delivered", "x@elsewhere.example");
        event("C1", 6, h1.plusSeconds(60), "delivered", "y@other.example");
        traceMessage("C2", null, "z@elsewhere.example", h1.plusSeconds(10), "Bob@Shop.Example", "y@other.example");
        event("C2", 2, h1.plusSeconds(11), "delivered", "Bob@Shop.Example");
        event("C2", 3, h1.plusSeconds(12), "bounced", "y@other.example");
        event("OUTSIDE", 1, h1.plus(java.time.Duration.ofHours(1)), "delivered", "x@shop.example");
        event("BEFORE", 1, h0.minusMillis(1), "delivered", "x@shop.example");

        Instant end = h1.plus(java.time.Duration.ofHours(1));
        var all = store.read(tx -> tx.tracking().countEvents(h0, end, java.util.Set.of()));
        assertThat(all).containsExactly(
                new Rows.EventCount("deferred", h0, 1),
                new Rows.EventCount("queued", h0, 2),
                new Rows.EventCount("received", h0, 1),
                new Rows.EventCount("bounced", h1, 1),
                new Rows.EventCount("delivered", h1, 3),
                new Rows.EventCount("received", h1, 1));

        // shop.example sent C1 (all its events count) and receives one recipient of C2.
        var shop = store.read(tx -> tx.tracking().countEvents(h0, end, java.util.Set.of("shop.example")));
        assertThat(shop).containsExactly(
                new Rows.EventCount("deferred", h0, 1),
                new Rows.EventCount("queued", h0, 2),
                new Rows.EventCount("received", h0, 1),
                new Rows.EventCount("delivered", h1, 3),
                new Rows.EventCount("received", h1, 1));
        // other.example only receives: its own recipients' events and the receptions.
        var other = store.read(tx -> tx.tracking().countEvents(h0, end, java.util.Set.of("other.example")));
        assertThat(other).containsExactly(
                new Rows.EventCount("queued", h0, 1),
                new Rows.EventCount("received", h0, 1),
                new Rows.EventCount("bounced", h1, 1),
                new Rows.EventCount("delivered", h1, 1),
                new Rows.EventCount("received", h1, 1));
        var none = store.read(tx -> tx.tracking().countEvents(h0, end, java.util.Set.of("nobody.example")));
        assertThat(none).isEmpty();
    }

    @Test
    void theQueueIsCountedWithinDomains() {
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        queueMessage("QD1", t0, "a@shop.example", "b@elsewhere.example");
        queueMessage("QD2", t0.plusSeconds(5), "c@Shop.Example");
        queueMessage("QD3", t0.plusSeconds(10), "d@elsewhere.example");
        long done = store.read(tx -> tx.queue().recipients("QD1")).get(0).id();
        store.writeAndWait(tx -> tx.queue().finish(done, "delivered", "ok", t0));

        var shop = store.read(tx -> tx.queue().stats(java.util.Set.of("shop.example")));
        var sender = store.read(tx -> tx.queue().stats(java.util.Set.of("example.org")));
        var elsewhere = store.read(tx -> tx.queue().stats(java.util.Set.of("elsewhere.example")));
        var none = store.read(tx -> tx.queue().stats(java.util.Set.of("nobody.example")));
        assertThat(shop).isEqualTo(new Rows.QueueStats(2, 2, t0));
        assertThat(sender).as("every message is from s@example.org").isEqualTo(new Rows.QueueStats(3, 3, t0));
        assertThat(elsewhere).isEqualTo(new Rows.QueueStats(2, 2, t0));
        assertThat(none).isEqualTo(new Rows.QueueStats(0, 0, null));
    }

    @Test
    void theQueueIsListedWithinDomainsBeforeItsLimit() {
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        queueMessage("QL1", t0, "a@elsewhere.example");
        queueMessage("QL2", t0.plusSeconds(5), "b@elsewhere.example");
        queueMessage("QL3", t0.plusSeconds(10), "c@Shop.Example", "d@elsewhere.example");
        queueMessage("QL4", t0.plusSeconds(15), "e@shop.example");

        List<Rows.QueueSummary> first = store.read(tx -> tx.queue().list(1, java.util.Set.of("shop.example")));
        List<Rows.QueueSummary> all = store.read(tx -> tx.queue().list(10, java.util.Set.of("shop.example")));
        List<Rows.QueueSummary> everyone = store.read(tx -> tx.queue().list(2, java.util.Set.of()));
        assertThat(first).extracting(q -> q.message().id()).containsExactly("QL3");
        assertThat(all).extracting(q -> q.message().id()).containsExactly("QL3", "QL4");
        assertThat(all.get(0).recipients()).extracting(Rows.QueueRecipient::address)
                .containsExactly("c@Shop.Example", "d@elsewhere.example");
        assertThat(everyone).extracting(q -> q.message().id()).containsExactly("QL1", "QL2");
        List<Rows.QueueSummary> none = store.read(tx -> tx.queue().list(10, java.util.Set.of("nobody.example")));
        assertThat(none).isEmpty();
    }

    @Test
    void queueSamplesAreKeptInOrderAndPurged() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        store.writeAndWait(tx -> {
            tx.tracking().insertQueueSample(new Rows.QueueSample(t0.plusSeconds(600), 3, 5));
            tx.tracking().insertQueueSample(new Rows.QueueSample(t0, 1, 1));
            tx.tracking().insertQueueSample(new Rows.QueueSample(t0.plusSeconds(300), 2, 4));
            tx.tracking().insertQueueSample(new Rows.QueueSample(t0.plusSeconds(300), 9, 9));  // same moment: kept once
            return null;
        });
        var since = store.read(tx -> tx.tracking().queueSamples(t0.plusSeconds(1)));
        assertThat(since).containsExactly(new Rows.QueueSample(t0.plusSeconds(300), 2, 4),
                new Rows.QueueSample(t0.plusSeconds(600), 3, 5));
        int purged = store.writeAndWait(tx -> tx.tracking().purgeQueueSamples(t0.plusSeconds(301)));
        assertThat(purged).isEqualTo(2);
        var left = store.read(tx -> tx.tracking().queueSamples(t0));
        assertThat(left).containsExactly(new Rows.QueueSample(t0.plusSeconds(600), 3, 5));
    }

    @Test
    void committedWritesSurviveAReopen() throws Exception {
        account("erin@example.test");
        store.close();
        store = reopen();
        var v13 = store.read(tx -> tx.directory().account("erin@example.test"));
        assertThat(v13).isPresent();
    }

    @Test
    void domainOwnershipKeepsItsFirstTokenAndItsFirstVerification() {
        Instant created = Instant.ofEpochMilli(1_800_000_000_000L);
        long domainId = store.writeAndWait(tx -> tx.directory().insertDomain("owned.test", created).id());
        boolean first = store.writeAndWait(tx -> tx.domainOwnership().insert(domainId, "tok-1", created));
        boolean second = store.writeAndWait(tx -> tx.domainOwnership().insert(domainId, "tok-2", created));
        Rows.DomainOwnership unverified = store.read(tx -> tx.domainOwnership().ownership(domainId)).orElseThrow();
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(unverified).isEqualTo(new Rows.DomainOwnership(domainId, "tok-1", created, null));

        Instant at = created.plusSeconds(60);
        boolean marked = store.writeAndWait(tx -> tx.domainOwnership().markVerified(domainId, at));
        boolean markedAgain = store.writeAndWait(tx -> tx.domainOwnership().markVerified(domainId, at.plusSeconds(60)));
        var byName = store.read(tx -> tx.domainOwnership().ownership("owned.test"));
        var unknown = store.read(tx -> tx.domainOwnership().ownership("other.test"));
        assertThat(marked).isTrue();
        assertThat(markedAgain).isFalse();
        assertThat(byName).get().extracting(Rows.DomainOwnership::verifiedAt).isEqualTo(at);
        assertThat(unknown).isEmpty();

        store.writeAndWait(tx -> tx.directory().deleteDomain(domainId));
        var afterDelete = store.read(tx -> tx.domainOwnership().ownership(domainId));
        assertThat(afterDelete).isEmpty();
    }

    private static Rows.SmtpCredential credential(String name, long domainId, String senders, String rate, Instant created) {
        return new Rows.SmtpCredential(name, domainId, null, senders, rate, "HASH", "SCRAM", null, created,
                null, null, 0);
    }

    @Test
    void smtpCredentialsAreStoredRevokedAndCountTheirUse() {
        Instant created = Instant.ofEpochMilli(1_800_000_000_000L);
        long domainId = store.writeAndWait(tx -> tx.directory().insertDomain("apps.test", created).id());
        boolean inserted = store.writeAndWait(tx -> tx.smtpCredentials()
                .insert(credential("app-b@apps.test", domainId, "@apps.test", "100/1h", created)));
        boolean duplicate = store.writeAndWait(tx -> tx.smtpCredentials()
                .insert(credential("app-b@apps.test", domainId, "x@apps.test", null, created)));
        store.writeAndWait(tx -> tx.smtpCredentials().insert(credential("app-a@apps.test", domainId, "a@apps.test b@apps.test",
                null, created)));
        assertThat(inserted).isTrue();
        assertThat(duplicate).isFalse();
        Rows.SmtpCredential b = store.read(tx -> tx.smtpCredentials().credential("app-b@apps.test")).orElseThrow();
        assertThat(b).isEqualTo(new Rows.SmtpCredential("app-b@apps.test", domainId, "apps.test", "@apps.test", "100/1h",
                "HASH", "SCRAM", null, created, null, null, 0));
        assertThat(b.toString()).doesNotContain("HASH").doesNotContain("SCRAM");
        List<Rows.SmtpCredential> ofDomain = store.read(tx -> tx.smtpCredentials().credentials(domainId));
        List<Rows.SmtpCredential> all = store.read(tx -> tx.smtpCredentials().credentials(null));
        int active = store.read(tx -> tx.smtpCredentials().countActive(domainId));
        assertThat(ofDomain).extracting(Rows.SmtpCredential::name).containsExactly("app-a@apps.test", "app-b@apps.test");
        assertThat(all).hasSize(2);
        assertThat(active).isEqualTo(2);

        Instant later = created.plusSeconds(3600);
        store.writeAndWait(tx -> tx.smtpCredentials().addUsage("app-b@apps.test", 3, later));
        store.writeAndWait(tx -> tx.smtpCredentials().addUsage("app-b@apps.test", 2, created.plusSeconds(60)));
        boolean unknownUsage = store.writeAndWait(tx -> tx.smtpCredentials().addUsage("nobody@apps.test", 1, later));
        Rows.SmtpCredential used = store.read(tx -> tx.smtpCredentials().credential("app-b@apps.test")).orElseThrow();
        assertThat(used.messagesSent()).isEqualTo(5);
        assertThat(used.lastUsedAt()).as("the last use never moves back").isEqualTo(later);
        assertThat(unknownUsage).isFalse();

        boolean revoked = store.writeAndWait(tx -> tx.smtpCredentials().revoke("app-b@apps.test", later));
        boolean revokedAgain = store.writeAndWait(tx -> tx.smtpCredentials().revoke("app-b@apps.test", later.plusSeconds(1)));
        assertThat(revoked).isTrue();
        assertThat(revokedAgain).isFalse();
        Rows.SmtpCredential revokedRow = store.read(tx -> tx.smtpCredentials().credential("app-b@apps.test")).orElseThrow();
        int stillActive = store.read(tx -> tx.smtpCredentials().countActive(domainId));
        assertThat(revokedRow.revokedAt()).isEqualTo(later);
        assertThat(stillActive).isEqualTo(1);

        store.writeAndWait(tx -> tx.directory().deleteDomain(domainId));
        List<Rows.SmtpCredential> left = store.read(tx -> tx.smtpCredentials().credentials(null));
        assertThat(left).isEmpty();
    }

    private List<Rows.AclEntry> aclOf(long mailboxId) {
        return store.read(tx -> tx.acls().entries(mailboxId));
    }

    private List<String> sharedWith(Rows.Account a) {
        return store.read(tx -> tx.acls().sharedWith(a.id(), a.domainId())).stream()
                .map(s -> s.ownerAddress() + " " + s.mailbox().name() + " " + s.granteeId() + " " + s.rights()).toList();
    }

    @Test
    void accessControlListsOfMailboxes() {
        Rows.Account alice = account("alice@example.test");
        Rows.Account bob = account("bob@example.test");
        Rows.Account dave = store.writeAndWait(tx -> tx.directory().insertAccount("dave@other.test", "dave@other.test",
                tx.directory().insertDomain("other.test", Instant.now()).id(), "hash", Instant.now()));
        Rows.Mailbox team = store.writeAndWait(tx -> tx.mailboxes().create(alice.id(), "Team", null, 11));
        Rows.Mailbox other = store.writeAndWait(tx -> tx.mailboxes().create(alice.id(), "Other", null, 12));
        Rows.Mailbox bobs = store.writeAndWait(tx -> tx.mailboxes().create(bob.id(), "Bobs", null, 13));
        store.writeAndWait(tx -> {
            tx.acls().set(team.id(), bob.id(), "lr");
            tx.acls().set(team.id(), AclDao.ANYONE, "l");
            tx.acls().set(other.id(), dave.id(), "lrs");
            tx.acls().set(bobs.id(), alice.id(), "lrswi");
            return null;
        });
        assertThat(aclOf(team.id())).containsExactly(new Rows.AclEntry(team.id(), AclDao.ANYONE, "anyone", "l"),
                new Rows.AclEntry(team.id(), bob.id(), "bob@example.test", "lr"));
        // Bob's own entry and anyone's of his domain; Dave is of another domain: only his own entry.
        assertThat(sharedWith(bob)).containsExactlyInAnyOrder("alice@example.test Team 0 l",
                "alice@example.test Team " + bob.id() + " lr");
        assertThat(sharedWith(dave)).containsExactly("alice@example.test Other " + dave.id() + " lrs");
        assertThat(sharedWith(alice)).as("never one's own mailboxes").containsExactly("bob@example.test Bobs "
                + alice.id() + " lrswi");

        store.writeAndWait(tx -> {
            tx.acls().set(team.id(), bob.id(), "lrsw");
            return null;
        });
        assertThat(aclOf(team.id())).extracting(Rows.AclEntry::rights).containsExactly("l", "lrsw");
        boolean deleted = store.writeAndWait(tx -> tx.acls().delete(team.id(), AclDao.ANYONE));
        boolean deletedAgain = store.writeAndWait(tx -> tx.acls().delete(team.id(), AclDao.ANYONE));
        assertThat(deleted).isTrue();
        assertThat(deletedAgain).isFalse();
        store.writeAndWait(tx -> {
            tx.acls().set(team.id(), bob.id(), "");
            return null;
        });
        assertThat(aclOf(team.id())).as("empty rights remove the entry").isEmpty();

        // A mailbox deleted takes its list along; an account deleted, its grants and its mailboxes' lists.
        store.writeAndWait(tx -> {
            tx.mailboxes().delete(other.id());
            return null;
        });
        assertThat(sharedWith(dave)).isEmpty();
        store.writeAndWait(tx -> {
            tx.acls().set(team.id(), bob.id(), "lr");
            tx.mailboxes().deleteAll(alice.id());
            return null;
        });
        assertThat(sharedWith(bob)).isEmpty();
        assertThat(aclOf(bobs.id())).as("alice's grant on bob's mailbox went with her").isEmpty();
    }

    private List<String> annotationsOf(long mailboxId, long accountId) {
        return store.read(tx -> tx.annotations().entries(mailboxId, accountId)).stream()
                .map(a -> a.name() + "=" + a.value()).toList();
    }

    @Test
    void annotationsOfMailboxesAndOfTheServer() {
        Rows.Account alice = account("alice@example.test");
        Rows.Account bob = account("bob@example.test");
        Rows.Mailbox team = store.writeAndWait(tx -> tx.mailboxes().create(alice.id(), "Team", null, 21));
        store.writeAndWait(tx -> {
            tx.annotations().set(team.id(), AnnotationDao.EVERYONE, "/shared/comment", "for all");
            tx.annotations().set(team.id(), alice.id(), "/private/comment", "alice's");
            tx.annotations().set(team.id(), bob.id(), "/private/comment", "bob's");
            tx.annotations().set(AnnotationDao.SERVER, bob.id(), "/private/vendor/x", "theme");
            tx.annotations().set(team.id(), alice.id(), "/private/comment", "alice's, changed");
            return null;
        });
        assertThat(annotationsOf(team.id(), alice.id())).containsExactly("/private/comment=alice's, changed",
                "/shared/comment=for all");
        assertThat(annotationsOf(team.id(), bob.id())).containsExactly("/private/comment=bob's", "/shared/comment=for all");
        assertThat(annotationsOf(AnnotationDao.SERVER, bob.id())).containsExactly("/private/vendor/x=theme");
        assertThat(annotationsOf(AnnotationDao.SERVER, alice.id())).isEmpty();
        // Alice holds her own entry and everyone's on her mailbox; bob his entries, wherever they are.
        long aliceHolds = store.read(tx -> tx.annotations().totalLength(alice.id()));
        long bobHolds = store.read(tx -> tx.annotations().totalLength(bob.id()));
        assertThat(aliceHolds).isEqualTo("alice's, changed".length() + "for all".length());
        assertThat(bobHolds).isEqualTo("bob's".length() + "theme".length());

        store.writeAndWait(tx -> {
            tx.annotations().set(team.id(), alice.id(), "/private/comment", null);
            return null;
        });
        assertThat(annotationsOf(team.id(), alice.id())).containsExactly("/shared/comment=for all");

        // An account deleted takes its own entries everywhere; a mailbox deleted, all of its entries.
        store.writeAndWait(tx -> {
            tx.mailboxes().deleteAll(bob.id());
            return null;
        });
        assertThat(annotationsOf(AnnotationDao.SERVER, bob.id())).isEmpty();
        assertThat(annotationsOf(team.id(), bob.id())).containsExactly("/shared/comment=for all");
        store.writeAndWait(tx -> {
            tx.mailboxes().delete(team.id());
            return null;
        });
        assertThat(annotationsOf(team.id(), alice.id())).isEmpty();
    }
}
