package dev.tern.smtp.client;

import io.netty.handler.ssl.SslHandshakeTimeoutException;

import javax.net.ssl.SSLException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.concurrent.CompletionException;

/** Turns what Netty or the JDK threw into an {@link SmtpClientException} a person can act on. */
final class Failures {

    private Failures() {
    }

    static SmtpClientException classify(String serverName, Throwable cause) {
        if (cause instanceof SmtpClientException e) {
            return e;
        }
        String all = messages(cause);
        if (hasCause(cause, SslHandshakeTimeoutException.class)) {
            return new SmtpClientException(SmtpClientException.Kind.TIMEOUT, "TLS handshake with " + serverName + " timed out",
                    null, cause);
        }
        if (hasCause(cause, SSLException.class) || hasCause(cause, CertificateException.class)) {
            String lower = all.toLowerCase(Locale.ROOT);
            String reason;
            if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
                reason = "the server's certificate is not valid for the name " + serverName;
            } else if (lower.contains("pkix path") || lower.contains("certification path")) {
                reason = "the server's certificate is not signed by a trusted authority";
            } else if (lower.contains("expired") || lower.contains("not yet valid")) {
                reason = "the server's certificate has expired or is not yet valid";
            } else {
                reason = all;
            }
            return new SmtpClientException(SmtpClientException.Kind.TLS, "TLS with " + serverName + " failed: " + reason,
                    null, cause);
        }
        return new SmtpClientException(SmtpClientException.Kind.CLOSED, "connection to " + serverName + " broken: " + all,
                null, cause);
    }

    static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (int i = 0; t != null && i < 10; i++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The messages along the cause chain, each once: the JDK's reason is often two levels down. */
    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; t != null && i < 10; i++, t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && sb.indexOf(m) < 0) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(m);
            }
        }
        return sb.length() == 0 ? "unknown error" : sb.toString();
    }
}
