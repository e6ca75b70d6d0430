package dev.tern.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.tern.config.ConfigException;
import dev.tern.directory.DirectoryException;
import dev.tern.net.ListenException;
import dev.tern.server.TernServer;
import dev.tern.store.StoreException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tern} command: the server and its administration tools. */
@Command(name = "tern", mixinStandardHelpOptions = true, version = "Tern " + TernServer.VERSION,
        description = "An all-in-one mail server.",
        subcommands = {ServeCommand.class, InitCommand.class, DomainCommand.class, UserCommand.class,
                AliasCommand.class, SieveCommand.class, CredentialCommand.class, QueueCommand.class, TraceCommand.class, MailboxCommand.class,
                SendCommand.class, SuppressionCommand.class, AccessCommand.class,
                AdminUserCommand.class, WebhookCommand.class, MigrateCommand.class, BackupCommand.class, CheckCommand.class,
                ConfigCommand.class})
public final class TernCommand {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        boolean serving = args.length > 0 && args[0].equals("serve");
        if (!serving) {
            // Administration commands print their results; library chatter stays out of the way.
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        }
        CommandLine cli = new CommandLine(new TernCommand());
        withHelpOptions(cli);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("tern: " + explain(e));
            commandLine.getErr().flush();
            return 1;
        });
        return cli.execute(args);
    }

    /** Gives every command and subcommand {@code -h}/{@code --help}, as the top command has. */
    private static void withHelpOptions(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (sub.getCommandSpec().optionsMap().get("--help") == null) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            withHelpOptions(sub);
        }
    }

    /** One line that tells the operator what went wrong, without a stack trace for expected errors. */
    static String explain(Exception e) {
        if (e instanceof ConfigException || e instanceof DirectoryException || e instanceof ListenException
                || e instanceof IllegalArgumentException || e instanceof dev.tern.mailbox.MailboxException) {
            return e.getMessage();
        }
        if (e instanceof StoreException) {
            return "storage error: " + e.getMessage();
        }
        if (e instanceof java.util.concurrent.CompletionException && e.getCause() instanceof Exception c) {
            return explain(c);
        }
        return e.toString();
    }
}
