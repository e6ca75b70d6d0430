package dev.tern.cli;

import dev.tern.config.ConfigLoader;
import dev.tern.server.Services;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.embedded.EmbeddedStore;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.InProcessCli.Result;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as an operator uses it: output, exit codes, one-line errors. */
class CliTest {

    @TempDir
    Path dir;
    Path config;

    @BeforeEach
    void setUp() {
        config = dir.resolve("tern.toml");
    }

    private Result tern(String stdin, String... args) {
        return InProcessCli.run(config, stdin, args);
    }

    @Test
    void initWritesACommentedConfigOnce() throws Exception {
        Result r = tern(null, "init", "--domain", "example.org", "--smtp", "127.0.0.1:2525");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("wrote " + config).contains("added domain example.org")
                .endsWith("once it is set up as you want it, check it with: bin/tern check\n");
        String text = Files.readString(config);
        assertThat(text).contains("hostname = \"mail.example.org\"").contains("smtp = [\"127.0.0.1:2525\"]").contains("# ");
        assertThat(tern(null, "domain", "list").out()).isEqualTo("example.org\n");

        Result again = tern(null, "init");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("tern: " + config + " already exists; edit it, or remove it to start again\n");
    }

    @Test
    void administrationCommands() {
        tern(null, "init", "--smtp", "127.0.0.1:2525");
        assertThat(tern(null, "domain", "add", "Example.ORG").out()).startsWith("added domain example.org\nDKIM keys: ");
        assertThat(tern("pw-alice\n", "user", "add", "alice@example.org", "--password-stdin").out())
                .isEqualTo("added user alice@example.org\n");
        Result generated = tern(null, "user", "add", "bob@example.org");
        assertThat(generated.out()).startsWith("added user bob@example.org\npassword: ");
        assertThat(tern(null, "user", "list").out())
                .isEqualTo("alice@example.org  used 0 B, no quota\nbob@example.org  used 0 B, no quota\n");
        assertThat(tern("new-pw\n", "user", "passwd", "alice@example.org", "--password-stdin").code()).isZero();
        assertThat(tern("cram-pw\n", "user", "passwd", "alice@example.org", "--password-stdin", "--cram-md5").out())
                .isEqualTo("password changed for alice@example.org\n"
                        + "note: CRAM-MD5 is offered only with [auth] cram_md5 = true in the config\n");
        assertThat(tern(null, "alias", "add", "team@example.org", "alice@example.org", "bob@example.org").code()).isZero();
        assertThat(tern(null, "alias", "list").out()).isEqualTo("team@example.org -> alice@example.org, bob@example.org\n");
        assertThat(tern(null, "alias", "add", "all@example.org", "team@example.org", "alice@example.org",
                "alice@example.org").out()).isEqualTo("alias all@example.org -> team@example.org, alice@example.org, "
                + "alice@example.org\n");
        assertThat(tern(null, "alias", "add", "sales@example.org", "alice@example.org", "carol@example.org").out())
                .isEqualTo("alias sales@example.org -> alice@example.org, carol@example.org\nnote: carol@example.org is "
                        + "not an account or an alias leading to one (yet): mail to sales@example.org reaches the other "
                        + "targets only\n");
        assertThat(tern(null, "alias", "add", "ghost@example.org", "ghost@example.org").out())
                .isEqualTo("alias ghost@example.org -> ghost@example.org\nnote: ghost@example.org is not an account or "
                        + "an alias leading to one (yet): mail to ghost@example.org is refused until one is\n");
        assertThat(tern(null, "alias", "add", "out@example.org", "alice@example.org", "Jo@Elsewhere.example").out())
                .isEqualTo("alias out@example.org -> alice@example.org, Jo@Elsewhere.example\nnote: mail to "
                        + "out@example.org is forwarded to Jo@Elsewhere.example with its sender rewritten into example.org "
                        + "(SRS): example.org's SPF record must name this server (docs/forwarding.md)\n");
        assertThat(tern(null, "alias", "list", "example.org").out()).as("the local part of an address elsewhere as written")
                .contains("out@example.org -> Jo@elsewhere.example, alice@example.org\n");
        assertThat(tern(null, "alias", "delete", "out@example.org").code()).isZero();
        assertThat(tern(null, "alias", "delete", "all@example.org").code()).isZero();
        assertThat(tern(null, "alias", "delete", "sales@example.org").code()).isZero();
        assertThat(tern(null, "alias", "delete", "ghost@example.org").code()).isZero();
        assertThat(tern(null, "domain", "catch-all", "example.org", "alice@example.org").code()).isZero();
        assertThat(tern(null, "domain", "show", "example.org").out())
                .contains("catch-all: alice@example.org").contains("example.org. IN MX 10 localhost.");
        assertThat(tern(null, "alias", "add", "later@example.org", "nobody@example.org").out())
                .endsWith("mail to later@example.org goes to the domain's catch-all until one is\n");
        assertThat(tern(null, "alias", "delete", "later@example.org").code()).isZero();
        assertThat(tern(null, "mailbox", "list", "alice@example.org").out())
                .contains("INBOX         0 message(s)     0 unseen       0 B\n")
                .contains("Sent          0 message(s)     0 unseen       0 B  \\Sent\n");
        assertThat(tern(null, "queue", "list").out()).isEqualTo("the queue is empty\n");

        Result busy = tern(null, "domain", "delete", "example.org");
        assertThat(busy.code()).isEqualTo(1);
        assertThat(busy.err()).startsWith("tern: domain example.org still has 2 account(s) and 1 alias(es)");
        assertThat(tern(null, "alias", "delete", "team@example.org").code()).isZero();
        assertThat(tern(null, "user", "delete", "alice@example.org").code()).isZero();
        assertThat(tern(null, "user", "delete", "bob@example.org").code()).isZero();
        assertThat(tern(null, "domain", "delete", "example.org").out()).isEqualTo("deleted domain example.org\n");
    }

