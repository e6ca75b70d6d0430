package dev.tern.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Greylisting state (RFC 6647): the triplets seen (client network, sender, recipient) and the
 * client networks that passed greylisting, for the automatic allow list. Keys are stored as given:
 * the greylist normalises them (lower case, networks in CIDR form).
 */
public interface GreylistDao {

    Optional<Rows.GreylistTriplet> triplet(String clientNetwork, String sender, String recipient);

    /** Inserts the triplet, or replaces the stored one with the same key. */
    void putTriplet(Rows.GreylistTriplet triplet);

    /** Sets a passed triplet's last use; false when there is no passed triplet with this key. */
    boolean touchTriplet(String clientNetwork, String sender, String recipient, Instant lastSeen);

    Optional<Rows.GreylistNetwork> network(String clientNetwork);

    /**
     * Counts one more passed triplet for a network and sets its last use to {@code at}. A count
     * last used before {@code countsSince} has expired: it starts again at 1.
     */
    void addPass(String clientNetwork, Instant at, Instant countsSince);

    /** Sets a network's last use; false when the network has no entry. */
    boolean touchNetwork(String clientNetwork, Instant lastSeen);

    /**
     * Deletes at most {@code limit} rows of what has expired: triplets that never passed last seen
     * (for them: first seen) before {@code pendingBefore}, passed triplets and networks last used
     * before {@code passedBefore}. The limit keeps one transaction small however many have piled up.
     *
     * @return the number of rows deleted; fewer than {@code limit}: nothing expired is left
     */
    int purge(Instant pendingBefore, Instant passedBefore, int limit);
}
