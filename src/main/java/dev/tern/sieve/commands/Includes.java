package dev.tern.sieve.commands;

import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.parser.generated.Node;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The scripts one run includes (RFC 6609): where they come from, which are running now (an
 * include loop is an error), which ran already ({@code :once}), and how many. Bounded as
 * Pigeonhole bounds them: {@link #MAX_DEPTH} scripts deep, {@link #MAX_INCLUDES} includes a run.
 */
public final class Includes {

    /** Scripts that may run inside one another, the main one counted. */
    public static final int MAX_DEPTH = 10;
    /** Includes one run may carry out. */
    public static final int MAX_INCLUDES = 255;

    /** An included script, read and checked. */
    public record Script(Node start, boolean variables) {
    }

    /** Finds a script by location and name, read and checked; null when there is none. */
    @FunctionalInterface
    public interface Resolver {
        Script find(boolean global, String name) throws SieveException;
    }

    /** A run whose scripts include nothing: every include finds no script. */
    public static final Resolver NONE = (global, name) -> null;

    private final Resolver resolver;
    private final Deque<String> running = new ArrayDeque<>();
    private final Set<String> ran = new HashSet<>();
    /** The scripts read so far (null: none of that name), each read and parsed once a run. */
    private final Map<String, Script> read = new HashMap<>();
    private int count;

    public Includes(Resolver resolver) {
        this.resolver = resolver;
    }

    static String key(boolean global, String name) {
        return (global ? ":global " : ":personal ") + name;
    }

    /** Whether that script already ran in this run (an include with {@code :once} skips it). */
    boolean ran(String key) {
        return ran.contains(key);
    }

    /**
     * The script, about to run inside the current one; null when there is none.
     *
     * @throws IncludeException when including it would make a loop or pass a bound
     */
    Script enter(boolean global, String name) throws SieveException {
        String key = key(global, name);
        if (running.contains(key)) {
            throw new IncludeException("include loop: " + key + " includes itself");
        }
        if (running.size() + 2 > MAX_DEPTH) {   // the main script, those running, this one
            throw new IncludeException("includes nested more than " + MAX_DEPTH + " deep");
        }
        if (++count > MAX_INCLUDES) {
            throw new IncludeException("more than " + MAX_INCLUDES + " includes");
        }
        Script script = read.containsKey(key) ? read.get(key) : resolver.find(global, name);
        read.put(key, script);
        if (script != null) {
            running.push(key);
            ran.add(key);
        }
        return script;
    }

    /** The script that ran last has ended. */
    void leave() {
        running.pop();
    }

    /** Why an include cannot be carried out. */
    static final class IncludeException extends SieveException {
        IncludeException(String message) {
            super(message);
        }
    }
}
