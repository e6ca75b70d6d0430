package dev.tern.imap.protocol;

/**
 * The result of a SEARCH or SORT with RETURN options (RFC 4731, RFC 5267), as written by
 * {@link ResponseWriter#esearch}. Null fields were not asked for (or have no value: MIN and MAX
 * of an empty result).
 *
 * @param tag           the command's tag, for the {@code (TAG "...")} correlator
 * @param highestModSeq the highest mod-sequence of the matches when the criteria used MODSEQ
 *                      (RFC 7162 §3.1.5)
 */
public record EsearchResult(String tag, boolean uid, Long min, Long max, SequenceSet all, Long count,
                            Long highestModSeq) {
}
