package dev.tern.webhooks;

import dev.tern.mail.SpecialPurposeAddresses;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which URLs a webhook may have: {@code http} or {@code https} with a host name, and, unless
 * {@code [webhooks] allow_private} is on, not on an address of this host or its private network.
 *
 * <p>Whoever may make a webhook chooses where the server sends POSTs, from inside the network the
 * server sits in. Without this check a tenant's token could make Tern reach an admin interface on
 * loopback, a database on the private network, or a cloud provider's metadata service at
 * 169.254.169.254 (server-side request forgery), also through an IPv6 form that carries such an
 * IPv4 address ({@code [::127.0.0.1]}, {@code [64:ff9b::a9fe:a9fe]}). Every address that is not
 * globally reachable ({@link SpecialPurposeAddresses}) is refused: literal addresses when the
 * webhook is made; names are resolved again before each POST and refused when they lead to one.
 */
public final class WebhookUrls {

    /** The longest URL accepted. */
    static final int MAX_LENGTH = 2000;
    /** Hosts made of digits (and hexadecimal numbers): addresses, never names. */
    private static final Pattern NUMERIC_HOST = Pattern.compile("[0-9.]+|0[xX][0-9a-fA-F.xX]*");
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private WebhookUrls() {
    }

    /**
     * The URL, checked.
     *
     * @throws WebhookException when it is not an absolute http or https URL with a host, or names
     *                          a private address while those are not allowed
     */
    static URI check(String text, boolean allowPrivate) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw WebhookException.invalid("a webhook needs a url");
        }
        if (t.length() > MAX_LENGTH) {
            throw WebhookException.invalid("the url is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw WebhookException.invalid("\"" + t + "\" is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw WebhookException.invalid("a webhook url must start with http:// or https://, got \"" + t + "\"");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw WebhookException.invalid("the url \"" + t + "\" has no host name");
        }
        if (uri.getRawUserInfo() != null) {
            throw WebhookException.invalid("the url must not hold a user name or password; the receiver checks "
                    + "the Tern-Signature header instead");
        }
        if (uri.getRawFragment() != null) {
            throw WebhookException.invalid("the url must not have a #fragment");
        }
        boolean privateHost = isPrivateHost(uri.getHost());
        if (!allowPrivate && privateHost) {
            throw WebhookException.invalid("the url's host " + uri.getHost() + " is not a public address (loopback, "
                    + "private network or reserved); set [webhooks] allow_private = true to allow it");
        }
        return uri;
    }

    /**
     * True when the host is a literal address that is not globally reachable, or a name of this
     * host (localhost).
     *
     * @throws WebhookException when the host looks like an address but is not one written the
     *                          usual way (127.1, 0x7f000001: resolvers disagree on those)
     */
    static boolean isPrivateHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        InetAddress literal = literal(h);
        return literal != null && !SpecialPurposeAddresses.isGloballyReachable(literal);
    }

    /** The address a literal host stands for, parsed without any lookup; null when the host is a name. */
    static InetAddress literal(String host) {
        boolean v6 = host.startsWith("[") && host.endsWith("]");
        if (!v6 && !NUMERIC_HOST.matcher(host).matches()) {
            return null;
        }
        if (!v6 && !DOTTED_QUAD.matcher(host).matches()) {
            throw WebhookException.invalid("the url's host " + host + " is not an address written as four numbers "
                    + "from 0 to 255, nor a name");
        }
        try {
            // Four numbers, or an IPv6 address: both are parsed as literals, never looked up.
            return InetAddress.getByName(v6 ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw WebhookException.invalid("the url's host " + host + " is not a valid address");
        }
    }

    /**
     * True when the URL's host is, or resolves to, an address that is not globally reachable.
     * Looks the name up (blocks): for a worker thread, just before a POST.
     */
    static boolean reachesPrivate(URI uri) throws UnknownHostException {
        if (isPrivateHost(uri.getHost())) {
            return true;
        }
        if (literal(uri.getHost().toLowerCase(Locale.ROOT)) != null) {
            return false;
        }
        for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
            if (!SpecialPurposeAddresses.isGloballyReachable(a)) {
                return true;
            }
        }
        return false;
    }
}
