package dev.tern.managesieve;

import dev.tern.auth.AuthenticatedUser;
import dev.tern.sieve.SieveScriptException;
import dev.tern.sieve.SieveScripts;
import dev.tern.store.Rows;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The commands of the AUTHENTICATED state that work on the account's scripts (RFC 5804 §2.3,
 * §2.6 to §2.12): HAVESPACE, PUTSCRIPT, CHECKSCRIPT, LISTSCRIPTS, GETSCRIPT, SETACTIVE,
 * DELETESCRIPT and RENAMESCRIPT. Each one runs on the storage executor through
 * {@link SieveScripts}, which checks every script completely before it keeps it; its answer
 * comes back to the session's thread.
 *
 * <p>Refusals become RFC 5804's response codes: {@code (NONEXISTENT)}, {@code (ALREADYEXISTS)},
 * {@code (ACTIVE)}, {@code (QUOTA/MAXSCRIPTS)}, {@code (QUOTA/MAXSIZE)}; a script that does not
 * check answers {@code NO "line 3: …"}. A failure of the store answers {@code NO (TRYLATER)} and
 * is logged; its detail stays in the log.
 */
final class ScriptCommands {

    /** Work on the scripts that answers with a reply, or refuses. */
    @FunctionalInterface
    private interface Work {
        ManageSieveReply run() throws SieveScripts.RefusedException, SieveScriptException;
    }

    private final ManageSieveContext context;
    private final ManageSieveIo io;
    private final String id;
    /** Sends a reply to a command the client got wrong: it counts toward the session's errors. */
    private final Consumer<ManageSieveReply> error;

    ScriptCommands(ManageSieveContext context, ManageSieveIo io, String id, Consumer<ManageSieveReply> error) {
        this.context = context;
        this.io = io;
        this.id = id;
        this.error = error;
    }

    void run(ManageSieveCommand c, AuthenticatedUser user) {
        SieveScripts scripts = context.scripts();
        long account = user.accountId();
        String name = c.stringCount() == 0 || c.verb() == ManageSieveVerb.CHECKSCRIPT ? "" : text(c, 0, "a script name");
        if (name == null) {
            return;
        }
        switch (c.verb()) {
            case HAVESPACE -> onStorage(c, user, () -> {
                scripts.haveSpace(account, name, c.number());
                return ManageSieveReply.ok("putscript would succeed");
            });
            case PUTSCRIPT -> {
                String script = text(c, 1, "a script");
                if (script != null) {
                    onStorage(c, user, () -> {
                        scripts.put(account, name, script);
                        ManageSieveSession.LOG.info("{}: user={} stored script \"{}\" ({} octets)", id, user.address(),
                                name, c.octets(1).length);
                        return ManageSieveReply.ok("script stored");
                    });
                }
            }
            case CHECKSCRIPT -> {
                String script = text(c, 0, "a script");
                if (script != null) {
                    onStorage(c, user, () -> {
                        scripts.check(script);
                        return ManageSieveReply.ok("script is valid");
                    });
                }
            }
            case LISTSCRIPTS -> onStorage(c, user, () -> {
                List<Map.Entry<String, Boolean>> list = scripts.list(account).stream()
                        .map(s -> (Map.Entry<String, Boolean>) new AbstractMap.SimpleImmutableEntry<>(s.name(), s.active()))
                        .toList();
                return ManageSieveReply.scriptList(list);
            });
            case GETSCRIPT -> onStorage(c, user, () -> {
                Optional<Rows.SieveScript> script = scripts.get(account, name);
                return script.map(s -> ManageSieveReply.script(s.content().getBytes(StandardCharsets.UTF_8)))
                        .orElseGet(() -> ManageSieveReply.no("NONEXISTENT", "there is no script named " + name));
            });
            case SETACTIVE -> onStorage(c, user, () -> {
                scripts.activate(account, name);
                ManageSieveSession.LOG.info("{}: user={} {}", id, user.address(),
                        name.isEmpty() ? "deactivated its scripts" : "activated script \"" + name + "\"");
                return ManageSieveReply.ok(name.isEmpty() ? "no script is active now" : "script activated");
            });
            case DELETESCRIPT -> onStorage(c, user, () -> {
                scripts.delete(account, name, false);
                ManageSieveSession.LOG.info("{}: user={} deleted script \"{}\"", id, user.address(), name);
                return ManageSieveReply.ok("script deleted");
            });
            case RENAMESCRIPT -> {
                String to = text(c, 1, "a script name");
                if (to != null) {
                    onStorage(c, user, () -> {
                        scripts.rename(account, name, to);
                        ManageSieveSession.LOG.info("{}: user={} renamed script \"{}\" to \"{}\"", id, user.address(),
                                name, to);
                        return ManageSieveReply.ok("script renamed");
                    });
                }
            }
            default -> throw new IllegalArgumentException(c.verb() + " is not a script command");
        }
    }

    /** String argument {@code i} as text, or null after saying it is not UTF-8. */
    private String text(ManageSieveCommand c, int i, String what) {
        String text = c.text(i);
        if (text == null) {
            error.accept(ManageSieveReply.no(what + " must be UTF-8 text"));
        }
        return text;
    }

    private void onStorage(ManageSieveCommand c, AuthenticatedUser user, Work work) {
        CompletableFuture<ManageSieveReply> done;
        try {
            done = CompletableFuture.supplyAsync(() -> {
                try {
                    return work.run();
                } catch (SieveScripts.RefusedException e) {
                    return refused(e);
                } catch (SieveScriptException e) {
                    return ManageSieveReply.no(e.describe());
                }
            }, context.storageExecutor());
        } catch (RejectedExecutionException e) {
            done = CompletableFuture.failedFuture(e);
        }
        io.await(done, (reply, failure) -> {
            if (failure != null) {
                ManageSieveSession.LOG.warn("{}: user={} {} failed", id, user.address(), c.verb(), failure);
                io.send(ManageSieveReply.no("TRYLATER", "the scripts cannot be reached now; try again later"));
            } else {
                io.send(reply);
            }
        });
    }

    /** RFC 5804 §1.3's response code for a refusal; a bad name has none. */
    static ManageSieveReply refused(SieveScripts.RefusedException e) {
        String code = switch (e.refusal()) {
            case NONEXISTENT -> "NONEXISTENT";
            case ALREADYEXISTS -> "ALREADYEXISTS";
            case ACTIVE -> "ACTIVE";
            case QUOTA_MAXSCRIPTS -> "QUOTA/MAXSCRIPTS";
            case QUOTA_MAXSIZE -> "QUOTA/MAXSIZE";
            case BAD_NAME -> null;
        };
        return ManageSieveReply.no(code, e.getMessage());
    }
}
