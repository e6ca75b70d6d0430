package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tern.admin.http.Access;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiRequest;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.message.ComposedMessage;
import dev.tern.message.LineEnds;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /api/send} and {@code POST /api/send/raw}: mail from applications over HTTP, as
 * cloud sending services take it, with the same login as SMTP submission (an SMTP credential, or
 * an account) in HTTP Basic authentication, and the same checks (sender scope, rate, relaying,
 * {@code From:} fields), fix-ups and queue (docs/send-api.md).
 *
 * <p>Security notes: the password crosses the connection, so the request must come over TLS or
 * from a loopback address; failed logins count toward the lockout and delay of SMTP's. The routes
 * take no admin token: what may be sent is the credential's business, not an operator's.
 */
public final class SendRoutes implements RouteGroup {

    /** Puts a message into the queue for a user who logged in with a password. */
    public interface Submitter {
        /**
         * @param content the message, CRLF line ends
         * @return the queue id
         * @throws ApiException 401 for a login that fails (delayed as SMTP delays it), 403 for a
         *                      password in plaintext, 422 or 503 for what the mail checks refuse
         */
        SubmitResult submit(String user, String password, ApiRequest request, String sender, List<String> recipients,
                            byte[] content, boolean requireTls);
    }

    /** What {@link Submitter#submit} did: the queue id, or a refusal to answer with. */
    public record SubmitResult(String queueId, ApiResponse refusal) {
    }

    public record Attachment(@JsonProperty(required = true) @JsonPropertyDescription("the file's name") String filename,
                             @JsonPropertyDescription("its media type; default application/octet-stream")
                             String contentType,
                             @JsonProperty(required = true) @JsonPropertyDescription("its bytes, in base64")
                             String content) {
    }

    public record OutgoingMessage(
            @JsonProperty(required = true) @JsonPropertyDescription("the author: a@example.org or Name <a@example.org>; "
                    + "its address is also the envelope sender") String from,
            @JsonPropertyDescription("recipients shown in To:") List<String> to,
            @JsonPropertyDescription("recipients shown in Cc:") List<String> cc,
            @JsonPropertyDescription("recipients not shown") List<String> bcc,
            String replyTo, String subject,
            @JsonPropertyDescription("the plain-text body") String text,
            @JsonPropertyDescription("the HTML body; with text, the two are alternatives") String html,
            @JsonPropertyDescription("further header fields by name (List-Unsubscribe, X-…)") Map<String, String> headers,
            List<Attachment> attachments,
            @JsonPropertyDescription("RFC 8689 REQUIRETLS: onward only over verified TLS, or returned") Boolean requireTls) {
    }

    public record RawMessage(
            @JsonProperty(required = true) @JsonPropertyDescription("the envelope sender (MAIL FROM)") String from,
            @JsonProperty(required = true) @JsonPropertyDescription("the envelope recipients (RCPT TO)") List<String> to,
            @JsonProperty(required = true) @JsonPropertyDescription("the whole message (RFC 5322), header and body")
            String message,
            Boolean requireTls) {
    }

    public record Sent(@JsonPropertyDescription("the queue id: bin/tern trace and the delivery records know it by it")
                       String queueId,
                       @JsonPropertyDescription("the Message-ID, without angle brackets; null for a raw message")
                       String messageId) {
    }

    private final Submitter submitter;
    private final String hostname;

    public SendRoutes(Submitter submitter, String hostname) {
        this.submitter = submitter;
        this.hostname = hostname;
    }

    @Override
    public void register(RouteTable table) {
        table.post("/api/send", "Send a message built from fields (HTTP Basic: an SMTP credential or an account)")
                .access(Access.anyone()).request(OutgoingMessage.class).response(Sent.class).status(202)
                .handle(this::send);
        table.post("/api/send/raw", "Send a message as it is written (HTTP Basic: an SMTP credential or an account)")
                .access(Access.anyone()).request(RawMessage.class).response(Sent.class).status(202)
                .handle(this::sendRaw);
    }

    private ApiResponse send(ApiRequest r) {
        String[] login = basicLogin(r);
        OutgoingMessage m = r.body(OutgoingMessage.class);
        String sender = address("from", m.from());
        List<String> recipients = new ArrayList<>();
        for (List<String> list : List.of(nonNull(m.to()), nonNull(m.cc()), nonNull(m.bcc()))) {
            for (String a : list) {
                recipients.add(address("recipient", a));
            }
        }
        String messageId = UUID.randomUUID() + "@" + hostname;
        byte[] content;
        try {
            content = ComposedMessage.write(new ComposedMessage.Fields(m.from(), nonNull(m.to()), nonNull(m.cc()),
                    m.replyTo(), m.subject(), m.text(), m.html(),
                    m.headers() == null ? Map.of() : new LinkedHashMap<>(m.headers()), attachments(m.attachments()),
                    messageId));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField(e.getMessage());
        }
        return sent(submitter.submit(login[0], login[1], r, sender, recipients, content,
                Boolean.TRUE.equals(m.requireTls())), messageId);
    }

    private ApiResponse sendRaw(ApiRequest r) {
        String[] login = basicLogin(r);
        RawMessage m = r.body(RawMessage.class);
        String sender = m.from().isEmpty() ? "" : address("from", m.from());
        List<String> recipients = new ArrayList<>();
        for (String a : m.to()) {
            recipients.add(address("recipient", a));
        }
        String text = m.message();
        if (text.indexOf('\0') >= 0) {
            throw ApiException.invalidField("message: NUL is not allowed in a message");
        }
        // Line ends as CRLF (JSON strings usually carry LF); a message must end with one.
        return sent(submitter.submit(login[0], login[1], r, sender, recipients,
                LineEnds.crlfTerminated(text).getBytes(StandardCharsets.UTF_8), Boolean.TRUE.equals(m.requireTls())), null);
    }

    private static ApiResponse sent(SubmitResult result, String messageId) {
        if (result.refusal() != null) {
            return result.refusal();
        }
        return ApiResponse.json(202, new Sent(result.queueId(), messageId));
    }

    /** The user and password of an {@code Authorization: Basic} header. */
    private static String[] basicLogin(ApiRequest r) {
        String header = r.header("authorization").orElse("");
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw unauthorized("this request needs HTTP Basic authentication with an SMTP credential or an account");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unauthorized("the Basic credentials are not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw unauthorized("the Basic credentials are not user:password");
        }
        return new String[]{decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    /** A 401 that tells the client how to authenticate (RFC 7617). */
    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthenticated", message,
                Map.of("WWW-Authenticate", List.of("Basic realm=\"Tern send API\", charset=\"UTF-8\"")));
    }

    private static String address(String what, String mailbox) {
        try {
            return ComposedMessage.address(mailbox);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField(what + ": " + e.getMessage());
        }
    }

    private static List<ComposedMessage.Attachment> attachments(List<Attachment> given) {
        List<ComposedMessage.Attachment> out = new ArrayList<>();
        for (Attachment a : nonNull(given)) {
            byte[] bytes;
            try {
                bytes = Base64.getMimeDecoder().decode(a.content());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidField("attachment " + a.filename() + ": content is not base64");
            }
            out.add(new ComposedMessage.Attachment(a.filename(), a.contentType(), bytes));
        }
        return out;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