    @Test
    void sendAsPermissions() {
        tern(null, "init", "--smtp", "127.0.0.1:2525", "--domain", "example.org");
        assertThat(tern("pw\n", "user", "add", "alice@example.org", "--password-stdin").code()).isZero();
        assertThat(tern(null, "user", "send-as", "add", "Alice@example.org", "@Partner.ORG").out())
                .isEqualTo("Alice@example.org may send as @partner.org\n");
        assertThat(tern(null, "user", "send-as", "add", "alice@example.org", "Boss@example.org").out())
                .isEqualTo("alice@example.org may send as boss@example.org\n");
        assertThat(tern(null, "user", "send-as", "list", "alice@example.org").out())
                .isEqualTo("alice@example.org may send as @partner.org\nalice@example.org may send as boss@example.org\n");
        assertThat(tern(null, "user", "send-as", "list").out()).hasLineCount(2);

        Result again = tern(null, "user", "send-as", "add", "alice@example.org", "@partner.org");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("tern: alice@example.org may already send as @partner.org\n");
        Result bad = tern(null, "user", "send-as", "add", "alice@example.org", "partner.org");
        assertThat(bad.err()).startsWith("tern: \"partner.org\" is neither an address nor @domain");
        assertThat(tern(null, "user", "send-as", "add", "nobody@example.org", "@x.org").err())
                .isEqualTo("tern: no such account: nobody@example.org\n");

        assertThat(tern(null, "user", "send-as", "delete", "alice@example.org", "@partner.org").out())
                .isEqualTo("alice@example.org may no longer send as @partner.org\n");
        Result gone = tern(null, "user", "send-as", "delete", "alice@example.org", "@partner.org");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).isEqualTo("tern: no such permission: alice@example.org may not send as @partner.org\n");
        assertThat(tern(null, "user", "send-as", "list").out()).isEqualTo("alice@example.org may send as boss@example.org\n");
        assertThat(tern(null, "user", "delete", "alice@example.org").code()).isZero();
        assertThat(tern(null, "user", "send-as", "list").out()).isEmpty();
    }

    @Test
    void quotasAreSetShownAndRemoved() {
        tern(null, "init", "--smtp", "127.0.0.1:2525", "--domain", "example.org");
        assertThat(tern("pw\n", "user", "add", "alice@example.org", "--password-stdin").code()).isZero();
        assertThat(tern(null, "user", "quota", "alice@example.org", "500MB").out())
                .isEqualTo("quota of alice@example.org: 500 MB (used 0 B of 500 MB)\n");
        assertThat(tern(null, "user", "list").out()).isEqualTo("alice@example.org  used 0 B of 500 MB\n");
        assertThat(tern(null, "user", "quota", "alice@example.org", "2gb").out())
                .startsWith("quota of alice@example.org: 2 GB");
        assertThat(tern(null, "user", "quota", "alice@example.org", "1536").out())
                .startsWith("quota of alice@example.org: 1.5 KB");
        assertThat(tern(null, "user", "quota", "alice@example.org", "none").out())
                .isEqualTo("quota of alice@example.org: none (used 0 B, no quota)\n");
        assertThat(tern(null, "user", "list").out()).isEqualTo("alice@example.org  used 0 B, no quota\n");

        Result bad = tern(null, "user", "quota", "alice@example.org", "lots");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).startsWith("tern: expected a size such as 26214400 or \"25MB\", got \"lots\"");
        assertThat(tern(null, "user", "quota", "nobody@example.org", "1GB").err())
                .isEqualTo("tern: no such account: nobody@example.org\n");
    }

    @Test
    void aDovecotPasswdFileBringsItsAccountsWithTheirHashesAndQuotas() throws Exception {
        tern(null, "init", "--smtp", "127.0.0.1:2525", "--domain", "example.org");
        String sha512 = dev.tern.directory.ForeignPasswordHashTest.DOVEADM.get("SHA512-CRYPT");
        Path users = dir.resolve("users");
        Files.writeString(users, "# Dovecot passwd-file\n"
                + "alice:" + sha512 + ":1000:1000::/var/vmail/alice::userdb_quota_rule=*:storage=1G\n"
                + "bob@example.org:{PLAIN}bob's pw:1000:1000::/var/vmail/bob::userdb_quota_rule=*:storage=500M userdb_mail=x\n"
                + "carol:{SHA512-CRYPT}$6$nope:1000:1000::/var/vmail/carol\n"
                + "dave@other.org:" + sha512 + "\n"
                + "\n");
        Result r = tern(null, "user", "import", users.toString(), "--domain", "example.org");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("users:4: carol@example.org not imported: not a valid {SHA512-CRYPT} hash",
                "users:5: dave@other.org not imported: no such domain: other.org", "added 2 account(s), 2 line(s) not imported");
        assertThat(tern(null, "user", "list").out()).contains("alice@example.org  used 0 B of 1 GB",
                "bob@example.org  used 0 B of 500 MB");
        try (dev.tern.server.Services s = new dev.tern.server.Services(dev.tern.config.ConfigLoader.load(config), 2)) {
            assertThat(s.directory().credentials("alice@example.org").orElseThrow().passwordHash()).isEqualTo(sha512);
            String bob = s.directory().credentials("bob@example.org").orElseThrow().passwordHash();
            assertThat(bob).as("a clear-text password is hashed at once").startsWith("$argon2id$");
            assertThat(dev.tern.directory.PasswordHasher.verify("bob's pw", bob)).isTrue();
        }
    }

    @Test
    void everyCommandExplainsItselfWithHelp() {
        for (String[] args : List.of(new String[]{"--help"}, new String[]{"user", "--help"},
                new String[]{"user", "import", "--help"}, new String[]{"mailbox", "import", "-h"},
                new String[]{"suppression", "add", "--help"}, new String[]{"queue", "list", "--help"},
                new String[]{"check", "--help"})) {
            Result r = InProcessCli.run((String) null, args);
            assertThat(r.code()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: tern").contains("-h, --help");
        }
        assertThat(InProcessCli.run((String) null, "user", "import", "--help").out()).contains("--domain=DOMAIN", "FILE");
    }

    @Test
    void errorsAreOneLineWithoutStackTraces() throws Exception {
        tern(null, "init", "--smtp", "127.0.0.1:2525");
        Result noDomain = tern("x\n", "user", "add", "carol@nowhere.org", "--password-stdin");
        assertThat(noDomain.code()).isEqualTo(1);
        assertThat(noDomain.err()).isEqualTo("tern: no such domain: nowhere.org (add it with `tern domain add nowhere.org`)\n");

        tern(null, "domain", "add", "example.org");
        Result hidden = tern("x\n", "user", "add", "carol\u200b@example.org", "--password-stdin");
        assertThat(hidden.code()).isEqualTo(1);
        assertThat(hidden.err()).isEqualTo("tern: the local part of \"carol<U+200B>@example.org\" holds U+200B ZERO "
                + "WIDTH SPACE: a new address may not hold spaces, invisible or control characters, which make it look "
                + "like another\n");
        assertThat(tern(null, "alias", "add", "team\u00a0@example.org", "carol@example.org").err())
                .startsWith("tern: the local part of \"team<U+00A0>@example.org\" holds U+00A0 NO-BREAK SPACE");
        assertThat(tern("x\n", "user", "add", "rene\u0301@example.org", "--password-stdin").err())
                .startsWith("tern: the local part of \"rene\u0301@example.org\" is not in Unicode Normalization Form C");

        Result literal = tern(null, "domain", "add", "[127.0.0.1]");
        assertThat(literal.code()).isEqualTo(1);
        assertThat(literal.err()).isEqualTo("tern: \"[127.0.0.1]\" is an address literal, not a domain name: "
                + "a mail domain is a name such as example.org\n");
        assertThat(tern(null, "domain", "add", "127.0.0.1").err()).startsWith("tern: \"127.0.0.1\" is not a domain name");
        assertThat(tern(null, "domain", "list").out()).doesNotContain("127.0.0.1");

        Files.writeString(config, Files.readString(config).replace("max_errors = 20", "max_errors = \"twenty\""));
        Result badConfig = tern(null, "domain", "list");
        assertThat(badConfig.code()).isEqualTo(1);
        assertThat(badConfig.err()).startsWith("tern: smtp.max_errors: expected a positive whole number").doesNotContain("\tat ");

        Files.delete(config);
        Result missing = tern(null, "domain", "list");
        assertThat(missing.err()).contains("no such file").contains("tern init");
    }

    @Test
    void aPortInUseIsOneLineNamingTheListener() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            tern(null, "init", "--smtp", "127.0.0.1:" + port);
            Result r = tern(null, "serve");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("tern: cannot listen on 127.0.0.1:" + port + " for smtp");
            assertThat(r.err().lines().filter(l -> l.startsWith("tern:")).count()).isEqualTo(1);
            assertThat(r.err()).doesNotContain("\tat ");
        }
    }

    @Test
    void domainAddMakesTwoDkimKeysAndShowPrintsTheirRecords() throws Exception {
        tern(null, "init", "--smtp", "127.0.0.1:2525", "--hostname", "mail.example.org");
        Result added = tern(null, "domain", "add", "example.org");
        assertThat(added.code()).isZero();
        assertThat(added.out()).containsPattern("DKIM keys: \\d{6}r \\(rsa-sha256\\), \\d{6}e \\(ed25519-sha256\\)");

        List<Rows.DkimKey> stored;
        try (MetadataStore store = EmbeddedStore.openMetadata(ConfigLoader.load(config).dataDir(), 1)) {
            stored = store.read(tx -> tx.dkimKeys().keys(tx.directory().domain("example.org").orElseThrow().id()));
        }
        assertThat(stored).extracting(Rows.DkimKey::algorithm).containsExactlyInAnyOrder("rsa-sha256", "ed25519-sha256");

        String show = tern(null, "domain", "show", "example.org").out();
        assertThat(show).contains("; MX: ").contains("example.org. IN MX 10 mail.example.org.\n")
                .contains("example.org. IN TXT \"v=spf1 mx -all\"\n")
                .contains("_dmarc.example.org. IN TXT \"v=DMARC1; p=quarantine; rua=mailto:postmaster@example.org\"\n");
        for (Rows.DkimKey k : stored) {
            String type = k.algorithm().startsWith("rsa") ? "rsa" : "ed25519";
            String line = show.lines().filter(l -> l.startsWith(k.selector() + "._domainkey.example.org. IN TXT "))
                    .findFirst().orElseThrow();
            String text = line.substring(line.indexOf('"')).replaceAll("\"\\s*\"", "").replace("\"", "");
            assertThat(text).isEqualTo("v=DKIM1; k=" + type + "; p=" + k.publicKey());
            assertThat(line.split("\"")).allSatisfy(part -> assertThat(part.length()).isLessThanOrEqualTo(255));
        }

        Result generated = tern(null, "domain", "dkim", "example.org", "--generate");
        assertThat(generated.out()).startsWith("added DKIM keys ");
        assertThat(tern(null, "domain", "dkim", "example.org").out().lines()).hasSize(4);
        Result deleted = tern(null, "domain", "dkim", "example.org", "--delete", stored.get(0).selector());
        assertThat(deleted.out()).isEqualTo("deleted DKIM key " + stored.get(0).selector() + " of example.org\n");
        assertThat(tern(null, "domain", "dkim", "example.org", "--delete", "nope").err())
                .isEqualTo("tern: domain example.org has no DKIM key with selector nope\n");
        assertThat(tern(null, "domain", "delete", "example.org").code()).isZero();
    }

    @Test
    void domainsWithoutKeysAreToldHowToGetThem() {
        tern(null, "init", "--smtp", "127.0.0.1:2525");
        try (Services s = new Services(ConfigLoader.load(config), 2)) {
            s.directory().addDomain("bare.org");
        }
        assertThat(tern(null, "domain", "show", "bare.org").out())
                .contains("; no DKIM keys: mail from bare.org goes out unsigned; make keys with: tern domain dkim bare.org --generate")
                .doesNotContain("_domainkey");
        assertThat(tern(null, "domain", "dkim", "bare.org").out()).startsWith("no DKIM keys");
    }

    @Test
    void domainAddPrintsEveryRecordAndVerifyChecksThemInDns() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            tern(null, "init", "--smtp", "127.0.0.1:2525", "--hostname", "mail.example.org");
            Files.writeString(config, Files.readString(config).replace("# submissions = [\"0.0.0.0:465\"]",
                    "submissions = [\"0.0.0.0:465\"]") + "\n[dns]\nnameservers = [\"127.0.0.1:"
                    + dns.nameserver().getPort() + "\"]\ntimeout = \"500ms\"\n");
            Result added = tern(null, "domain", "add", "example.org");
            assertThat(added.code()).isZero();
            assertThat(added.out()).contains("DNS records to publish (zone-file syntax):\n")
                    .contains("example.org. IN MX 10 mail.example.org.\n")
                    .containsPattern("_tern-verify\\.example\\.org\\. IN TXT \"tern-verify=[a-z2-7]{32}\"\n")
                    .contains("_submissions._tcp.example.org. IN SRV 0 1 465 mail.example.org.\n")
                    .contains("_submission._tcp.example.org. IN SRV 0 0 0 .\n")
                    .contains("autoconfig.example.org. IN CNAME mail.example.org.\n")
                    .endsWith("once published, check them with: tern domain verify example.org\n");
            assertThat(tern(null, "domain", "show", "example.org").out())
                    .contains("ownership: not verified (publish the _tern-verify record, then: tern domain verify example.org)");

            Result missing = tern(null, "domain", "verify", "example.org");
            assertThat(missing.code()).isEqualTo(1);
            assertThat(missing.out()).startsWith("STATUS     TYPE   NAME")
                    .contains("missing    MX     example.org ")
                    .contains("publish:   example.org. IN MX 10 mail.example.org.")
                    .contains("records: 0 found, ").endsWith("ownership of example.org: not verified\n");

            dns.a("mail.example.org", "192.0.2.25");
            for (String line : added.out().lines().filter(l -> !l.startsWith(";") && l.contains(" IN ")).toList()) {
                String[] parts = line.split(" ", 4);
                dns.add(org.xbill.DNS.Record.fromString(org.xbill.DNS.Name.fromString(parts[0]),
                        org.xbill.DNS.Type.value(parts[2]), org.xbill.DNS.DClass.IN, 300,
                        parts[3], org.xbill.DNS.Name.root));
            }
            Result found = tern(null, "domain", "verify", "example.org");
            assertThat(found.code()).as(found.out() + found.err()).isZero();
            assertThat(found.out()).contains("found      SPF    example.org ").doesNotContain("missing ")
                    .containsPattern("ownership of example.org: verified \\d{4}-");
            assertThat(tern(null, "domain", "show", "example.org").out()).containsPattern("ownership: verified \\d{4}-");
        }
    }

    @Test
    void credentialsAreCreatedListedAndRevoked() {
        tern(null, "init", "--smtp", "127.0.0.1:2525", "--domain", "example.org");
        Result created = tern(null, "credential", "create", "--domain", "example.org", "--sender", "noreply@example.org",
                "--sender", "@Example.ORG", "--rate", "100/1h");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).containsPattern("created SMTP credential app-[a-z2-9]{8}@example\\.org\n")
                .containsPattern("secret: {4}[A-Za-z2-9]{32}\n")
                .contains("senders:   noreply@example.org @example.org\n")
                .contains("rate:      100 messages per 1h\n");
        String name = created.out().lines().filter(l -> l.startsWith("user name: ")).findFirst().orElseThrow()
                .substring("user name: ".length());
        Result named = tern(null, "credential", "create", "--domain", "example.org", "--name", "shop");
        assertThat(named.out()).startsWith("created SMTP credential shop@example.org\n")
                .contains("rate:      no limit of its own\n");

        String list = tern(null, "credential", "list").out();
        assertThat(list).startsWith("NAME ").contains("MESSAGES").contains("LAST USED");
        assertThat(list.lines().filter(l -> l.startsWith(name)).findFirst().orElseThrow())
                .contains("noreply@example.org @example.org").contains("100/1h").contains(" 0  never").endsWith("active");
        assertThat(list).doesNotContain("secret");

        assertThat(tern(null, "credential", "revoke", "shop@example.org").out())
                .isEqualTo("revoked SMTP credential shop@example.org (it sent 0 message(s))\n");
        assertThat(tern(null, "credential", "list", "--domain", "example.org").out()).containsPattern("shop@example\\.org .* revoked \\d{4}-");
        Result again = tern(null, "credential", "revoke", "shop@example.org");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).startsWith("tern: SMTP credential shop@example.org was revoked already");

        assertThat(tern(null, "credential", "create", "--domain", "example.org", "--name", "shop").err())
                .isEqualTo("tern: shop@example.org is already an SMTP credential\n");
        assertThat(tern(null, "credential", "create", "--domain", "example.org", "--rate", "lots").err())
                .startsWith("tern: \"lots\" is not a rate such as 100/1h");
        assertThat(tern(null, "credential", "create", "--domain", "example.org", "--sender", "x@elsewhere.org").err())
                .startsWith("tern: sender domain elsewhere.org is not a local domain");
        assertThat(tern(null, "credential", "create", "--domain", "nowhere.org").err())
                .startsWith("tern: no such domain: nowhere.org");
        Result busy = tern(null, "domain", "delete", "example.org");
        assertThat(busy.err()).isEqualTo("tern: domain example.org still has 1 SMTP credential(s) in use; "
                + "revoke them first (`tern credential list`)\n");
        assertThat(tern("pw\n", "user", "add", name, "--password-stdin").err())
                .isEqualTo("tern: " + name + " is the name of an SMTP credential; choose another address\n");
    }
}
