package dev.tern.security.spam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.config.RspamdSettings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Asks rspamd's normal worker what to do with a message ({@code POST /checkv2}, rspamd's HTTP
 * protocol): the envelope and the client travel as request header fields, the message as the
 * body, and the answer is a JSON object with the action, the score and the threshold. One client
 * serves every session; requests are asynchronous and never hold an event loop.
 */
public final class RspamdClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What rspamd decided: its action ("no action", "add header", "reject"…), score and message for
     * the client, and the header fields its {@code milter_headers} module asks to add, ready to put
     * above the content ({@link MilterFields}).
     */
    public record Verdict(String action, double score, double required, String smtpMessage, String addedFields) {

        public Verdict(String action, double score, double required, String smtpMessage) {
            this(action, score, required, smtpMessage, "");
        }
    }

    /**
     * The message's envelope and client as rspamd wants them; null members are left out.
     *
     * @param user the authenticated user who submitted it (rspamd then skips the checks of
     *             strangers' mail, such as SPF), or null for mail from another server
     */
    public record Envelope(String ip, String helo, String hostname, String sender, List<String> recipients,
                           String queueId, String user) {

        /** Mail from another server. */
        public Envelope(String ip, String helo, String hostname, String sender, List<String> recipients,
                        String queueId) {
            this(ip, helo, hostname, sender, recipients, queueId, null);
        }
    }

    private final URI check;
    private final RspamdSettings settings;
    private final HttpClient http;

    public RspamdClient(RspamdSettings settings) {
        this.settings = settings;
        this.check = URI.create(settings.url() + "/checkv2");
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Scans {@code length} octets of {@code message}. Completes exceptionally when rspamd cannot be
     * reached, does not answer within the timeout, or answers with anything but a verdict.
     */
    public CompletableFuture<Verdict> check(byte[] message, int length, Envelope envelope) {
        HttpRequest.Builder request = HttpRequest.newBuilder(check).timeout(settings.timeout())
                .header("User-Agent", "Tern")
                .POST(HttpRequest.BodyPublishers.ofByteArray(message, 0, length));
        header(request, "IP", envelope.ip());
        header(request, "Helo", envelope.helo());
        header(request, "Hostname", envelope.hostname());
        header(request, "From", envelope.sender());
        header(request, "Queue-Id", envelope.queueId());
        header(request, "User", envelope.user());
        header(request, "Password", settings.password());
        for (String r : envelope.recipients()) {
            header(request, "Rcpt", r);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(RspamdClient::verdict);
    }

    private static void header(HttpRequest.Builder request, String name, String value) {
        // A header value must not carry a line end; what a client sent (its HELO) is cleaned of them.
        if (value != null && !value.isEmpty()) {
            request.header(name, value.replaceAll("[\\x00-\\x1f\\x7f]", ""));
        }
    }

    static Verdict verdict(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new CompletionException(new IOException("rspamd answered HTTP " + response.statusCode()));
        }
        JsonNode root;
        try {
            root = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CompletionException(new IOException("rspamd's answer is not JSON", e));
        }
        JsonNode action = root == null ? null : root.get("action");
        if (action == null || !action.isTextual()) {
            throw new CompletionException(new IOException("rspamd's answer names no action"));
        }
        JsonNode message = root.path("messages").path("smtp_message");
        return new Verdict(action.asText(), root.path("score").asDouble(), root.path("required_score").asDouble(),
                message.isTextual() ? message.asText() : null,
                MilterFields.toAdd(root.path("milter").path("add_headers")));
    }
}
