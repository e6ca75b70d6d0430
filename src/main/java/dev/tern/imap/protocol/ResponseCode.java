package dev.tern.imap.protocol;

import java.util.Collection;
import java.util.Locale;

/**
 * A response code: the bracketed part of a status response, e.g. {@code [UIDVALIDITY 3857529045]}
 * (RFC 9051 §7.1, RFC 4315 UIDPLUS, RFC 5530, RFC 7162, RFC 4469 TOOBIG).
 *
 * @param name      the atom, upper case
 * @param arguments the text after the name as it goes on the wire, or null
 */
public record ResponseCode(String name, String arguments) {

    public ResponseCode {
        name = name.toUpperCase(Locale.ROOT);
    }

    public static ResponseCode of(String name) {
        return new ResponseCode(name, null);
    }

    public static ResponseCode alert() {
        return of("ALERT");
    }

    public static ResponseCode readOnly() {
        return of("READ-ONLY");
    }

    public static ResponseCode readWrite() {
        return of("READ-WRITE");
    }

    public static ResponseCode tryCreate() {
        return of("TRYCREATE");
    }

    public static ResponseCode uidNext(long uid) {
        return new ResponseCode("UIDNEXT", Long.toString(uid));
    }

    public static ResponseCode uidValidity(long uidValidity) {
        return new ResponseCode("UIDVALIDITY", Long.toString(uidValidity));
    }

    /** RFC 8474 §4: the mailbox's object id, in SELECT, EXAMINE and CREATE answers. */
    public static ResponseCode mailboxId(String objectId) {
        return new ResponseCode("MAILBOXID", "(" + objectId + ")");
    }

    public static ResponseCode unseen(long sequence) {
        return new ResponseCode("UNSEEN", Long.toString(sequence));
    }

    /** {@code [PERMANENTFLAGS (\Seen \*)]}. */
    public static ResponseCode permanentFlags(Collection<String> flags) {
        return new ResponseCode("PERMANENTFLAGS", "(" + String.join(" ", flags) + ")");
    }

    /** {@code [APPENDUID uidvalidity uid-set]} (RFC 4315 §3). */
    public static ResponseCode appendUid(long uidValidity, SequenceSet uids) {
        return new ResponseCode("APPENDUID", uidValidity + " " + uids);
    }

    /** {@code [COPYUID uidvalidity source-uids destination-uids]} (RFC 4315 §3). */
    public static ResponseCode copyUid(long uidValidity, SequenceSet source, SequenceSet destination) {
        return new ResponseCode("COPYUID", uidValidity + " " + source + " " + destination);
    }

    public static ResponseCode uidNotSticky() {
        return of("UIDNOTSTICKY");
    }

    public static ResponseCode highestModSeq(long modSeq) {
        return new ResponseCode("HIGHESTMODSEQ", Long.toString(modSeq));
    }

    public static ResponseCode noModSeq() {
        return of("NOMODSEQ");
    }

    /** {@code [MODIFIED set]} (RFC 7162 §3.1.3): STORE ... UNCHANGEDSINCE failed for these. */
    public static ResponseCode modified(SequenceSet set) {
        return new ResponseCode("MODIFIED", set.toString());
    }

    /** RFC 7162 §3.2.11: the previous mailbox was closed by SELECT/EXAMINE. */
    public static ResponseCode closed() {
        return of("CLOSED");
    }

    /** RFC 4469 / RFC 7889: a literal or message exceeds the server's limit. */
    public static ResponseCode tooBig() {
        return of("TOOBIG");
    }

    /** RFC 3516 §4.3: BINARY was asked for a part whose Content-Transfer-Encoding the server cannot decode. */
    public static ResponseCode unknownCte() {
        return of("UNKNOWN-CTE");
    }

    public static ResponseCode badCharset(Collection<String> supported) {
        return new ResponseCode("BADCHARSET", supported.isEmpty() ? null : "(" + String.join(" ", supported) + ")");
    }

    public static ResponseCode capability(Collection<String> capabilities) {
        return new ResponseCode("CAPABILITY", String.join(" ", capabilities));
    }

    /** The codes of RFC 5530 that take no argument (NONEXISTENT, ALREADYEXISTS, …). */
    public static ResponseCode authenticationFailed() {
        return of("AUTHENTICATIONFAILED");
    }

    public static ResponseCode nonExistent() {
        return of("NONEXISTENT");
    }

    public static ResponseCode alreadyExists() {
        return of("ALREADYEXISTS");
    }

    public static ResponseCode overQuota() {
        return of("OVERQUOTA");
    }

    public static ResponseCode limit() {
        return of("LIMIT");
    }

    public static ResponseCode unavailable() {
        return of("UNAVAILABLE");
    }

    public static ResponseCode serverBug() {
        return of("SERVERBUG");
    }

    public static ResponseCode cannot() {
        return of("CANNOT");
    }

    public static ResponseCode privacyRequired() {
        return of("PRIVACYREQUIRED");
    }

    public static ResponseCode expungeIssued() {
        return of("EXPUNGEISSUED");
    }

    /** The bracketed wire form. */
    @Override
    public String toString() {
        return "[" + name + (arguments == null ? "" : " " + arguments) + "]";
    }
}
