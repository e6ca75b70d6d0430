package dev.tern.security.spf;

import dev.tern.dns.DnsResolver;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The published RFC 7208 test suite (the openspf.org suite as pyspf ships it, rfc7208-tests.yml):
 * each scenario's zone data is served by a {@link TestDnsServer}, and each test case runs as one
 * dynamic test named "scenario/test".
 *
 * <p>The file is not part of this repository. It is found through the system property
 * {@value #PROPERTY} or the environment variable {@value #ENVIRONMENT} (which {@code .ci/run}
 * sets), else at Debian's place for python3-spf, else where {@code .ci/run} unpacks it. For a local
 * run: {@code cd /tmp && apt-get download python3-spf && dpkg-deb -x python3-spf_*.deb /tmp/pyspf},
 * then {@code -Dspf.testsuite=/tmp/pyspf/usr/share/doc/python3-spf/rfc7208-tests.yml.gz}. Without
 * the file the suite is skipped, except under CI ({@code CI=true}, {@code -Dspf.testsuite.required=true},
 * or either setting above given), where it fails.
 *
 * <p>Zone data follows the suite's own driver (pyspf's testspf.py): SPF entries are served both as
 * type 99 and as TXT unless the name has TXT entries of its own ("TXT: NONE" suppresses the copy);
 * "TIMEOUT" makes every query of the name unanswered except for the types listed before it.
 * An expected explanation of "DEFAULT" means the domain gave none.
 *
 * <p>No case is excluded. One comparison is loosened: see {@link #EXPLANATION_CASE_INSENSITIVE}.
 */
class SpfRfc7208SuiteTest {

    static final String PROPERTY = "spf.testsuite";
    static final String ENVIRONMENT = "SPF_TEST_SUITE";
    private static final String SUITE = "python3-spf/rfc7208-tests.yml.gz";
    private static final List<Path> KNOWN_PLACES = List.of(
            Path.of("/usr/share/doc/" + SUITE),
            Path.of(System.getProperty("user.home"), ".cache/tern/python3-spf/usr/share/doc/" + SUITE));

    /** Short, so that the suite's TIMEOUT cases take about two seconds each rather than ten. */
    private static final Duration DNS_TIMEOUT = Duration.ofMillis(300);
    /** Every type the verifier asks for, and those it must not (SPF), for names that time out. */
    private static final List<Integer> TYPES = List.of(Type.TXT, Type.SPF, Type.A, Type.AAAA, Type.MX, Type.PTR, Type.CNAME);

    /**
     * Cases whose expected explanation is compared without regard to case, with the reason. The
     * suite's %{i} of an IPv6 address has upper-case nibbles (pyspf's output); this implementation
     * writes them in lower case, as RFC 7208 §7.4's own example does ("1.0.b.c.0.0…ip6…"). DNS
     * names are case-insensitive, so lookups are unaffected; only the text differs.
     */
    static final Map<String, String> EXPLANATION_CASE_INSENSITIVE = Map.of(
            "Macro expansion rules/v-macro-ip6",
            "%{ir} of an IPv6 address is written in lower case, as in RFC 7208 §7.4");

    /** Cases not run, with the reason. None: every case of the suite passes. */
    static final Map<String, String> EXCLUDED = Map.of();

    @TestFactory
    Stream<DynamicTest> rfc7208TestSuite() throws IOException {
        Path file = locateSuite();
        if (file == null) {
            // A skipped test rather than an aborted factory, which test reports would not show at all.
            return Stream.of(DynamicTest.dynamicTest("RFC 7208 test suite", () -> Assumptions.abort(notFound())));
        }
        List<DynamicTest> tests = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
            for (Object document : yaml.loadAll(in)) {
                tests.addAll(scenario(map(document)));
            }
        }
        assertThat(tests).as("test cases in " + file).hasSizeGreaterThan(100);
        return tests.stream();
    }

    private static List<DynamicTest> scenario(Map<String, Object> scenario) {
        String description = String.valueOf(scenario.get("description"));
        Map<String, Object> zone = map(scenario.get("zonedata"));
        List<DynamicTest> tests = new ArrayList<>();
        map(scenario.get("tests")).forEach((name, data) -> {
            String id = description + "/" + name;
            tests.add(DynamicTest.dynamicTest(id, () -> run(id, zone, map(data))));
        });
        return tests;
    }

    private static void run(String id, Map<String, Object> zone, Map<String, Object> test) throws Exception {
        if (EXCLUDED.containsKey(id)) {
            Assumptions.abort(EXCLUDED.get(id));
        }
        List<String> expected = new ArrayList<>();
        if (test.get("result") instanceof List<?> results) {
            results.forEach(r -> expected.add(String.valueOf(r)));
        } else {
            expected.add(String.valueOf(test.get("result")));
        }
        String mailFrom = String.valueOf(test.get("mailfrom"));
        String helo = String.valueOf(test.get("helo"));
        InetAddress host = Address.getByAddress(String.valueOf(test.get("host")));

        SpfOutcome outcome;
        try (TestDnsServer server = TestDnsServer.start();
             DnsResolver resolver = new DnsResolver(server.settings(DNS_TIMEOUT))) {
            serve(server, zone);
            Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
            SpfVerifier verifier = new SpfVerifier(resolver, "receiver.example.net", clock);
            outcome = verifier.check(host, helo, mailFrom.isEmpty() ? null : mailFrom).get(60, TimeUnit.SECONDS);
        }

        assertThat(outcome.result().keyword())
                .as("%s: result (%s), expected %s", id, outcome.reason(), expected)
                .isIn(expected);
        if (test.get("explanation") != null) {
            String explanation = String.valueOf(test.get("explanation"));
            if (explanation.equals("DEFAULT")) {
                assertThat(outcome.explanation()).as("%s: explanation", id).isNull();
            } else if (EXPLANATION_CASE_INSENSITIVE.containsKey(id)) {
                assertThat(outcome.explanation()).as("%s: explanation", id).isEqualToIgnoringCase(explanation);
            } else {
                assertThat(outcome.explanation()).as("%s: explanation", id).isEqualTo(explanation);
            }
        }
    }

    /** The zone data of one scenario, as pyspf's test driver serves it. */
    private static void serve(TestDnsServer server, Map<String, Object> zone) throws TextParseException {
        for (Map.Entry<String, Object> entry : zone.entrySet()) {
            String name = entry.getKey();
            List<?> entries = (List<?>) entry.getValue();
            boolean ownTxt = entries.stream().anyMatch(e -> e instanceof Map<?, ?> m && m.containsKey("TXT"));
            List<Object> effective = new ArrayList<>();
            List<Object> copiedToTxt = new ArrayList<>();
            for (Object e : entries) {
                if (e instanceof Map<?, ?> m) {
                    m.forEach((type, value) -> {
                        if (!"NONE".equals(value)) {
                            effective.add(Map.of(type, value));
                        }
                        if (type.equals("SPF") && !ownTxt) {
                            copiedToTxt.add(Map.of("TXT", value));
                        }
                    });
                } else {
                    effective.add(e); // "TIMEOUT"
                }
            }
            effective.addAll(copiedToTxt); // after everything else, as the driver appends them
            Set<Integer> answered = new HashSet<>();
            for (Object e : effective) {
                if ("TIMEOUT".equals(e)) {
                    TYPES.stream().filter(t -> !answered.contains(t)).forEach(t -> server.unresponsive(name, t));
                    break;
                }
                Map.Entry<?, ?> record = map(e).entrySet().iterator().next();
                answered.add(add(server, name, String.valueOf(record.getKey()), record.getValue()));
            }
        }
    }

    private static int add(TestDnsServer server, String name, String type, Object value) throws TextParseException {
        switch (type) {
            case "TXT", "SPF" -> {
                int t = type.equals("TXT") ? Type.TXT : Type.SPF;
                server.add(Record.newRecord(Name.fromString(name, Name.root), t, DClass.IN, 300, characterStrings(value)));
                return t;
            }
            case "A" -> {
                server.a(name, String.valueOf(value));
                return Type.A;
            }
            case "AAAA" -> {
                server.aaaa(name, String.valueOf(value));
                return Type.AAAA;
            }
            case "MX" -> {
                List<?> mx = (List<?>) value;
                String exchange = String.valueOf(mx.get(1));
                if (exchange.isEmpty()) {
                    server.nullMx(name);
                } else {
                    server.mx(name, ((Number) mx.get(0)).intValue(), exchange);
                }
                return Type.MX;
            }
            case "PTR" -> {
                server.ptrAt(name, String.valueOf(value));
                return Type.PTR;
            }
            case "CNAME" -> {
                server.cname(name, String.valueOf(value));
                return Type.CNAME;
            }
            default -> throw new IllegalArgumentException("record type " + type + " in the zone data of " + name);
        }
    }

    /** TXT/SPF rdata: one string or a list of them, each a character-string of its UTF-8 octets. */
    private static byte[] characterStrings(Object value) {
        List<?> strings = value instanceof List<?> l ? l : List.of(value);
        ByteArrayOutputStream rdata = new ByteArrayOutputStream();
        for (Object s : strings) {
            byte[] octets = String.valueOf(s).getBytes(StandardCharsets.UTF_8);
            rdata.write(octets.length);
            rdata.writeBytes(octets);
        }
        return rdata.toByteArray();
    }

    /** The suite file, or null when it is missing and may be (a local run); under CI a missing file fails. */
    private static Path locateSuite() {
        for (Path candidate : candidates()) {
            if (Files.isReadable(candidate)) {
                return candidate;
            }
        }
        boolean required = "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean(PROPERTY + ".required")
                || configured(System.getProperty(PROPERTY)) || configured(System.getenv(ENVIRONMENT));
        if (required) {
            fail(notFound());
        }
        return null;
    }

    private static List<Path> candidates() {
        List<Path> candidates = new ArrayList<>();
        if (configured(System.getProperty(PROPERTY))) {
            candidates.add(Path.of(System.getProperty(PROPERTY)));
        }
        if (configured(System.getenv(ENVIRONMENT))) {
            candidates.add(Path.of(System.getenv(ENVIRONMENT)));
        }
        candidates.addAll(KNOWN_PLACES);
        return candidates;
    }

    private static boolean configured(String setting) {
        return setting != null && !setting.isBlank();
    }

    private static String notFound() {
        return "The RFC 7208 test suite (rfc7208-tests.yml.gz from Debian's python3-spf) was not found; looked at "
                + candidates() + ". Get it with: apt-get download python3-spf && dpkg-deb -x python3-spf_*.deb DIR, then set -D"
                + PROPERTY + "=DIR/usr/share/doc/" + SUITE + " or " + ENVIRONMENT + " (.ci/run does this).";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object yaml) {
        return (Map<String, Object>) yaml;
    }
}
