package dev.tern.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A client program run to its end by a test (mbsync, fetchmail), bounded in time. Its output, both
 * streams, goes to a file rather than a pipe, so that a chatty program never blocks on a full one.
 */
public final class ClientRun {

    /** How it ended: its exit status and everything it printed. */
    public record Result(int status, String output) {
    }

    private ClientRun() {
    }

    /**
     * Starts {@code program} with nothing on its standard input, waits at most {@code limit}, and
     * fails (killing it) if it has not ended by then.
     */
    public static Result run(ProcessBuilder program, Path outputFile, Duration limit)
            throws IOException, InterruptedException {
        Process p = program.redirectErrorStream(true).redirectOutput(outputFile.toFile()).start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(outputFile, StandardCharsets.UTF_8);
        if (!finished) {
            throw new AssertionError(program.command().get(0) + " did not end within " + limit + "; output:\n" + output);
        }
        return new Result(p.exitValue(), output);
    }
}
