package dev.tern.imap.server;

import dev.tern.imap.protocol.SortOrder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The values of header fields that searches asked for, per mailbox and field, already decoded
 * and folded for comparison, and the orders SORT put messages in. A client that searches a field
 * once (Subject, From) tends to search it again; with the values here, a repeated HEADER search of
 * a large mailbox walks one array per field instead of parsing every message's header (Dovecot
 * keeps searched fields in its cache file for the same reason). Webmail sorts the same mailbox
 * the same way at every page it shows; with the order kept, a repeated SORT filters it, and new
 * messages are merged into it, instead of comparing every pair again (Dovecot keeps sort ids in
 * its index).
 *
 * <p>A message's values never change: its content and its prefix are fixed once it has a UID,
 * and a UID is never given to another message while the UIDVALIDITY stays, so an entry is never
 * stale. Entries are keyed by mailbox id and UIDVALIDITY, bounded in (estimated) bytes, least
 * recently used evicted first. One instance serves every IMAP listener of a server.
 */
public final class SearchFieldCache {

    /** What a server keeps unless told otherwise: 16 MiB, the Subject of about 150,000 messages. */
    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;

    private record Key(long mailboxId, long uidValidity, String field) {
    }

    /** What is kept for one key, and about its size in memory. */
    private sealed interface Kept permits Column, Sorted {
        long bytes();
    }

    /** One field's values for some messages of one mailbox, by ascending UID. Never modified. */
    private record Column(long[] uids, List<String>[] values, long bytes) implements Kept {
    }

    /**
     * Some messages of one mailbox in the order of one list of sort criteria: {@code inOrder} their
     * keys in that order, {@code uids} their UIDs ascending, and {@code positions[i]} the index in
     * {@code uids} of {@code inOrder[i]}. Never modified.
     */
    record Sorted(long[] uids, SortOrder.Keys[] inOrder, int[] positions, long bytes) implements Kept {

        /** What one message adds to an order's size: its keys and its UID and position. */
        static long bytesOf(SortOrder.Keys keys) {
            return 12 + keys.bytes();
        }
    }

    private final ByteBoundedLru<Key, Kept> columns;

    public SearchFieldCache(long maxBytes) {
        this.columns = new ByteBoundedLru<>(maxBytes, Kept::bytes);
    }

    /**
     * A reader for one search of a mailbox. {@code uids} is the session's view, ascending; the
     * search must ask for messages in that order. Not thread-safe: one search, one thread.
     */
    Lookup lookup(long mailboxId, long uidValidity, long[] uids) {
        return new Lookup(mailboxId, uidValidity, uids);
    }

    /** Columns kept now (tests). */
    int columnCount() {
        return columns.size();
    }

    private Kept get(Key key) {
        return columns.get(key);
    }

    private void put(Key key, Kept kept) {
        columns.put(key, kept);
    }

    /** The values one search reads and the ones it had to compute, published at {@link #finish}. */
    final class Lookup {

        private final long mailboxId;
        private final long uidValidity;
        private final long[] uids;
        private final Map<String, FieldReader> readers = new HashMap<>();

        private Lookup(long mailboxId, long uidValidity, long[] uids) {
            this.mailboxId = mailboxId;
            this.uidValidity = uidValidity;
            this.uids = uids;
        }

        /**
         * The values of {@code field} for message {@code uid}: kept ones, or {@code compute}'s,
         * which are then kept.
         */
        List<String> values(String field, long uid, Supplier<List<String>> compute) {
            FieldReader reader = readers.get(field);
            if (reader == null) {
                Key key = new Key(mailboxId, uidValidity, field.toLowerCase(Locale.ROOT));
                reader = new FieldReader(key, get(key) instanceof Column c ? c : null);
                readers.put(field, reader);
            }
            return reader.values(uid, compute);
        }

        /** The order kept for the sort criteria {@code orderName}, for some messages; null when none is. */
        Sorted sorted(String orderName) {
            return get(sortedKey(orderName)) instanceof Sorted s ? s : null;
        }

        /** Keeps {@code sorted} as the order for {@code orderName}, in place of any kept before. */
        void keepSorted(String orderName, Sorted sorted) {
            put(sortedKey(orderName), sorted);
        }

        /** The UIDs of the session's view, ascending. */
        long[] viewUids() {
            return uids;
        }

        private Key sortedKey(String orderName) {
            return new Key(mailboxId, uidValidity, "\u0000sorted " + orderName);
        }

        /** Keeps what this search computed, merged with what was kept, for the messages of its view. */
        void finish() {
            for (FieldReader reader : readers.values()) {
                if (!reader.addedUids.isEmpty()) {
                    put(reader.key, reader.merged(uids));
                }
            }
        }
    }

    private static final class FieldReader {

        private final Key key;
        private final Column kept;
        private int cursor;
        private final List<Long> addedUids = new ArrayList<>();
        private final List<List<String>> addedValues = new ArrayList<>();

        FieldReader(Key key, Column kept) {
            this.key = key;
            this.kept = kept;
        }

        List<String> values(long uid, Supplier<List<String>> compute) {
            if (kept != null) {
                long[] u = kept.uids;
                while (cursor < u.length && u[cursor] < uid) {
                    cursor++;
                }
                if (cursor < u.length && u[cursor] == uid) {
                    return kept.values[cursor];
                }
            }
            int last = addedUids.size() - 1;
            if (last >= 0 && addedUids.get(last) == uid) {
                return addedValues.get(last);    // the same field asked twice for one message (OR, NOT)
            }
            List<String> values = List.copyOf(compute.get());
            if (last < 0 || addedUids.get(last) < uid) {
                addedUids.add(uid);
                addedValues.add(values);
            }
            return values;
        }

        /** Kept and added values for the UIDs of {@code view} that have either; others are dropped (expunged). */
        @SuppressWarnings("unchecked")
        Column merged(long[] view) {
            long[] uids = new long[view.length];
            List<String>[] values = new List[view.length];
            long bytes = 64;
            int n = 0;
            int k = 0;
            int a = 0;
            for (long uid : view) {
                List<String> v = null;
                if (kept != null) {
                    while (k < kept.uids.length && kept.uids[k] < uid) {
                        k++;
                    }
                    if (k < kept.uids.length && kept.uids[k] == uid) {
                        v = kept.values[k];
                    }
                }
                while (a < addedUids.size() && addedUids.get(a) < uid) {
                    a++;
                }
                if (a < addedUids.size() && addedUids.get(a) == uid) {
                    v = addedValues.get(a);
                }
                if (v != null) {
                    uids[n] = uid;
                    values[n] = v;
                    bytes += 8 + 24 + size(v);
                    n++;
                }
            }
            return new Column(Arrays.copyOf(uids, n), Arrays.copyOf(values, n), bytes);
        }

        private static long size(List<String> values) {
            long s = 0;
            for (String v : values) {
                s += 48 + v.length();
            }
            return s;
        }
    }
}
