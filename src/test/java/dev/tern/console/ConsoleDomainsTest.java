package dev.tern.console;

import dev.tern.directory.DnsRecords;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Domains, their DNS records and their verification, accounts and aliases, through the console in
 * a real browser, against a server whose DNS is a loopback test server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleDomainsTest extends ConsoleTest {

    static final String DOMAIN = "example.test";

    @TempDir
    static Path dir;
    static TestDnsServer dns;

    @BeforeAll
    static void start() {
        dns = TestDnsServer.start();
        dns.a("mx.tern.test", "192.0.2.10");
        tern = new ConsoleFixture(dir, "[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort()
                + "\"]\ntimeout = \"1s\"\n");
        browser = new ConsoleBrowser(tern.baseUrl());
        browser.login(ConsoleFixture.ADMIN, ConsoleFixture.PASSWORD);
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    private List<DnsRecords.Record> records() {
        return tern.services().onboarding().records(DOMAIN);
    }

    @Test
    @Order(1)
    void aDomainAddedInTheConsoleShowsEveryRecordToPublishWithACopyButtonEach() {
        browser.open("#/domains");
        browser.waitForHeading("Domains");
        assertThat(browser.text(By.id("view"))).contains("No domains yet");
        browser.type(By.name("name"), DOMAIN);
        browser.click(By.cssSelector("form.inline-form button[type=submit]"));

        browser.waitForText(By.cssSelector("#view h1"), DOMAIN);
        assertThat(browser.driver.getCurrentUrl()).endsWith("#/domains/" + DOMAIN);
        assertThat(tern.services().directory().domain(DOMAIN)).isPresent();
        // The heading has the focus after the navigation, for screen readers.
        assertThat(browser.focused().getTagName()).isEqualTo("h1");

        // Each record the API lists for the domain is a row, with a button that copies its value.
        List<WebElement> rows = browser.driver.findElements(By.cssSelector("#dns-records tbody tr"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> expected = (List<Map<String, Object>>) browser.api("/api/domains/" + DOMAIN)
                .get("dns_records");
        assertThat(rows).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> r = expected.get(i);
            WebElement row = rows.get(i);
            assertThat(row.getText()).contains((String) r.get("type")).contains((String) r.get("name"));
            WebElement copy = row.findElement(By.cssSelector("button.copy"));
            assertThat(copy.getAttribute("data-copy")).isEqualTo(r.get("data"));
            assertThat(copy.getAttribute("aria-label")).startsWith("Copy the ");
        }
        assertThat(browser.text(By.id("dns-records"))).contains("MX").contains("_dmarc." + DOMAIN)
                .contains("._domainkey." + DOMAIN);

        rows.get(0).findElement(By.cssSelector("button.copy")).click();
        browser.waitUntil(d -> rows.get(0).findElement(By.cssSelector("button.copy")).getText().equals("Copied"));
        assertThat(browser.text(By.id("status"))).contains("Copied");
        // What the button put on the clipboard, read back through a paste into a text field.
        String pasted = (String) browser.js("""
                const area = document.createElement('textarea');
                document.body.appendChild(area);
                area.focus();
                document.execCommand('paste');
                const text = area.value;
                area.remove();
                return text;""");
        if (pasted != null && !pasted.isEmpty()) {
            assertThat(pasted).isEqualTo(expected.get(0).get("data"));
        }
        browser.screenshot("domain");

        browser.go("#/domains");
        browser.waitFor(By.cssSelector("#domain-list"));
        assertThat(browser.text(By.id("domain-list"))).contains(DOMAIN);
        browser.screenshot("domains");
    }

    /** Publishes a record as its zone-file line says. */
    private static void publish(DnsRecords.Record r) {
        try {
            dns.add(Record.fromString(Name.fromString(r.owner()), Type.value(r.type()), DClass.IN, 60, r.data(),
                    Name.root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Needs POST /api/domains/{domain}/verify, and GET /api/domains/{domain} listing every record of
     * the domain's onboarding (ownership, SRV, autoconfiguration).
     */
    @Test
    @Order(2)
    void verifyTellsForEachRecordWhetherItIsPublishedAsExpected() throws Exception {
        for (DnsRecords.Record r : records()) {
            if (r.owner().startsWith("_dmarc.")) {
                continue;                                          // left out: missing
            }
            if (r.type().equals("TXT") && r.data().contains("v=spf1")) {
                dns.add(new TXTRecord(Name.fromString(DOMAIN + "."), DClass.IN, 60, "v=spf1 -all"));   // different
                continue;
            }
            publish(r);
        }
        browser.go("#/domains/" + DOMAIN);
        browser.waitForText(By.cssSelector("#view h1"), DOMAIN);
        String table = browser.text(By.id("dns-records"));
        for (DnsRecords.Record r : records()) {
            assertThat(table).contains(r.owner());
        }
        assertThat(browser.text(By.id("ownership"))).containsAnyOf("not checked yet", "not verified");
        browser.click(By.id("verify"));
        browser.waitFor(By.cssSelector("#verify-table"));

        Map<String, String> statuses = browser.driver.findElements(By.cssSelector("#verify-table tbody tr")).stream()
                .collect(Collectors.toMap(row -> row.findElements(By.cssSelector("th, td")).get(2).getText() + " "
                                + row.findElements(By.cssSelector("th, td")).get(3).getText(),
                        row -> row.findElement(By.cssSelector(".badge")).getText(), (a, b) -> a + "," + b));
        assertThat(statuses).containsEntry("TXT _dmarc." + DOMAIN + ".", "missing")
                .containsEntry("TXT _tern-verify." + DOMAIN + ".", "found");
        assertThat(statuses.entrySet()).filteredOn(e -> e.getKey().startsWith("MX ")).extracting(Map.Entry::getValue)
                .containsOnly("found");
        String spfRow = browser.driver.findElements(By.cssSelector("#verify-table tbody tr")).stream()
                .map(WebElement::getText).filter(t -> t.contains("different")).findFirst().orElseThrow();
        assertThat(spfRow).contains("v=spf1 -all");
        assertThat(browser.text(By.cssSelector(".verify-summary"))).contains("missing").contains("different")
                .contains("found");
        assertThat(browser.text(By.id("ownership"))).contains("verified").doesNotContain("not verified");
        assertThat(tern.services().domainOwnership().isVerified(DOMAIN)).isTrue();
        browser.screenshot("domain-verify", By.id("verify-results"));
    }

    @Test
    @Order(3)
    void accountsAreAddedWithAPasswordShownOnceDisabledAndDeletedAndAliasesToo() {
        browser.go("#/accounts");
        browser.waitForText(By.cssSelector("#view h1"), "Accounts");
        browser.type(By.name("address"), "alice@" + DOMAIN);
        browser.click(By.cssSelector("form[aria-labelledby=add-account-title] button[type=submit]"));

        WebElement panel = browser.waitFor(By.cssSelector(".secret-panel"));
        assertThat(panel.getText()).contains("alice@" + DOMAIN).contains("shown only now");
        String password = panel.findElement(By.cssSelector("code.secret")).getText();
        assertThat(password).isNotBlank();
        assertThat(tern.services().directory().checkPassword("alice@" + DOMAIN, password)).isTrue();
        assertThat(browser.focused().getAttribute("class")).contains("secret-panel");
        browser.waitForText(By.id("account-list"), "alice@" + DOMAIN);

        browser.type(By.name("alias"), "team@" + DOMAIN);
        browser.type(By.name("targets"), "alice@" + DOMAIN);
        browser.click(By.cssSelector("form[aria-labelledby=add-alias-title] button[type=submit]"));
        browser.waitForText(By.id("alias-list"), "team@" + DOMAIN);
        assertThat(tern.services().directory().aliases(DOMAIN)).containsKey("team@" + DOMAIN);
        browser.screenshot("accounts");

        browser.click(By.cssSelector("button[aria-label='Disable alice@" + DOMAIN + "']"));
        browser.waitForText(By.id("account-list"), "disabled");
        assertThat(tern.services().directory().user("alice@" + DOMAIN).orElseThrow().enabled()).isFalse();
        browser.click(By.cssSelector("button[aria-label='Enable alice@" + DOMAIN + "']"));
        browser.waitUntil(d -> !browser.text(By.id("account-list")).contains("disabled"));
        assertThat(tern.services().directory().user("alice@" + DOMAIN).orElseThrow().enabled()).isTrue();

        // A domain that still has accounts cannot be deleted: the server's reason is shown.
        browser.go("#/domains");
        browser.click(By.cssSelector("button[aria-label='Delete " + DOMAIN + "']"));
        browser.confirm();
        assertThat(browser.alert()).isNotBlank();
        assertThat(tern.services().directory().domain(DOMAIN)).isPresent();

        browser.go("#/accounts");
        browser.click(By.cssSelector("button[aria-label='Delete the alias team@" + DOMAIN + "']"));
        browser.confirm();
        browser.waitUntil(d -> !browser.text(By.id("view")).contains("team@" + DOMAIN));
        browser.click(By.cssSelector("button[aria-label='Delete alice@" + DOMAIN + "']"));
        browser.confirm();
        browser.waitUntil(d -> d.findElements(By.id("account-list")).isEmpty()
                || !browser.text(By.id("account-list")).contains("alice@"));
        assertThat(tern.services().directory().user("alice@" + DOMAIN)).isEmpty();
    }
}
