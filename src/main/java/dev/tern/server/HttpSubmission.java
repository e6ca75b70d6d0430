package dev.tern.server;

import dev.tern.admin.api.SendRoutes;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiRequest;
import dev.tern.admin.http.ApiResponse;
import dev.tern.auth.AuthContext;
import dev.tern.auth.AuthenticatedUser;
import dev.tern.auth.SaslAuthenticator;
import dev.tern.auth.SaslExchange;
import dev.tern.auth.SaslStart;
import dev.tern.config.TernConfig;
import dev.tern.auth.SaslStep;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.IpAddresses;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.message.NonAscii;
import dev.tern.smtp.server.DirectSubmission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * The HTTP send API's way into the queue: logs the user in with the SASL code SMTP uses (PLAIN,
 * over the same accounts and SMTP credentials, the same lockout and delays), then hands the message
 * to the SMTP backend through a {@link DirectSubmission} as the listener {@value #LISTENER}, so
 * that it meets what submission on port 587 meets. One transaction line is logged per message, as
 * for SMTP.
 */
final class HttpSubmission implements SendRoutes.Submitter {

    private static final Logger log = LoggerFactory.getLogger("dev.tern.smtp");
    /** The listener name the backend, the delivery records and the logs see. */
    static final String LISTENER = TernConfig.SEND_API;

    private final SaslAuthenticator authenticator;
    private final DirectSubmission submission;
    private final String hostname;

    HttpSubmission(SaslAuthenticator authenticator, DirectSubmission submission, String hostname) {
        this.authenticator = authenticator;
        this.submission = submission;
        this.hostname = hostname;
    }

    @Override
    public SendRoutes.SubmitResult submit(String user, String password, ApiRequest request, String sender,
                                          List<String> recipients, byte[] content, boolean requireTls) {
        InetAddress client = request.client().getAddress();
        // As for the console's login: a loopback client's traffic never leaves the host.
        AuthContext context = new AuthContext(client, request.secure() || client.isLoopbackAddress(), "http", hostname);
        if (!authenticator.passwordsAllowed(context)) {
            // Also what keeps a REQUIRETLS message from having crossed a network in the clear.
            throw new ApiException(403, "tls_required", "send the password over HTTPS: this listener is not TLS");
        }
        AuthenticatedUser who = login(user, password, context);
        if (who == null) {
            return new SendRoutes.SubmitResult(null, ApiResponse.error(SendRoutes.unauthorized(
                    "wrong user name or password")).delayed(authenticator.failureDelay(context)));
        }
        MailAddress from;
        List<MailAddress> to = new ArrayList<>();
        try {
            from = sender.isEmpty() ? null : MailAddress.parse(sender);
            for (String r : recipients) {
                to.add(MailAddress.parse(r));
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField(e.getMessage());
        }
        boolean utf8 = (from != null && from.needsUtf8()) || to.stream().anyMatch(MailAddress::needsUtf8);
        boolean eightBit = false;
        try {
            utf8 |= NonAscii.inHeaderSection(new ByteArrayInputStream(content));
            eightBit = NonAscii.anywhere(new ByteArrayInputStream(content));
        } catch (IOException e) {
            throw new IllegalStateException(e);   // a byte array does not fail
        }
        ClientInfo info = new ClientInfo(IpAddresses.format(client), null, "api", request.secure() ? "HTTPSA" : "HTTPA",
                LISTENER, who.address(), who.senderScope());
        String described = "from=<" + (from == null ? "" : from) + "> to=" + String.join(",",
                to.stream().map(a -> "<" + a + ">").toList()) + (requireTls ? " requiretls=yes" : "");
        try {
            String queueId = submission.submit(info, client, request.secure() ? "TLS" : null, from, to, content,
                    eightBit, utf8, requireTls).join();
            log.info("{}: client={} (http, user {}) {} size={} result=queued", queueId, info.address(), who.address(),
                    described, content.length);
            return new SendRoutes.SubmitResult(queueId, null);
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (!(cause instanceof MailException refusal)) {
                throw e;
            }
            log.info("NOQUEUE: client={} (http, user {}) {} result=rejected {} {} {}", info.address(), who.address(),
                    described, refusal.code(), refusal.enhancedCode(), refusal.getMessage());
            String text = refusal.code() + " " + refusal.enhancedCode() + " " + refusal.getMessage();
            return new SendRoutes.SubmitResult(null, ApiResponse.error(refusal.code() >= 500
                    ? new ApiException(422, "refused", text)
                    : new ApiException(503, "try_again_later", text)));
        }
    }

    /** The user, or null when the name or the password is wrong; throws for a locked-out client. */
    private AuthenticatedUser login(String user, String password, AuthContext context) {
        SaslStart start = authenticator.start("PLAIN", context);
        if (start instanceof SaslStart.Refused) {
            // The only refusal left after the TLS check: too many recent failures.
            throw new ApiException(429, "too_many_attempts", "too many failed logins; try again later");
        }
        SaslExchange exchange = ((SaslStart.Started) start).exchange();
        try {
            SaslStep step = exchange.step(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
            return step instanceof SaslStep.Success s ? s.user() : null;
        } finally {
            exchange.dispose();
        }
    }
}
