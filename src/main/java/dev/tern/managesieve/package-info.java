/**
 * The ManageSieve server (RFC 5804): users list, upload, check, activate, download, rename and
 * delete their Sieve scripts (RFC 5228) from Roundcube's managesieve plugin, Thunderbird's Sieve
 * add-on or sieve-connect. Listener {@code managesieve}, port 4190 by convention; STARTTLS
 * (RFC 5804 §2.2) upgrades the connection, there is no implicit-TLS port.
 *
 * <p>Layout: {@link dev.tern.managesieve.ManageSieveParser} is pure (octets → commands, with
 * quoted strings and literals); {@code ManageSieveReply} turns responses into octets;
 * {@code ManageSieveSession} is the state machine (NOT AUTHENTICATED → AUTHENTICATED) and
 * {@code ManageSieveVerb} its command table; {@code ScriptCommands} runs the script commands;
 * {@code ManageSieveHandler} frames commands, bounds them and starts TLS over Netty;
 * {@link dev.tern.managesieve.ManageSieveServer} binds the listener.
 *
 * <p>Invariants: scripts are reached only through {@link dev.tern.sieve.SieveScripts}, which
 * checks a script completely before it is stored, keeps at most one active per account, and
 * never lets ManageSieve delete the active one (RFC 5804 §2.10). A session acts for the account it
 * authenticated as and no other; a login without an account (an SMTP credential) is refused.
 *
 * <p>Security: the SASL mechanisms, their throttling and their log are the same as SMTP's, IMAP's
 * and POP3's ({@link dev.tern.auth.SaslAuthenticator}); password mechanisms are offered only over
 * TLS (or on loopback with {@code [auth] plaintext_on_loopback}), and input pipelined after
 * STARTTLS is dropped unread. Every command is bounded (line, literal, whole command) and so is the
 * input dropped from a refused one; a client that sends more, or keeps making errors, is
 * disconnected with {@code BYE}. Nothing internal (exceptions, store errors) reaches the client.
 */
package dev.tern.managesieve;
