/**
 * The content scan of received mail by rspamd: {@code RspamdClient} speaks rspamd's HTTP protocol
 * ({@code POST /checkv2}), {@code SpamScan} holds a message as it streams in and turns rspamd's
 * action into a refusal, a deferral, a Junk filing or nothing (docs/inbound-checks.md).
 */
package dev.tern.security.spam;
