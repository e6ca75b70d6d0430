/**
 * DKIM (RFC 6376, with ed25519-sha256 from RFC 8463 and the algorithm and key-size rules of RFC 8301):
 * signing of outgoing mail and the per-domain keys it signs with, and verification of received mail.
 *
 * <p>{@link dev.tern.security.dkim.DkimSigning} is the entry point for delivery: given the sender
 * domain and the queued message, it returns the {@code DKIM-Signature:} fields to put in front, one
 * per key of the domain (an RSA-2048 and an Ed25519 key by default), or nothing when the domain has
 * no keys. {@link dev.tern.security.dkim.DkimSigner} does the work for one domain;
 * {@link dev.tern.security.dkim.DkimKeys} lists, adds and deletes stored keys;
 * {@link dev.tern.security.dkim.DkimKeyGenerator} makes them.
 *
 * <p>{@link dev.tern.security.dkim.DkimVerifier} checks the signatures of received mail as the message
 * streams in, on an event loop: one {@link dev.tern.security.dkim.DkimResult} per signature, and the
 * header fields DMARC reads the From: domain from.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Verification keeps at most {@link dev.tern.security.dkim.DkimVerifier#MAX_HEADER_BYTES} of
 *       header and never the body: each distinct (canonicalization, l=) among the signatures gets one
 *       running SHA-256; at most {@link dev.tern.security.dkim.DkimVerifier#MAX_SIGNATURES} signatures
 *       are checked. Only a full verification is PASS: a signature that leaves part of the body
 *       unsigned (l=) or has expired is POLICY, rsa-sha1 and RSA keys under 1024 bits PERMERROR.</li>
 *   <li>Signing reads the message once, as a stream: the header fields to sign are kept, the body is
 *       canonicalized (relaxed, §3.4.4) and hashed as it passes, so memory does not grow with its size.
 *       All algorithms share SHA-256 and relaxed canonicalization, so one body hash serves every key.</li>
 *   <li>Relaxed/relaxed canonicalization, {@code From} oversigned, repeated fields signed from the
 *       bottom up (§5.4.2); signature fields are folded below 78 characters with CRLF.</li>
 *   <li>Octets are never decoded: header values hash as the octets they are, UTF-8 or not (RFC 6532).</li>
 *   <li>Ed25519 signs the SHA-256 hash of the header data, not the data itself (RFC 8463 §3).</li>
 * </ul>
 *
 * <p>Security: private keys are stored in the metadata store (PKCS#8, base64, unencrypted, like
 * OpenDKIM's key files): whoever can read {@code data_dir} can sign as the domain. They never appear
 * in {@code toString()} or logs. Key generation uses {@link java.security.SecureRandom}. Signing and
 * RSA key generation are CPU work: never on an event loop, and key generation never inside a store
 * transaction. Verification handles attacker-controlled input (fields, tag lists, key records from any
 * domain): every parse is bounded by the header bound, and h= lists are resolved through an index,
 * so a crafted message costs linear time.
 */
package dev.tern.security.dkim;
