package dev.tern.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private rspamd (Debian's {@code rspamd} package) on a free 127.0.0.1 port, its state, log and
 * local configuration in a directory of the test's, with verdicts a test can ask for by subject:
 *
 * <ul>
 *   <li>{@link #GTUBE} in a body: {@code reject}, with the message "Gtube pattern";</li>
 *   <li>{@link #REJECT_SUBJECT} in the subject: {@code reject} (by score);</li>
 *   <li>{@link #JUNK_SUBJECT} in the subject: {@code add header};</li>
 *   <li>{@link #SOFT_SUBJECT} in the subject: {@code soft reject};</li>
 *   <li>anything else plain: {@code no action}, whatever rspamd makes of a loopback client without
 *       reverse DNS (the thresholds are far above what such a message scores).</li>
 * </ul>
 *
 * Its resolver is an unreachable loopback port, so it never asks a real DNS server: its DNS lists
 * and maps simply fail. Starting takes ten seconds or more (rspamd compiles its regular expressions
 * with hyperscan first), so a test class shares one.
 *
 * <p>Started with a {@link Redis} ({@link #start(Path, Redis)}), it also learns: its Bayes
 * classifier keeps its statistics there, and a controller worker on a second port takes
 * {@code /learnspam} and {@code /learnham} with {@link #CONTROLLER_PASSWORD} in a {@code Password}
 * header, loopback clients included. What it has learned is read from the Redis
 * ({@link #learnedSpam()}, {@link #learnedHam()}): the statistics of the controller's
 * {@code /stat} are refreshed from Redis only now and then. Its stat cache remembers each message
 * learned, and learning one again answers 208 with an "already learned" error, so tests that share
 * one need messages of their own ({@link #learnableBody}).
 */
public final class Rspamd implements AutoCloseable {

    /** The anti-UBE test line: rspamd rejects a message carrying it before any other check. */
    public static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    /** In a subject: a score past the reject threshold. */
    public static final String REJECT_SUBJECT = "tern-test-reject";
    /** In a subject: a score between the add-header and reject thresholds. */
    public static final String JUNK_SUBJECT = "tern-test-junk";
    /** In a subject: a forced soft reject. */
    public static final String SOFT_SUBJECT = "tern-test-soft";

    /** What the controller wants in the {@code Password} header, for reading and for learning alike. */
    public static final String CONTROLLER_PASSWORD = "tern-test-controller";

    /** The Bayes classifier's own statistics hash in Redis (its {@code new_schema} prefix). */
    private static final String BAYES_STATS_KEY = "RS";

    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final int controllerPort;
    private final Redis redis;
    private final Path log;
    private final Path output;

    private Rspamd(Process process, int port, int controllerPort, Redis redis, Path log, Path output) {
        this.process = process;
        this.port = port;
        this.controllerPort = controllerPort;
        this.redis = redis;
        this.log = log;
        this.output = output;
    }

    /** Writes its configuration into {@code dir} (which must exist), starts it and waits until it scans. */
    public static Rspamd start(Path dir) throws IOException {
        return start(dir, null);
    }

    /**
     * Also a Bayes classifier over {@code redis} and a controller worker that learns (see the class
     * comment); without a Redis ({@code null}), as {@link #start(Path)}. The Redis is the caller's
     * to stop, after this.
     */
    public static Rspamd start(Path dir, Redis redis) throws IOException {
        writeLocalConfig(dir, redis);
        return LoopbackPorts.retryWhileTaken(() -> {
            int port = LoopbackPorts.freeOnAll("127.0.0.1");
            int controllerPort = 0;
            while (redis != null && (controllerPort == 0 || controllerPort == port)) {
                controllerPort = LoopbackPorts.freeOnAll("127.0.0.1");
            }
            return launch(dir, port, controllerPort, redis);
        }, Rspamd::awaitReady);
    }

    /** Where Tern's {@code [checks.rspamd] url} should point. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Where Tern's {@code [checks.rspamd] controller_url} should point; only when started with a Redis. */
    public String controllerUrl() {
        if (redis == null) {
            throw new IllegalStateException("rspamd was started without a controller (no Redis)");
        }
        return "http://127.0.0.1:" + controllerPort;
    }

    /** How many messages the Bayes classifier has learned as spam, less those since relearned as ham. */
    public long learnedSpam() {
        return learned("learns_spam");
    }

    /** How many messages the Bayes classifier has learned as ham, less those since relearned as spam. */
    public long learnedHam() {
        return learned("learns_ham");
    }

    private long learned(String field) {
        if (redis == null) {
            throw new IllegalStateException("rspamd was started without a Redis: it learns nothing");
        }
        try {
            String n = redis.command("HGET", BAYES_STATS_KEY, field);
            return n == null ? 0 : Long.parseLong(n);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The controller's {@code /stat} answer (JSON): {@code "learned"} counts every learn, of either class. */
    public String stat() {
        try {
            HttpResponse<String> r = http().send(HttpRequest.newBuilder(URI.create(controllerUrl() + "/stat"))
                    .timeout(Duration.ofSeconds(5)).header("Password", CONTROLLER_PASSWORD).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("rspamd /stat answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The {@code "learned"} count of the controller's {@code /stat}: learns of both classes since it started. */
    public long learnedTotal() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"learned\":(\\d+)").matcher(stat());
        if (!m.find()) {
            throw new IllegalStateException("no learned count in rspamd /stat: " + stat());
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * A body the classifier will learn (it refuses a message of fewer than 11 tokens), of words made
     * up from {@code seed} and unlikely in any other's: the stat cache refuses a message it learned
     * before, whatever its headers.
     */
    public static String learnableBody(String seed) {
        String[] syllables = {"ka", "lo", "mi", "ne", "ru", "ta", "vi", "zo", "pe", "shu", "dra", "fen", "gol",
                "hix", "jab", "qua", "wor", "yel", "bri", "cla"};
        java.util.Random random = new java.util.Random(seed.hashCode() * 31L + seed.length());
        StringBuilder body = new StringBuilder();
        for (int word = 0; word < 80; word++) {
            int length = 2 + random.nextInt(3);
            for (int i = 0; i < length; i++) {
                body.append(syllables[random.nextInt(syllables.length)]);
            }
            body.append(word % 12 == 11 ? "\r\n" : " ");
        }
        return body.append("\r\n").toString();
    }

    /** What it logged (a line per scan, with the envelope Tern passed), for assertions and their messages. */
    public String log() {
        try {
            // Leniently decoded: log lines may quote a message's raw bytes.
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private String logTail() {
        return tail(log, 60) + tail(output, 20);
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    private static Rspamd launch(Path dir, int port, int controllerPort, Redis redis) throws IOException {
        for (String sub : List.of("run", "db", "log")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Path conf = dir.resolve("rspamd.conf");
        Files.writeString(conf, """
                .include "$CONFDIR/common.conf"
                options {
                    pidfile = "$RUNDIR/rspamd.pid";
                    .include "$CONFDIR/options.inc"
                    .include(priority=1,duplicate=merge) "$LOCAL_CONFDIR/local.d/options.inc"
                }
                logging { type = "file"; filename = "$LOGDIR/rspamd.log"; level = "info"; }
                worker "normal" {
                    bind_socket = "127.0.0.1:%d";
                    .include "$CONFDIR/worker-normal.inc"
                    count = 1;
                }
                """.formatted(port)
                // Not worker-controller.inc: its secure_ip lets loopback in without a password, and
                // Tern's sending the password would go untested.
                + (redis == null ? "" : """
                worker "controller" {
                    bind_socket = "127.0.0.1:%d";
                    count = 1;
                    password = "%s";
                    enable_password = "%s";
                }
                """.formatted(controllerPort, CONTROLLER_PASSWORD, CONTROLLER_PASSWORD)));
        Path log = dir.resolve("log").resolve("rspamd.log");
        Files.deleteIfExists(log);
        Path output = dir.resolve("rspamd.out");
        List<String> command = new ArrayList<>(List.of("rspamd", "-f", "-i"));
        // Only root can hand the workers to another user (-u/-g): as root they are told to stay root.
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "root", "-g", "root"));
        }
        command.addAll(List.of("-c", conf.toString(), "--var=RUNDIR=" + dir.resolve("run"),
                "--var=DBDIR=" + dir.resolve("db"), "--var=LOGDIR=" + dir.resolve("log"),
                "--var=LOCAL_CONFDIR=" + dir));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            return new Rspamd(p, port, controllerPort, redis, log, output);
        } catch (IOException e) {
            throw new IOException("cannot run rspamd (apt-get install rspamd): " + e.getMessage(), e);
        }
    }

    /**
     * The local.d overrides ({@code LOCAL_CONFDIR} is {@code dir}): thresholds far from what
     * ordinary test mail scores, subject rules a test can trigger at will, and the classifier's Redis.
     */
    private static void writeLocalConfig(Path dir, Redis redis) throws IOException {
        Path local = Files.createDirectories(dir.resolve("local.d"));
        Path bayes = local.resolve("classifier-bayes.conf");
        if (redis == null) {
            Files.deleteIfExists(bayes);
        } else {
            // The classifier's alone, not redis.conf's servers: those would also wake the greylist,
            // ratelimit, replies and history modules, and change what a scan answers.
            Files.writeString(bayes, """
                    backend = "redis";
                    servers = "%s";
                    """.formatted(redis.address()));
        }
        // Merged into the dns block of options.inc: of two dns blocks side by side rspamd reads only
        // the first, and would ask the resolvers of /etc/resolv.conf.
        Files.writeString(local.resolve("options.inc"), """
                dns {
                    nameserver = ["127.0.0.1:1"];
                    timeout = 0.5s;
                    retransmits = 1;
                }
                """);
        // Its rule names rspamd.com's fuzzy servers, which it would look up with the system's
        // resolver as it loads, whatever the dns block says.
        Files.writeString(local.resolve("fuzzy_check.conf"), "enabled = false;\n");
        Files.writeString(local.resolve("actions.conf"), """
                reject = 50;
                add_header = 10;
                greylist = null;
                rewrite_subject = null;
                """);
        // Fields for Tern to add, as its milter would give them to Postfix; rspamd leaves them out
        // for loopback clients unless told otherwise. Its Authentication-Results is one Tern refuses.
        Files.writeString(local.resolve("milter_headers.conf"), """
                use = ["x-spamd-bar", "x-rspamd-queue-id", "authentication-results"];
                skip_local = false;
                """);
        Files.writeString(dir.resolve("junk.map"), "/" + JUNK_SUBJECT + "/i\n");
        Files.writeString(dir.resolve("reject.map"), "/" + REJECT_SUBJECT + "/i\n");
        Files.writeString(dir.resolve("soft.map"), "/" + SOFT_SUBJECT + "/i\n");
        Files.writeString(local.resolve("multimap.conf"), """
                TERN_TEST_JUNK {
                  type = "header";
                  header = "Subject";
                  regexp = true;
                  map = "${LOCAL_CONFDIR}/junk.map";
                  score = 20.0;
                }
                TERN_TEST_REJECT {
                  type = "header";
                  header = "Subject";
                  regexp = true;
                  map = "${LOCAL_CONFDIR}/reject.map";
                  score = 100.0;
                }
                TERN_TEST_SOFT {
                  type = "header";
                  header = "Subject";
                  regexp = true;
                  map = "${LOCAL_CONFDIR}/soft.map";
                  score = 0.0;
                }
                """);
        Files.writeString(local.resolve("force_actions.conf"), """
                rules {
                  TERN_TEST_SOFT_REJECT {
                    action = "soft reject";
                    expression = "TERN_TEST_SOFT";
                    message = "Try again later";
                  }
                }
                """);
    }

    /** Ready when the normal worker scans a message: the port alone opens before the rules are loaded. */
    private void awaitReady() throws IOException {
        HttpClient client = http();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/checkv2")).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString("Subject: probe\r\n\r\nprobe\r\n")).build();
        HttpRequest controllerProbe = redis == null ? null
                : HttpRequest.newBuilder(URI.create(controllerUrl() + "/stat")).timeout(Duration.ofSeconds(5))
                .header("Password", CONTROLLER_PASSWORD).GET().build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            try {
                HttpResponse<String> r = client.send(probe, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"action\"")
                        && (controllerProbe == null || client.send(controllerProbe,
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200)) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (!process.isAlive()) {
                throw new IOException("rspamd exited (" + process.exitValue() + ") before it was ready:\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("rspamd did not answer on " + url()
                        + (redis == null ? "" : " and " + controllerUrl()) + " within " + STARTUP.toSeconds()
                        + " s:\n" + logTail());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        // Tests stay on loopback: the resolvers of resolv.conf would be real ones.
        if (log().contains("from resolv.conf")) {
            throw new IOException("rspamd uses the system's DNS resolvers, not the loopback one it was given:\n"
                    + logTail());
        }
    }


    private static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return e + "\n";
        }
    }

    /** Stops the main process and its workers, forcibly if they linger. */
    @Override
    public void close() {
        // Taken before the main process goes: orphaned workers would no longer be its descendants.
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
            }
            for (ProcessHandle h : tree) {
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    h.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            tree.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
    }
}
