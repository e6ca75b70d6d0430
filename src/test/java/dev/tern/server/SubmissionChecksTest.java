package dev.tern.server;

import dev.tern.config.SubmissionSettings;
import dev.tern.directory.SenderPolicy;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.message.SubmissionHeaderFilter;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubmissionChecksTest {

    Services services;
    SubmissionChecks checks;
    final AtomicInteger lookups = new AtomicInteger();

    @BeforeAll
    void setUp(@TempDir Path dir) {
        services = new Services(TestConfigs.write(dir), 2);
        services.directory().addDomain("example.test");
        services.directory().addUser("alice@example.test", "a");
        services.directory().addUser("bob@example.test", "b");
        checks = new SubmissionChecks(new SenderPolicy(services.directory()), SubmissionSettings.defaults(),
                "mx.tern.test", counting(services.storageExecutor()));
    }

    @AfterAll
    void tearDown() {
        services.close();
    }

    private Executor counting(Executor delegate) {
        return r -> {
            lookups.incrementAndGet();
            delegate.execute(r);
        };
    }

    private static MailException refusal(CompletableFuture<Void> f) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(MailException.class);
        return (MailException) f.handle((v, e) -> e instanceof CompletionException ? e.getCause() : e).join();
    }

    private SubmissionHeaderFilter filtered(String message) {
        SubmissionHeaderFilter f = checks.newHeaderFilter();
        f.write(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)), b -> b.position(b.limit()));
        f.finish(b -> b.position(b.limit()));
        return f;
    }

    @Test
    void theEnvelopeSenderIsCheckedOnTheExecutor() throws Exception {
        int before = lookups.get();
        checks.checkSender("alice@example.test", MailAddress.parse("Alice+x@example.test")).get(10, TimeUnit.SECONDS);
        checks.checkSender("alice@example.test", null).get(10, TimeUnit.SECONDS);
        assertThat(lookups.get()).isEqualTo(before + 2);

        MailException e = refusal(checks.checkSender("alice@example.test", MailAddress.parse("bob@example.test")));
        assertThat(e.code()).isEqualTo(553);
        assertThat(e.enhancedCode()).isEqualTo("5.7.1");
        assertThat(e.text()).isEqualTo("<bob@example.test>: Sender address rejected: not owned by user alice@example.test");
    }

    @Test
    void fromAddressesMustAllBeOwned() {
        assertThat(checks.checkFromHeader("alice@example.test", List.of(MailAddress.parse("alice@example.test")))).isNull();
        assertThat(checks.checkFromHeader("alice@example.test", List.of())).isNull();
        MailException e = checks.checkFromHeader("alice@example.test",
                List.of(MailAddress.parse("alice@example.test"), MailAddress.parse("bob@example.test")));
        assertThat(e.code()).isEqualTo(553);
        assertThat(e.enhancedCode()).isEqualTo("5.7.1");
        assertThat(e.text()).isEqualTo("From: header address not owned by the authenticated user");
    }

    @Test
    void theHeadersOfASubmittedMessageAreChecked() throws Exception {
        checks.checkHeaders("alice@example.test", filtered("From: Alice <alice@example.test>\r\n\r\nhi\r\n"))
                .get(10, TimeUnit.SECONDS);
        checks.checkHeaders("alice@example.test", filtered("Subject: no From\r\n\r\nhi\r\n")).get(10, TimeUnit.SECONDS);
        assertThat(refusal(checks.checkHeaders("alice@example.test",
                filtered("From: Alice <alice@example.test>, Bob <bob@example.test>\r\n\r\nhi\r\n"))).code()).isEqualTo(553);
        assertThat(refusal(checks.checkHeaders("alice@example.test", filtered("From: alice\r\n\r\nhi\r\n")))
                .enhancedCode()).isEqualTo("5.6.0");
        String huge = "X-Padding: " + "x".repeat(SubmissionHeaderFilter.DEFAULT_HEADER_LIMIT) + "\r\n";
        assertThat(refusal(checks.checkHeaders("alice@example.test",
                filtered(huge + "From: bob@example.test\r\n\r\nhi\r\n"))).enhancedCode()).isEqualTo("5.3.4");
        assertThat(checks.checksFromHeader()).isTrue();
    }

    @Test
    void withTheFromCheckOffOnlyTheEnvelopeIsChecked() throws Exception {
        SubmissionChecks lenient = new SubmissionChecks(new SenderPolicy(services.directory()),
                new SubmissionSettings(false, false), "mx.tern.test", services.storageExecutor());
        assertThat(lenient.checkFromHeader("alice@example.test", List.of(MailAddress.parse("bob@example.test")))).isNull();
        lenient.checkHeaders("alice@example.test", filtered("From: bob@example.test\r\n\r\n")).get(10, TimeUnit.SECONDS);
        assertThat(refusal(lenient.checkSender("alice@example.test", MailAddress.parse("bob@example.test"))).code())
                .isEqualTo(553);
    }

    @Test
    void aStoreFailureIsATemporaryRefusal(@TempDir Path other) {
        Services closed = new Services(TestConfigs.write(other), 2);
        closed.close();
        SubmissionChecks failing = new SubmissionChecks(new SenderPolicy(closed.directory()), SubmissionSettings.defaults(),
                "mx.tern.test", services.storageExecutor());
        MailException e = refusal(failing.checkSender("alice@example.test", MailAddress.parse("alice@example.test")));
        assertThat(e.code()).isEqualTo(451);
        assertThat(e.enhancedCode()).isEqualTo("4.3.0");
        assertThat(e.text()).doesNotContain("sql").doesNotContain(other.toString());
        assertThat(failing.checkFromHeader("alice@example.test", List.of(MailAddress.parse("alice@example.test"))).code())
                .isEqualTo(451);
    }
}
