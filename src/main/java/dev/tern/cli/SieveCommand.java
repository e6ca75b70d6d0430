package dev.tern.cli;

import dev.tern.directory.Account;
import dev.tern.directory.DirectoryException;
import dev.tern.server.Services;
import dev.tern.sieve.SieveScriptException;
import dev.tern.sieve.SieveScripts;
import dev.tern.store.Rows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

@Command(name = "sieve", description = "Manage accounts' Sieve filters (RFC 5228): what files, forwards or answers their mail.",
        subcommands = {SieveCommand.ListScripts.class, SieveCommand.Show.class, SieveCommand.Put.class,
                SieveCommand.Check.class, SieveCommand.Activate.class, SieveCommand.Deactivate.class,
                SieveCommand.Rename.class, SieveCommand.Delete.class})
final class SieveCommand {

    private SieveCommand() {
    }

    static Account account(Services s, String address) {
        return s.directory().user(address).orElseThrow(() -> DirectoryException.notFound("no such account: " + address));
    }

    /** A refusal or a bad script as the one line the command prints. */
    static IllegalArgumentException failure(Exception e) {
        return new IllegalArgumentException(e instanceof SieveScriptException bad ? "the script is not valid: " + bad.describe()
                : e.getMessage());
    }

    /** The script text of FILE, or of standard input for "-" or no file. */
    static String read(String file) throws IOException {
        if (file == null || file.equals("-")) {
            InputStream in = System.in;
            return new String(in.readNBytes(SieveScripts.MAX_SCRIPT_BYTES + 1), StandardCharsets.UTF_8);
        }
        return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    }

    @Command(name = "list", description = "List an account's scripts; the active one is marked.")
    static final class ListScripts extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Override
        int run(Services s, PrintWriter out) {
            for (Rows.SieveScript script : s.sieveScripts().list(account(s, address).id())) {
                out.println(script.name() + (script.active() ? "  (active)" : ""));
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Print a script.")
    static final class Show extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        int run(Services s, PrintWriter out) {
            Rows.SieveScript script = s.sieveScripts().get(account(s, address).id(), name)
                    .orElseThrow(() -> new IllegalArgumentException("there is no script named " + name));
            out.print(script.content());
            if (!script.content().endsWith("\n")) {
                out.println();
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "put", description = "Store a script read from FILE (or standard input), replacing one of the same name.")
    static final class Put extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Parameters(index = "2", paramLabel = "FILE", arity = "0..1", description = "the script; - or none for standard input")
        String file;

        @Option(names = "--activate", description = "make it the account's active script")
        boolean activate;

        @Override
        int run(Services s, PrintWriter out) throws IOException {
            long id = account(s, address).id();
            try {
                s.sieveScripts().put(id, name, read(file));
                if (activate) {
                    s.sieveScripts().activate(id, name);
                }
            } catch (SieveScripts.RefusedException | SieveScriptException e) {
                throw failure(e);
            }
            out.println("stored script " + name + " of " + address + (activate ? " (active)" : ""));
            return 0;
        }
    }

    @Command(name = "check", description = "Check a script read from FILE (or standard input) without storing it.")
    static final class Check extends AdminCommand {
        @Parameters(index = "0", paramLabel = "FILE", arity = "0..1")
        String file;

        @Override
        int run(Services s, PrintWriter out) throws IOException {
            try {
                s.sieveScripts().check(read(file));
            } catch (SieveScriptException e) {
                throw failure(e);
            }
            out.println("the script is valid");
            return 0;
        }
    }

    @Command(name = "activate", description = "Make a script the one that filters the account's mail.")
    static final class Activate extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        int run(Services s, PrintWriter out) {
            try {
                s.sieveScripts().activate(account(s, address).id(), name);
            } catch (SieveScripts.RefusedException e) {
                throw failure(e);
            }
            out.println("script " + name + " now filters the mail of " + address);
            return 0;
        }
    }

    @Command(name = "deactivate", description = "Stop filtering the account's mail (its scripts are kept).")
    static final class Deactivate extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Override
        int run(Services s, PrintWriter out) throws SieveScripts.RefusedException {
            s.sieveScripts().activate(account(s, address).id(), null);
            out.println("no script filters the mail of " + address);
            return 0;
        }
    }

    @Command(name = "rename", description = "Rename a script.")
    static final class Rename extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Parameters(index = "2", paramLabel = "NEW_NAME")
        String newName;

        @Override
        int run(Services s, PrintWriter out) {
            try {
                s.sieveScripts().rename(account(s, address).id(), name, newName);
            } catch (SieveScripts.RefusedException e) {
                throw failure(e);
            }
            out.println("renamed script " + name + " to " + newName);
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a script; deleting the active one stops the filtering.")
    static final class Delete extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        int run(Services s, PrintWriter out) {
            long id = account(s, address).id();
            boolean wasActive = s.sieveScripts().get(id, name).map(Rows.SieveScript::active).orElse(false);
            try {
                s.sieveScripts().delete(id, name, true);
            } catch (SieveScripts.RefusedException e) {
                throw failure(e);
            }
            out.println("deleted script " + name + (wasActive ? "; no script filters the mail of " + address + " now" : ""));
            return 0;
        }
    }
}
