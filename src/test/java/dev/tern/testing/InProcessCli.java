package dev.tern.testing;

import dev.tern.cli.TernCommand;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Runs the {@code tern} command line in this JVM, as an operator would run it: the given text on standard input,
 * standard output (and, unless asked otherwise, standard error) captured as UTF-8. {@link System#out},
 * {@link System#err} and {@link System#in} are always put back, whatever the command does.
 *
 * <p>The streams are the JVM's own, so anything else in this JVM that prints while the command runs (a server
 * started by the test, say, logging to standard output) is captured with it.
 */
public final class InProcessCli {

    /** What a run of {@code tern} left: its exit status and what it printed. */
    public record Result(int code, String out, String err) {
    }

    private InProcessCli() {
    }

    /**
     * Runs {@code tern args...}, capturing standard output and standard error.
     *
     * @param stdin what the command reads from standard input; {@code null} for nothing
     */
    public static Result run(String stdin, String... args) {
        return run(true, stdin, args);
    }

    /** {@link #run(String, String...)} with {@code --config config} after the arguments. */
    public static Result run(Path config, String stdin, String... args) {
        return run(true, stdin, withConfig(config, args));
    }

    /**
     * Runs {@code tern args...}, capturing standard output only: standard error goes where it was going, and the
     * result's {@link Result#err()} is empty.
     *
     * @param stdin what the command reads from standard input; {@code null} for nothing
     */
    public static Result runStdoutOnly(String stdin, String... args) {
        return run(false, stdin, args);
    }

    /** {@link #runStdoutOnly(String, String...)} with {@code --config config} after the arguments. */
    public static Result runStdoutOnly(Path config, String stdin, String... args) {
        return run(false, stdin, withConfig(config, args));
    }

    /** The arguments followed by {@code --config config}. */
    public static String[] withConfig(Path config, String... args) {
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--config";
        full[args.length + 1] = config.toString();
        return full;
    }

    private static Result run(boolean captureStderr, String stdin, String[] args) {
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        InputStream realIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            if (captureStderr) {
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            }
            System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            code = TernCommand.run(args);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(realOut);
            System.setErr(realErr);
            System.setIn(realIn);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
