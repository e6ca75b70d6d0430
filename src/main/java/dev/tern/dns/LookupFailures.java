package dev.tern.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupFailedException;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.RedirectLoopException;
import org.xbill.DNS.lookup.RedirectOverflowException;
import org.xbill.DNS.lookup.ServerFailedException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns the exceptions of dnsjava's lookups into answers. dnsjava reports "no such name" and "no
 * such record" (when they come from its cache) as exceptions too; those are answers, not failures.
 */
final class LookupFailures {

    private static final Logger log = LoggerFactory.getLogger(LookupFailures.class);

    private LookupFailures() {
    }

    static DnsAnswer<Record> toAnswer(Throwable error, Name name, int type) {
        Throwable e = unwrap(error);
        if (e instanceof NoSuchDomainException) {
            return new DnsAnswer.NoSuchDomain<>();
        }
        if (e instanceof NoSuchRRSetException) {
            return new DnsAnswer.NoData<>();
        }
        String query = "DNS lookup of " + name.toString(true) + "/" + Type.string(type);
        String reason = query + " " + describe(e);
        if (reason.endsWith("(see the server's log)")) {
            log.warn("{}", query, e);
        } else {
            log.debug("{}", reason, e);
        }
        return new DnsAnswer.TemporaryFailure<>(reason);
    }

    private static String describe(Throwable e) {
        if (e instanceof ServerFailedException) {
            return "failed: the DNS server answered SERVFAIL";
        }
        if (e instanceof RedirectOverflowException || e instanceof RedirectLoopException) {
            return "failed: CNAME chain too long or looping";
        }
        if (e instanceof SocketTimeoutException
                || (e instanceof IOException && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("timed out"))) {
            return "timed out";
        }
        // These words reach the queue, the logs and the sender's bounce: no exception class names.
        if (e instanceof PortUnreachableException) {
            return "failed: no DNS server answers at the configured address (port unreachable)";
        }
        if (e instanceof ConnectException) {
            return "failed: the DNS server refused the connection";
        }
        if (e instanceof IOException) {
            return "failed: network error" + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        if (e instanceof LookupFailedException && e.getMessage() != null) {
            // Other response codes (REFUSED, NOTIMP, FORMERR) and answers dnsjava found inconsistent.
            return "failed: " + e.getMessage();
        }
        return "failed: unexpected error (see the server's log)";
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
