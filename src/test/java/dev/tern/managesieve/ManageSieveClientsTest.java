package dev.tern.managesieve;

import dev.tern.store.Rows;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's sieve-connect, as users and scripts run it, against a running server: STARTTLS, SASL
 * PLAIN, then upload, list, activate, download, check, deactivate and delete. .ci/run installs
 * it; the test is skipped only where the program is missing.
 */
class ManageSieveClientsTest {

    static final String PASSWORD = "sieve-connect-pw";
    static final Path SIEVE_CONNECT = Path.of("/usr/bin/sieve-connect");

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(SIEVE_CONNECT), "sieve-connect is not installed (apt-get install sieve-connect)");
        tern = RunningServer.withAccount(dir.resolve("server"), ManageSieveServerTest.LISTENERS, "tim@example.test", PASSWORD);
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    /** Runs sieve-connect with the password on its standard input; returns its exit status and output. */
    private Result sieveConnect(String... action) throws Exception {
        List<String> command = new ArrayList<>(List.of(SIEVE_CONNECT.toString(), "--server", "127.0.0.1",
                "--port", String.valueOf(tern.port("managesieve")), "--nosrv", "--notlsverify",
                "--user", "tim@example.test", "--passwordfd", "0"));
        command.addAll(List.of(action));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("sieve-connect finished").isTrue();
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private record Result(int status, String output) {
    }

    private Result ok(String... action) throws Exception {
        Result r = sieveConnect(action);
        assertThat(r.status()).as("exit status of sieve-connect %s; output:%n%s", List.of(action), r.output()).isZero();
        return r;
    }

    private long account() {
        return tern.services().directory().user("tim@example.test").orElseThrow().id();
    }

    @Test
    void uploadListActivateDownloadCheckAndDelete() throws Exception {
        String script = """
                require ["fileinto", "vacation"];
                # Mail about the "build" goes to its own folder.
                if header :contains "subject" "build" {
                    fileinto "Builds";
                    stop;
                }
                vacation :days 7 "Away until Monday; I’ll answer then.";
                """;
        Files.writeString(dir.resolve("filter.sieve"), script);

        ok("--upload", "--localsieve", "filter.sieve", "--remotesieve", "filter");
        assertThat(tern.services().sieveScripts().get(account(), "filter")).map(Rows.SieveScript::content).contains(script);

        assertThat(ok("--list").output()).contains("\"filter\"").doesNotContain("ACTIVE");
        ok("--activate", "--remotesieve", "filter");
        assertThat(ok("--list").output()).contains("\"filter\" ACTIVE");
        assertThat(tern.services().sieveScripts().active(account())).map(Rows.SieveScript::name).contains("filter");

        ok("--download", "--remotesieve", "filter", "--localsieve", "copy.sieve");
        assertThat(Files.readString(dir.resolve("copy.sieve"))).isEqualTo(script);

        Files.writeString(dir.resolve("bad.sieve"), "require \"fileinto\";\nkeep;\nif foo { stop; }\n");
        Result bad = sieveConnect("--checkscript", "--localsieve", "bad.sieve");
        assertThat(bad.status()).isNotZero();
        assertThat(bad.output()).contains("line 3: ");
        Result refused = sieveConnect("--upload", "--localsieve", "bad.sieve", "--remotesieve", "bad");
        assertThat(refused.status()).isNotZero();
        assertThat(refused.output()).contains("line 3: ");

        Result active = sieveConnect("--delete", "--remotesieve", "filter");
        assertThat(active.status()).isNotZero();
        assertThat(active.output()).contains("ACTIVE");
        ok("--deactivate");
        ok("--delete", "--remotesieve", "filter");
        assertThat(ok("--list").output()).doesNotContain("filter");
        assertThat(tern.services().sieveScripts().list(account())).isEmpty();
    }

    /** Scripts written for Pigeonhole, with variables, include and duplicate, go up as they are. */
    @Test
    void scriptsWithVariablesIncludesAndDuplicatesGoUpAndTheirMistakesComeBack() throws Exception {
        Files.writeString(dir.resolve("lists.sieve"), """
                require ["include", "variables", "fileinto", "mailbox"];
                if header :matches "List-ID" "*<*.*>" {
                    set :lower "list" "${2}";
                    fileinto :create "Lists/${list}";
                    stop;
                }
                return;
                """);
        Files.writeString(dir.resolve("main.sieve"), """
                require ["include", "duplicate", "vacation-seconds", "variables"];
                if duplicate { discard; stop; }
                include :personal "lists";
                if header :matches "subject" "*" { set "s" "${1}"; }
                vacation :seconds 3600 :subject "Re: ${s}" "Back soon.";
                """);
        ok("--upload", "--localsieve", "lists.sieve", "--remotesieve", "lists");
        ok("--upload", "--localsieve", "main.sieve", "--remotesieve", "main");
        ok("--activate", "--remotesieve", "main");
        assertThat(ok("--list").output()).contains("\"main\" ACTIVE").contains("\"lists\"");

        Files.writeString(dir.resolve("bad.sieve"), "require [\"variables\", \"fileinto\"];\nfileinto \"${env.home}\";\n");
        Result bad = sieveConnect("--checkscript", "--localsieve", "bad.sieve");
        assertThat(bad.status()).isNotZero();
        assertThat(bad.output()).contains("line 2: ").contains("namespace");
    }
}
