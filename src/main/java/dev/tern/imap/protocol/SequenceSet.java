package dev.tern.imap.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A sequence set of RFC 9051 §9 ({@code 1:5,7,9:*}), or the saved search result {@code $} of
 * RFC 5182. Numbers are message sequence numbers or UIDs depending on the command.
 *
 * <p>{@code *} is kept as {@link #LARGEST} (0, which is never a valid number) and resolved
 * against the largest number in use when the set is evaluated, because it can only be known
 * then. Ranges are kept as written ({@code 5:3} is the same as {@code 3:5}).
 */
public record SequenceSet(List<Range> ranges, boolean saved) {

    /** Stands for {@code *}: the largest number in use. */
    public static final long LARGEST = 0;
    /** The saved search result {@code $} (RFC 5182). */
    public static final SequenceSet SAVED = new SequenceSet(List.of(), true);
    private static final long MAX_NUMBER = 0xFFFF_FFFFL;

    public SequenceSet {
        ranges = List.copyOf(ranges);
    }

    /** One range; {@code first == last} for a single number. */
    public record Range(long first, long last) {
        public boolean contains(long value, long largest) {
            long a = first == LARGEST ? largest : first;
            long b = last == LARGEST ? largest : last;
            return value >= Math.min(a, b) && value <= Math.max(a, b);
        }

        @Override
        public String toString() {
            String a = first == LARGEST ? "*" : Long.toString(first);
            return first == last ? a : a + ":" + (last == LARGEST ? "*" : Long.toString(last));
        }
    }

    public static SequenceSet of(Range... ranges) {
        return new SequenceSet(List.of(ranges), false);
    }

    /**
     * Parses the wire form. Throws {@link IllegalArgumentException} with a short reason on bad
     * syntax: empty elements, zero, numbers above 2^32-1, or anything but digits, ':', ',', '*'.
     */
    public static SequenceSet parse(String text) {
        if (text.equals("$")) {
            return SAVED;
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty sequence set");
        }
        List<Range> ranges = new ArrayList<>();
        for (String element : text.split(",", -1)) {
            int colon = element.indexOf(':');
            if (colon < 0) {
                long n = number(element);
                ranges.add(new Range(n, n));
            } else {
                ranges.add(new Range(number(element.substring(0, colon)), number(element.substring(colon + 1))));
            }
        }
        return new SequenceSet(ranges, false);
    }

    private static long number(String s) {
        if (s.equals("*")) {
            return LARGEST;
        }
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9') || s.charAt(0) == '0') {
            throw new IllegalArgumentException("invalid sequence number '" + s + "'");
        }
        long n = Long.parseLong(s);
        if (n > MAX_NUMBER) {
            throw new IllegalArgumentException("sequence number out of range");
        }
        return n;
    }

    /**
     * Whether {@code value} is in the set, {@code *} meaning {@code largest}. The saved result
     * {@code $} must be resolved by the caller first; here it contains nothing.
     */
    public boolean contains(long value, long largest) {
        for (Range r : ranges) {
            if (r.contains(value, largest)) {
                return true;
            }
        }
        return false;
    }

    /** The compressed set of the given numbers, e.g. 1,2,3,4,5,7 gives {@code 1:5,7}. */
    public static SequenceSet compress(Collection<Long> numbers) {
        long[] sorted = numbers.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
        List<Range> ranges = new ArrayList<>();
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) {
                j++;
            }
            ranges.add(new Range(sorted[i], sorted[j]));
            i = j + 1;
        }
        return new SequenceSet(ranges, false);
    }

    /**
     * The numbers in the order given, runs of consecutive ascending numbers as ranges: ESORT's ALL
     * (RFC 5267 §3.1), where the order is the sort order. {@code 2,4,3,1,5}; {@code 1:5}.
     */
    public static SequenceSet inOrder(List<Long> numbers) {
        List<Range> ranges = new ArrayList<>();
        int i = 0;
        while (i < numbers.size()) {
            int j = i;
            while (j + 1 < numbers.size() && numbers.get(j + 1) == numbers.get(j) + 1) {
                j++;
            }
            ranges.add(new Range(numbers.get(i), numbers.get(j)));
            i = j + 1;
        }
        return new SequenceSet(ranges, false);
    }

    public boolean isEmpty() {
        return !saved && ranges.isEmpty();
    }

    /** The wire form: {@code 1:5,7}, or {@code $}. */
    @Override
    public String toString() {
        if (saved) {
            return "$";
        }
        StringBuilder sb = new StringBuilder();
        for (Range r : ranges) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(r);
        }
        return sb.toString();
    }
}
