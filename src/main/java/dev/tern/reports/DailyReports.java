package dev.tern.reports;

import org.slf4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.zip.GZIPOutputStream;

/** The parts of a daily report run that do not depend on the report's format. */
public final class DailyReports {

    private static final SecureRandom RANDOM = new SecureRandom();

    private DailyReports() {
    }

    /**
     * Reports each due [day, domain] pair in turn; one that fails is logged and left for the next
     * run, and does not stop the others. Completes with how many reports were sent.
     *
     * @param what   the kind of report, for the log ("TLS report")
     * @param report sends one day's report for one domain; completes with whether one was sent
     */
    public static CompletableFuture<Integer> each(List<String[]> pending, String what, Logger log,
                                                  BiFunction<LocalDate, String, CompletableFuture<Boolean>> report) {
        CompletableFuture<Integer> done = CompletableFuture.completedFuture(0);
        for (String[] p : pending) {
            LocalDate day = LocalDate.parse(p[0]);
            String domain = p[1];
            done = done.thenCompose(n -> report.apply(day, domain).exceptionally(e -> {
                log.warn("{} for {} on {} not sent now (tried again within the hour): {}", what, domain, day, e.toString());
                return false;
            }).thenApply(sent -> n + (sent ? 1 : 0)));
        }
        return done;
    }

    /** A report id, unique for this host: the day, random hex, the host name. */
    public static String reportId(LocalDate day, String hostname) {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return day + "." + HexFormat.of().formatHex(b) + "@" + hostname;
    }

    /** The text gzipped, as both formats attach it. */
    public static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
