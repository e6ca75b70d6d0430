package dev.tern.delivery;

import dev.tern.directory.Account;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;
import dev.tern.queue.RetryPolicy;
import dev.tern.routing.Router;
import dev.tern.server.Services;
import dev.tern.store.BlobSink;
import dev.tern.store.Rows;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LocalDeliveryTest {

    private static final String BODY = "From: s@example.org\r\nSubject: test\r\n\r\nHello\r\n";

    @TempDir
    Path dir;
    Services services;
    QueueRunner runner;

    @BeforeEach
    void setUp() {
        services = new Services(TestConfigs.write(dir), 4);
        services.directory().addDomain("example.test");
        services.directory().addUser("alice@example.test", "a");
        services.directory().addUser("bob@example.test", "b");
    }

    @AfterEach
    void tearDown() {
        if (runner != null) {
            runner.close();
        }
        services.close();
    }

    private LocalDeliveryAgent agent() {
        return new LocalDeliveryAgent(services.metadata(), services.directory(), services.mailboxes(),
                RetryPolicy.defaults(), services.storageExecutor());
    }

    private void startRunner() {
        LocalDeliveryAgent agent = agent();
        runner = new QueueRunner(services.metadata(), new Router(services.directory()::isLocalDomain), agent,
                Duration.ofMillis(200));
        services.queue().addListener(runner);
        runner.start();
    }

    private String enqueue(String sender, String... recipients) throws Exception {
        return enqueueContent(BODY, sender, recipients);
    }

    private String enqueueContent(String content, String sender, String... recipients) throws Exception {
        return enqueueRecipients(content, sender,
                Arrays.stream(recipients).map(r -> Recipient.of(MailAddress.parse(r))).toList());
    }

    private String enqueueRecipients(String content, String sender, List<Recipient> recipients) throws Exception {
        String id = services.queue().newId();
        BlobSink sink = services.queue().newBody(id);
        sink.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
        Envelope env = new Envelope(sender == null ? null : MailAddress.parse(sender),
                recipients, "7BIT", false, null,
                null, new ClientInfo("192.0.2.7", null, "client.example", "ESMTP", "smtp", null), Instant.now());
        services.queue().enqueue(id, env, sink).join();
        return id;
    }

    private List<Rows.Message> inbox(String address) {
        Account a = services.directory().user(address).orElseThrow();
        Rows.Mailbox inbox = services.mailboxes().mailboxes(a.id()).stream()
                .filter(m -> m.name().equals("INBOX")).findFirst().orElseThrow();
        return services.mailboxes().messages(inbox.id());
    }

    private String content(Rows.Message m) throws Exception {
        try (InputStream in = services.mailboxes().open(m)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aMessageLandsInTheInboxWithReturnPathAndDeliveredTo() throws Exception {
        startRunner();
        String id = enqueue("s@example.org", "alice+news@example.test");
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox("alice@example.test").size() == 1);
        Rows.Message m = inbox("alice@example.test").get(0);
        assertThat(m.uid()).isEqualTo(1);
        assertThat(m.systemFlags()).isZero();
        assertThat(m.keywords()).isEmpty();
        assertThat(content(m)).isEqualTo("Return-Path: <s@example.org>\r\nDelivered-To: alice@example.test\r\n" + BODY);
        assertThat(m.size()).isEqualTo(content(m).length());
        await().atMost(Duration.ofSeconds(5)).until(() -> services.queue().message(id).isEmpty());
    }

    @Test
    void aliasesAndDuplicateRecipientsGiveOneCopyPerAccountAndShareTheContent() throws Exception {
        services.directory().addAlias("team@example.test", List.of("alice@example.test", "bob@example.test"));
        startRunner();
        String id = enqueue(null, "team@example.test", "alice@example.test", "ALICE@example.test");
        await().atMost(Duration.ofSeconds(10)).until(() -> services.queue().message(id).isEmpty());
        assertThat(inbox("alice@example.test")).hasSize(1);
        assertThat(inbox("bob@example.test")).hasSize(1);
        assertThat(content(inbox("bob@example.test").get(0))).startsWith("Return-Path: <>\r\n");
        String blob = inbox("alice@example.test").get(0).blobId();
        assertThat(inbox("bob@example.test").get(0).blobId()).isEqualTo(blob);
        var refs = services.metadata().read(tx -> tx.blobs().refs(blob));
        assertThat(refs).isEqualTo(2);
    }

    @Test
    void queuedMailWaitsForTheRunnerAndIsDeliveredWhenItStarts() throws Exception {
        String id = enqueue("s@example.org", "bob@example.test");
        assertThat(services.queue().list(10)).extracting(s -> s.message().id()).containsExactly(id);
        startRunner();
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox("bob@example.test").size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> services.queue().list(10).isEmpty());
    }

    @Test
    void aRecipientThatNoLongerExistsFailsAndTheQueueEmpties() throws Exception {
        String id = enqueue("s@example.org", "bob@example.test", "alice@example.test");
        services.directory().deleteUser("bob@example.test", services.mailboxes());
        startRunner();
        await().atMost(Duration.ofSeconds(10)).until(() -> services.queue().message(id).isEmpty());
        assertThat(inbox("alice@example.test")).hasSize(1);
    }

    @Test
    void smallContentsAreKeptWithTheMetadataAndGoWithTheirLastReference() throws Exception {
        startRunner();
        String id = enqueue("s@example.org", "bob@example.test");
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox("bob@example.test").size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> services.queue().list(10).isEmpty());
        assertThat(services.blobs().listOlderThan(Long.MAX_VALUE)).isEmpty();
        var inline = services.metadata().read(tx -> tx.blobs().inlineData(id));
        assertThat(inline).isNotNull();
        services.directory().deleteUser("bob@example.test", services.mailboxes());
        var exists = services.metadata().read(tx -> tx.blobs().exists(id));
        assertThat(exists).isFalse();
    }

    @Test
    void largeContentsAreFilesDeletedWithTheirLastReference() throws Exception {
        startRunner();
        String big = "Subject: big\r\n\r\n" + ("x".repeat(998) + "\r\n").repeat(100);
        String id = enqueueContent(big, "s@example.org", "bob@example.test");
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox("bob@example.test").size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> services.queue().list(10).isEmpty());
        assertThat(services.blobs().listOlderThan(Long.MAX_VALUE)).containsExactly(id);
        assertThat(content(inbox("bob@example.test").get(0))).endsWith(big);
        services.directory().deleteUser("bob@example.test", services.mailboxes());
        assertThat(services.blobs().listOlderThan(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void remoteRecipientsWaitForOutboundDeliveryInsteadOfBouncing() throws Exception {
        startRunner();
        String id = enqueue("alice@example.test", "bob@example.test", "friend@remote.example");
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox("bob@example.test").size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> services.queue().recipients(id).stream()
                .anyMatch(r -> r.address().equals("friend@remote.example") && r.state().equals("deferred")));
        Rows.QueueRecipient remote = services.queue().recipients(id).stream()
                .filter(r -> r.address().equals("friend@remote.example")).findFirst().orElseThrow();
        assertThat(remote.lastError()).isEqualTo("4.4.0 outbound delivery not configured");
        assertThat(remote.nextAttemptAt()).isAfter(Instant.now());
        assertThat(services.queue().message(id)).isPresent();
    }

    @Test
    void deletingFromTheQueueRemovesTheMessageUndelivered() throws Exception {
        String id = enqueue("s@example.org", "bob@example.test");
        assertThat(services.queue().delete(id)).isTrue();
        assertThat(services.queue().delete(id)).isFalse();
        assertThat(services.blobs().listOlderThan(Long.MAX_VALUE)).isEmpty();
        startRunner();
        runner.wakeUp();
        assertThat(inbox("bob@example.test")).isEmpty();
    }

    @Test
    void localMailIsInTheMailboxWhenEnqueueingCompletesAndNeverQueued() throws Exception {
        services.queue().setImmediateDelivery(agent());
        String id = enqueue("s@example.org", "alice+news@example.test", "bob@example.test");
        assertThat(inbox("alice@example.test")).hasSize(1);
        assertThat(inbox("bob@example.test")).hasSize(1);
        assertThat(content(inbox("alice@example.test").get(0)))
                .isEqualTo("Return-Path: <s@example.org>\r\nDelivered-To: alice@example.test\r\n" + BODY);
        assertThat(services.queue().message(id)).isEmpty();
        var refs = services.metadata().read(tx -> tx.blobs().refs(id));
        assertThat(refs).isEqualTo(2);
    }

    @Test
    void onlyWhatCannotBeDeliveredAtOnceIsQueued() throws Exception {
        services.queue().setImmediateDelivery(agent());
        Recipient wantsSuccess = new Recipient(MailAddress.parse("bob@example.test"), java.util.Set.of("SUCCESS"), null);
        String id = enqueueRecipients(BODY, "alice@example.test", List.of(
                Recipient.of(MailAddress.parse("alice@example.test")),
                Recipient.of(MailAddress.parse("friend@remote.example")),
                Recipient.of(MailAddress.parse("nobody@example.test")),
                wantsSuccess));
        assertThat(inbox("alice@example.test")).hasSize(1);
        assertThat(services.queue().recipients(id)).extracting(Rows.QueueRecipient::address)
                .containsExactly("friend@remote.example", "nobody@example.test", "bob@example.test");
        startRunner();
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox("bob@example.test").size() == 1);
    }

    @Test
    void aFailingImmediateDeliveryStillQueuesTheMessage() throws Exception {
        services.queue().setImmediateDelivery((tx, message, recipients) -> {
            throw new IllegalStateException("mailbox index broken");
        });
        String id = enqueue("s@example.org", "bob@example.test");
        assertThat(services.queue().recipients(id)).extracting(Rows.QueueRecipient::address)
                .containsExactly("bob@example.test");
        assertThat(inbox("bob@example.test")).isEmpty();
        startRunner();
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox("bob@example.test").size() == 1);
    }

    private Recipient acceptedFor(String address, String... accounts) {
        List<Long> ids = Arrays.stream(accounts).map(a -> services.directory().user(a).orElseThrow().id()).toList();
        return Recipient.of(MailAddress.parse(address)).withLocalAccounts(ids);
    }

    @Test
    void theAccountsFoundAtRcptAreUsedWhileTheyStillReceiveMail() throws Exception {
        services.queue().setImmediateDelivery(agent());
        // Not looked up again: an address that leads nowhere now still goes where it led when accepted.
        String id = enqueueRecipients(BODY, "s@example.org", List.of(acceptedFor("old-alias@example.test",
                "alice@example.test", "bob@example.test")));
        assertThat(inbox("alice@example.test")).hasSize(1);
        assertThat(inbox("bob@example.test")).hasSize(1);
        assertThat(content(inbox("bob@example.test").get(0))).startsWith("Return-Path: <s@example.org>\r\n"
                + "Delivered-To: bob@example.test\r\n");
        assertThat(services.queue().message(id)).isEmpty();
    }

    @Test
    void anAccountDisabledOrDeletedSinceRcptIsResolvedAgainAndGetsNoCopy() throws Exception {
        services.directory().addUser("carol@example.test", "c");
        services.directory().addAlias("team@example.test", List.of("alice@example.test", "carol@example.test"));
        services.queue().setImmediateDelivery(agent());
        Recipient alice = acceptedFor("alice@example.test", "alice@example.test");
        Recipient bob = acceptedFor("bob@example.test", "bob@example.test");
        Recipient team = acceptedFor("team@example.test", "alice@example.test", "carol@example.test");
        services.directory().setEnabled("alice@example.test", false);
        services.directory().deleteUser("bob@example.test", services.mailboxes());

        String id = enqueueRecipients(BODY, "s@example.org", List.of(alice, bob, team));

        // alice and bob are left to the queue, which bounces them as unknown; the alias, resolved
        // again, still leads to carol.
        assertThat(inbox("carol@example.test")).hasSize(1);
        assertThat(services.queue().recipients(id)).extracting(Rows.QueueRecipient::address)
                .containsExactly("alice@example.test", "bob@example.test");
        assertThat(inbox("alice@example.test")).isEmpty();
        startRunner();
        await().atMost(Duration.ofSeconds(10)).until(() -> services.queue().message(id).isEmpty());
        assertThat(inbox("alice@example.test")).isEmpty();
        assertThat(inbox("carol@example.test")).hasSize(1);
    }
}
