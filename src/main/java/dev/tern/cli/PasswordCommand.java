package dev.tern.cli;

import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * An administration command that sets a password (a user's, an admin's): from
 * {@code --password-stdin}, else asked twice on the terminal, else a random one that is printed
 * once, since nobody could know it otherwise.
 */
abstract class PasswordCommand extends AdminCommand {

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    /** A chosen password, and whether Tern made it up. */
    record Chosen(String password, boolean generated) {

        /** Prints a generated password: the only time anyone sees it. */
        void showIfGenerated(PrintWriter out) {
            if (generated) {
                out.println("password: " + password);
            }
        }
    }

    /** @param who what the terminal prompt names */
    Chosen password(String who) throws Exception {
        if (passwordStdin) {
            return new Chosen(Passwords.fromStdin(), false);
        }
        String typed = Passwords.prompt(who);
        if (typed != null) {
            return new Chosen(typed, false);
        }
        return new Chosen(Passwords.random(), true);
    }
}
