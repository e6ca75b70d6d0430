package dev.tern.config;

import java.net.URI;
import java.time.Duration;

/**
 * The content scan of port-25 mail by rspamd ({@code [checks.rspamd]}), off unless {@code url} is
 * set: each message a checked client sends is posted to rspamd's {@code /checkv2} at the end of
 * the data, and rspamd's action decides whether it is refused, deferred, filed as junk or
 * delivered (docs/inbound-checks.md).
 *
 * @param url       rspamd's normal worker, such as {@code http://127.0.0.1:11333}; null: no scan
 * @param timeout   how long one scan may take before it counts as a failure
 * @param maxSize   messages larger than this are not scanned (spam is small; a large message
 *                  would be held in memory while it is)
 * @param onFailure what a failed scan (rspamd down, slow or answering nonsense) does: accept the
 *                  message unscanned, or defer it with 451
 * @param password  sent as rspamd's {@code Password} header when its worker asks for one; null for none
 * @param controllerUrl      rspamd's controller worker, such as {@code http://127.0.0.1:11334}, which
 *                           learns spam and ham from what IMAP users file into and out of Junk; null: no learning
 * @param controllerPassword its {@code Password} header; null for none
 * @param scanSubmission     also scan what authenticated users send (rspamd is told the user), so
 *                           that a hijacked account's spam is refused before it leaves
 */
public record RspamdSettings(URI url, Duration timeout, long maxSize, OnFailure onFailure, String password,
                             URI controllerUrl, String controllerPassword, boolean scanSubmission) {

    /** Scanning port-25 mail only, without learning. */
    public RspamdSettings(URI url, Duration timeout, long maxSize, OnFailure onFailure, String password) {
        this(url, timeout, maxSize, onFailure, password, null, null, false);
    }

    /** Scanning port-25 mail only. */
    public RspamdSettings(URI url, Duration timeout, long maxSize, OnFailure onFailure, String password,
                          URI controllerUrl, String controllerPassword) {
        this(url, timeout, maxSize, onFailure, password, controllerUrl, controllerPassword, false);
    }

    /** What a failed scan does. */
    public enum OnFailure {
        /** Deliver the message unscanned (logged and counted), as rspamd's own milter setup advises. */
        ACCEPT,
        /** Answer 451 4.7.1: the sender tries again later. */
        DEFER
    }

    public static RspamdSettings defaults() {
        return new RspamdSettings(null, Duration.ofSeconds(20), 2L * 1024 * 1024, OnFailure.ACCEPT, null);
    }

    public boolean enabled() {
        return url != null;
    }

    /** Whether users' filing into and out of Junk teaches rspamd. */
    public boolean learns() {
        return controllerUrl != null;
    }

    static RspamdSettings read(ConfigNode n) {
        RspamdSettings d = defaults();
        URI uri = address(n, "url", "11333");
        URI controller = address(n, "controller_url", "11334");
        Duration timeout = n.duration("timeout", d.timeout());
        long maxSize = n.size("max_size", d.maxSize());
        if (maxSize > 64L * 1024 * 1024) {
            throw new ConfigException(n.key("max_size") + ": at most 64MB (each message scanned is held in memory), got "
                    + Sizes.format(maxSize));
        }
        OnFailure onFailure = CheckSettings.choice(n, "on_failure", OnFailure.class, d.onFailure());
        boolean submission = n.bool("scan_submission", false);
        if (submission && uri == null) {
            throw new ConfigException(n.key("scan_submission") + ": scanning needs rspamd's url");
        }
        return new RspamdSettings(uri, timeout, maxSize, onFailure, password(n, "password"), controller,
                password(n, "controller_password"), submission);
    }

    private static URI address(ConfigNode n, String key, String port) {
        String url = n.string(key, null);
        if (url == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new ConfigException(n.key(key) + ": expected rspamd's address such as \"http://127.0.0.1:" + port
                    + "\", got \"" + url + "\"");
        }
        return uri;
    }

    private static String password(ConfigNode n, String key) {
        String password = n.string(key, null);
        if (password != null && !password.matches("[\\x21-\\x7e]+")) {
            throw new ConfigException(n.key(key) + ": expected printable ASCII without spaces");
        }
        return password;
    }
}
