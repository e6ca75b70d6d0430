package dev.tern.cli;

import dev.tern.directory.GeneratedPasswords;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Where a command gets a password: standard input, the terminal, or a fresh random one. */
final class Passwords {

    private Passwords() {
    }

    /** The first line of standard input, without its line ending. */
    static String fromStdin() throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("no password on standard input");
        }
        return line;
    }

    /** Asks twice on the terminal; null when there is no terminal. */
    static String prompt(String who) {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        char[] first = console.readPassword("Password for %s: ", who);
        char[] second = console.readPassword("Again: ");
        if (first == null || second == null || !new String(first).equals(new String(second))) {
            throw new IllegalArgumentException("the passwords do not match");
        }
        return new String(first);
    }

    static String random() {
        return GeneratedPasswords.next();
    }
}
