package dev.tern.dns;

import java.util.List;
import java.util.function.Function;

/**
 * What DNS said about one name and type. Mail needs the four outcomes apart: records found; the
 * name exists without records of that type (NODATA); the name does not exist (NXDOMAIN), which is
 * permanent; and no usable answer at all (timeout, SERVFAIL, REFUSED, network error), which is
 * temporary and means "try again later", never "there is nothing".
 *
 * @param <T> what the found values are: dnsjava records, addresses, text strings, host names
 */
public sealed interface DnsAnswer<T>
        permits DnsAnswer.Found, DnsAnswer.NoData, DnsAnswer.NoSuchDomain, DnsAnswer.TemporaryFailure {

    /** The found values, or an empty list for every other outcome. */
    List<T> values();

    /** The same outcome with each found value converted; the other outcomes pass unchanged. */
    <R> DnsAnswer<R> map(Function<? super T, ? extends R> f);

    /** At least one record of the asked type (after following CNAMEs). */
    record Found<T>(List<T> values) implements DnsAnswer<T> {
        public Found {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("an empty answer is NoData, not Found");
            }
        }

        @Override
        public <R> DnsAnswer<R> map(Function<? super T, ? extends R> f) {
            return new Found<>(values.stream().<R>map(f).toList());
        }
    }

    /** The name exists but has no records of the asked type (NOERROR with an empty answer). */
    record NoData<T>() implements DnsAnswer<T> {
        @Override
        public List<T> values() {
            return List.of();
        }

        @Override
        public <R> DnsAnswer<R> map(Function<? super T, ? extends R> f) {
            return new NoData<>();
        }
    }

    /** The name does not exist (NXDOMAIN): permanent. */
    record NoSuchDomain<T>() implements DnsAnswer<T> {
        @Override
        public List<T> values() {
            return List.of();
        }

        @Override
        public <R> DnsAnswer<R> map(Function<? super T, ? extends R> f) {
            return new NoSuchDomain<>();
        }
    }

    /**
     * No usable answer: timeout, SERVFAIL, REFUSED, a network error, a CNAME chain too long.
     *
     * @param reason what went wrong, naming the query, e.g. "DNS lookup of example.org/MX timed out"
     */
    record TemporaryFailure<T>(String reason) implements DnsAnswer<T> {
        @Override
        public List<T> values() {
            return List.of();
        }

        @Override
        public <R> DnsAnswer<R> map(Function<? super T, ? extends R> f) {
            return new TemporaryFailure<>(reason);
        }
    }
}
