package dev.tern.cli;

import dev.tern.admin.auth.AdminAccounts;
import dev.tern.config.ConfigLoader;
import dev.tern.config.TernConfig;
import dev.tern.directory.Directory;
import dev.tern.server.Services;
import dev.tern.server.TernServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", description = "Start every configured listener and deliver mail until stopped.")
final class ServeCommand implements Callable<Integer> {

    static final String DEMO_DOMAIN = "demo.test";
    static final String DEMO_USER = "demo@" + DEMO_DOMAIN;
    static final String DEMO_SMTP = "127.0.0.1:2525";
    /** The demo reads mail over implicit TLS (its certificate is self-signed). */
    static final String DEMO_IMAPS = "127.0.0.1:1993";
    static final String DEMO_POP3S = "127.0.0.1:1995";
    /** The web console and admin API, on loopback. */
    static final String DEMO_ADMIN = "127.0.0.1:8080";
    static final String DEMO_ADMIN_NAME = "admin";

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(names = "--demo", description = "Without a config file, create one for the demo domain "
            + DEMO_DOMAIN + " with the user " + DEMO_USER + " (its password is printed), listening on " + DEMO_SMTP + ".")
    boolean demo;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path file = config.path();
        String demoPassword = null;
        if (demo && !Files.exists(file)) {
            InitCommand.writeConfig(file, "localhost", DEMO_SMTP, DEMO_USER);
            Files.writeString(file, Files.readString(file)
                    .replace("# imaps = [\"0.0.0.0:993\"]", "imaps = [\"" + DEMO_IMAPS + "\"]")
                    .replace("# pop3s = [\"0.0.0.0:995\"]", "pop3s = [\"" + DEMO_POP3S + "\"]")
                    .replace("# admin = [\"127.0.0.1:8080\"]", "admin = [\"" + DEMO_ADMIN + "\"]"));
            demoPassword = Passwords.random();
        }
        TernConfig cfg = ConfigLoader.load(file);
        if (demoPassword != null) {
            // Before the listeners open: a message that arrives at once must find the account.
            createDemoAccounts(cfg, demoPassword);
        }
        TernServer server = new TernServer(cfg).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "tern-shutdown"));
        if (demo) {
            printDemo(out, cfg, file, demoPassword);
        }
        out.flush();
        stopped.await();
        return 0;
    }

    /** The demo domain, its account and the console's administrator, all with one password. */
    private static void createDemoAccounts(TernConfig cfg, String password) {
        try (Services services = new Services(cfg, 1)) {
            Directory dir = services.directory();
            dir.addDomain(DEMO_DOMAIN);
            dir.addUser(DEMO_USER, password);
            new AdminAccounts(services.metadata(), Clock.systemUTC()).add(DEMO_ADMIN_NAME, password);
        }
    }

    private static void printDemo(PrintWriter out, TernConfig cfg, Path file, String password) {
        String smtp = cfg.listener("smtp").isEmpty() ? DEMO_SMTP : cfg.listener("smtp").get(0).toString();
        String[] hostPort = {smtp.substring(0, smtp.lastIndexOf(':')), smtp.substring(smtp.lastIndexOf(':') + 1)};
        out.println();
        out.println("Tern is running (config " + file.toAbsolutePath() + ", data in " + cfg.dataDir() + ").");
        if (password != null) {
            out.println("Demo account: " + DEMO_USER + "   password: " + password);
        } else {
            out.println("Demo account: " + DEMO_USER + " (created on the first --demo run; reset its password with"
                    + " bin/tern user passwd " + DEMO_USER + ")");
        }
        out.println("Send it a message, from another terminal:");
        out.println("  swaks --server " + hostPort[0] + " --port " + hostPort[1] + " --to " + DEMO_USER);
        out.println("  or: python3 -c \"import smtplib; smtplib.SMTP('" + hostPort[0] + "', " + hostPort[1]
                + ").sendmail('you@example.org', ['" + DEMO_USER + "'], 'Subject: hi\\n\\nhello')\"");
        out.println("Then look at it:");
        out.println("  bin/tern mailbox list " + DEMO_USER);
        out.println("  bin/tern mailbox cat " + DEMO_USER + " 1");
        if (!cfg.listener("imaps").isEmpty()) {
            String imaps = cfg.listener("imaps").get(0).toString();
            String host = imaps.substring(0, imaps.lastIndexOf(':'));
            String port = imaps.substring(imaps.lastIndexOf(':') + 1);
            out.println("or read it over IMAP (TLS on " + imaps + ", self-signed certificate; POP3 likewise on "
                    + (cfg.listener("pop3s").isEmpty() ? "no port" : cfg.listener("pop3s").get(0).toString()) + "):");
            out.println("  python3 -c \"import imaplib,ssl; m=imaplib.IMAP4_SSL('" + host + "', " + port
                    + ", ssl_context=ssl._create_unverified_context()); m.login('" + DEMO_USER + "', '"
                    + (password == null ? "PASSWORD" : password) + "'); m.select(); print(m.fetch('1', '(BODY[])')[1][0][1].decode())\"");
        }
        if (!cfg.listener("admin").isEmpty()) {
            out.println("The web console: http://" + cfg.listener("admin").get(0) + "/  (admin: " + DEMO_ADMIN_NAME
                    + ", the same password" + (password == null ? "" : ": " + password) + ")");
        }
        out.println("Stop with Ctrl-C.");
    }
}
