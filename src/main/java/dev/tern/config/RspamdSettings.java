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
 */
public record RspamdSettings(URI url, Duration timeout, long maxSize, OnFailure onFailure, String password) {

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

    static RspamdSettings read(ConfigNode n) {
        RspamdSettings d = defaults();
        String url = n.string("url", null);
        URI uri = null;
        if (url != null) {
            try {
                uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(n.key("url") + ": expected rspamd's address such as \"http://127.0.0.1:11333\", got \""
                        + url + "\"");
            }
        }
        Duration timeout = n.duration("timeout", d.timeout());
        long maxSize = n.size("max_size", d.maxSize());
        if (maxSize > 64L * 1024 * 1024) {
            throw new ConfigException(n.key("max_size") + ": at most 64MB (each message scanned is held in memory), got "
                    + Sizes.format(maxSize));
        }
        OnFailure onFailure = CheckSettings.choice(n, "on_failure", OnFailure.class, d.onFailure());
        String password = n.string("password", null);
        if (password != null && !password.matches("[\\x21-\\x7e]+")) {
            throw new ConfigException(n.key("password") + ": expected printable ASCII without spaces");
        }
        return new RspamdSettings(uri, timeout, maxSize, onFailure, password);
    }
}
