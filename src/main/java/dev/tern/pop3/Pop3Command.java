package dev.tern.pop3;

import java.util.List;

/**
 * One command line as the client sent it (RFC 1939 §3): a keyword, upper-cased, and its
 * space-separated arguments.
 *
 * @param rest everything after the keyword and its space, verbatim: PASS takes it whole, since a
 *             password may hold spaces (RFC 1939 §7)
 */
public record Pop3Command(String keyword, List<String> args, String rest) {

    public int argCount() {
        return args.size();
    }

    public String arg(int i) {
        return args.get(i);
    }
}
