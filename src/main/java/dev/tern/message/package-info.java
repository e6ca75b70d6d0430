/**
 * Message header handling with Apache James Mime4j (RFC 5322, RFC 2047 encoded words, RFC 6532
 * UTF-8 headers): the summary a listing shows, and the fix-ups of submitted messages.
 *
 * <p>{@link dev.tern.message.SubmissionHeaderFilter} streams: it holds back only the header section,
 * at most a fixed limit (256 KB by default), and passes the body through as it arrives, so that a
 * large message never sits in memory. Submission fix-ups follow RFC 6409 §8: a missing
 * {@code Message-ID} and {@code Date} are added; nothing else is changed.
 */
package dev.tern.message;
