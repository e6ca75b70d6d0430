package dev.tern.console;

import dev.tern.testing.InProcessCli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mail from end to end through the console: an SMTP credential made in the console sends a message
 * with {@code tern send} over the submission listener; the message trace shows its delivery
 * events and the dashboard counts it.
 *
 * <p>Needs GET/POST/DELETE /api/credentials, GET /api/trace and /api/trace/{queue_id}, GET
 * /api/stats and GET /api/health.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleMailTest extends ConsoleTest {

    static final String DOMAIN = "example.test";
    static final String LOCAL = "bob@" + DOMAIN;
    static final String REMOTE = "friend@remote.test";

    @TempDir
    static Path dir;
    static String username;
    static String secret;
    static String queueId;

    @BeforeAll
    static void start() {
        tern = new ConsoleFixture(dir);
        tern.services().directory().addDomain(DOMAIN);
        tern.services().directory().addUser(LOCAL, "bob's password");
        browser = new ConsoleBrowser(tern.baseUrl());
        browser.login(ConsoleFixture.ADMIN, ConsoleFixture.PASSWORD);
    }

    private static int tile(String stat) {
        String text = browser.text(By.cssSelector("[data-stat=" + stat + "] .tile-value")).replaceAll("[^0-9]", "");
        return text.isEmpty() ? 0 : Integer.parseInt(text);
    }

    @Test
    @Order(1)
    void theDashboardShowsHealthAndNoMailYet() {
        browser.go("#/");
        browser.waitForHeading("Dashboard");
        browser.waitFor(By.cssSelector("[data-stat=received]"));
        assertThat(tile("received")).isZero();
        assertThat(tile("queue-messages")).isZero();
        String health = browser.waitFor(By.cssSelector("section.health .cards")).getText();
        assertThat(health).contains("smtp").contains("submission").contains("admin").contains("days left");
        assertThat(browser.driver.findElements(By.cssSelector("[data-listener] .badge")))
                .extracting(WebElement::getText).containsOnly("up");
        assertThat(browser.driver.findElements(By.cssSelector("figure.chart svg[role=img]"))).hasSize(2);
    }

    @Test
    @Order(2)
    void anSmtpCredentialIsMadeInTheConsoleWithItsSecretShownOnce() {
        browser.go("#/credentials");
        browser.waitForHeading("SMTP credentials");
        browser.waitUntil(d -> !new Select(d.findElement(By.name("domain"))).getOptions().isEmpty()
                && new Select(d.findElement(By.name("domain"))).getOptions().get(0).getAttribute("value").equals(DOMAIN));
        browser.type(By.name("name"), "shop");
        browser.type(By.name("rate"), "100/1h");
        browser.click(By.cssSelector("form[aria-labelledby=create-title] button[type=submit]"));

        WebElement panel = browser.waitFor(By.cssSelector(".secret-panel"));
        username = panel.findElements(By.cssSelector("dd code")).get(0).getText();
        secret = panel.findElement(By.cssSelector("code.secret")).getText();
        assertThat(username).isEqualTo("shop@" + DOMAIN);
        assertThat(secret).hasSizeGreaterThanOrEqualTo(20);
        assertThat(panel.getText()).contains("shown only now");
        assertThat(panel.findElements(By.cssSelector("button.copy"))).hasSize(2);
        assertThat(browser.waitForText(By.id("credential-list"), username)).contains("100/1h").contains("never");
        browser.screenshot("credentials");
    }

    /** Runs tern send in this JVM with the secret on standard input; answers what it printed. */
    private static String send(String to, String subject) {
        String stdin = secret + "\nSent from the console test.\n";
        InProcessCli.Result r = InProcessCli.runStdoutOnly(dir.resolve("no-such.toml"), stdin,
                "send", "--server", "127.0.0.1:" + tern.submissionPort(), "--starttls", "--insecure",
                "--user", username, "--password-stdin", "--from", "shop@" + DOMAIN, "--to", to,
                "--subject", subject, "--ehlo", "shop.example.test", "--timeout", "10s");
        assertThat(r.code()).as(r.out()).isZero();
        return r.out();
    }

    @Test
    @Order(3)
    void theCredentialSendsOverSubmissionAndTheTraceShowsTheDeliveryEvents() {
        String printed = send(LOCAL, "Order 1001");
        Matcher m = Pattern.compile("queued as (\\S+)").matcher(printed);
        assertThat(m.find()).as(printed).isTrue();
        queueId = m.group(1);
        send(REMOTE, "Order 1002");
        browser.waitUntil(d -> tern.server.inbox(LOCAL).size() == 1);

        browser.go("#/trace");
        browser.waitForHeading("Message trace");
        browser.type(By.name("to"), LOCAL);
        new Select(browser.driver.findElement(By.name("received"))).selectByValue("1h");
        browser.click(By.cssSelector("form.search-form button[type=submit]"));
        browser.waitUntil(d -> d.getCurrentUrl().contains("to=" + LOCAL.replace("@", "%40")));
        assertThat(browser.waitForText(By.id("trace-results"), queueId)).contains(LOCAL).contains("delivered")
                .doesNotContain(REMOTE);
        // The form keeps what was asked.
        assertThat(browser.driver.findElement(By.name("to")).getAttribute("value")).isEqualTo(LOCAL);

        browser.go("#/trace");
        browser.waitForText(By.id("trace-results"), REMOTE);
        browser.screenshot("trace");

        browser.go("#/trace?to=" + LOCAL);
        browser.click(By.linkText(queueId));
        browser.waitForHeading("Message " + queueId);
        browser.waitFor(By.id("timeline"));
        List<String> types = browser.driver.findElements(By.cssSelector("#timeline li")).stream()
                .map(e -> e.getAttribute("data-type")).toList();
        assertThat(types).containsSubsequence("received", "queued", "delivered");
        String timeline = browser.text(By.id("timeline"));
        assertThat(timeline).contains("submission").contains(username).contains(LOCAL);
        assertThat(browser.text(By.id("trace-recipients"))).contains(LOCAL).contains("delivered");
        browser.screenshot("trace-message");
    }

    @Test
    @Order(4)
    void theCredentialsUseIsCounted() {
        browser.go("#/credentials");
        browser.waitForHeading("SMTP credentials");
        browser.waitUntil(d -> {
            browser.go("#/credentials?" + System.nanoTime());
            List<WebElement> cells = d.findElements(By.cssSelector("#credential-list tbody td.num"));
            return !cells.isEmpty() && cells.get(0).getText().equals("2");
        });
        assertThat(browser.text(By.id("credential-list"))).doesNotContain("never");
        browser.screenshot("credentials-list", By.id("list-title"));
    }

    @Test
    @Order(5)
    void theDashboardCountsTheMail() {
        browser.go("#/");
        browser.waitForHeading("Dashboard");
        browser.waitUntil(d -> {
            browser.click(By.xpath("//button[text()='Refresh']"));
            return tile("received") == 2 && tile("delivered") >= 1 && tile("deferred") >= 1;
        });
        assertThat(tile("queue-messages")).isEqualTo(1);
        assertThat(browser.text(By.cssSelector("section.traffic .legend"))).contains("Received").contains("Delivered")
                .contains("Deferred").contains("Bounced");
        browser.screenshot("dashboard");
        browser.screenshot("dashboard-health", By.cssSelector("section.queue-stats"));
        browser.dark(true);
        try {
            browser.screenshot("dashboard-dark");
        } finally {
            browser.dark(false);
        }

        browser.click(By.xpath("//label[text()='Last 7 days']"));
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("#/?hours=168"));
        browser.waitUntil(d -> browser.text(By.cssSelector("section.traffic")).contains("the last 7 days"));
        assertThat(tile("received")).isEqualTo(2);
    }

    @Test
    @Order(6)
    void aRevokedCredentialIsSaidSo() {
        browser.go("#/credentials");
        browser.click(By.cssSelector("button[aria-label='Revoke " + username + "']"));
        browser.confirm();
        browser.waitForText(By.id("credential-list"), "revoked");
        assertThat(tern.services().smtpCredentials().credential(username).orElseThrow().revokedAt()).isNotNull();
    }
}
