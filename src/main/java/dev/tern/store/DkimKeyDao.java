package dev.tern.store;

import java.util.List;

/** The DKIM signing keys of the local domains. A domain's keys are deleted with it. */
public interface DkimKeyDao {

    /** The keys of a domain, oldest first (then by selector). */
    List<Rows.DkimKey> keys(long domainId);

    /** Stores a key; false when the domain has a key with this selector already. */
    boolean insert(Rows.DkimKey key);

    /** Deletes one key; false when there was none. */
    boolean delete(long domainId, String selector);
}
