/**
 * The Sieve commands and tests Tern adds to jSieve's, registered by name in its configuration
 * maps ({@link dev.tern.sieve.SieveEngine}): the extensions webmail filter editors write, which
 * jSieve 0.8 does not implement.
 *
 * <ul>
 *   <li>{@code copy} (RFC 3894): {@code redirect :copy} and {@code fileinto :copy} leave the
 *       implicit keep as it was ({@link dev.tern.sieve.commands.RedirectCommand},
 *       {@link dev.tern.sieve.commands.FileIntoCommand}).</li>
 *   <li>{@code mailbox} (RFC 5490 §3): {@code fileinto :create} (local delivery creates a
 *       missing mailbox anyway) and the test {@code mailboxexists}.</li>
 *   <li>{@code imap4flags} (RFC 5232): {@code setflag}, {@code addflag}, {@code removeflag} on
 *       the internal flag variable or a named one, the test {@code hasflag}, and {@code :flags} on
 *       {@code keep} and {@code fileinto}.</li>
 *   <li>{@code relational} (RFC 5231): the match types {@code :value} and {@code :count}
 *       ({@link dev.tern.sieve.commands.Comparison}, with the comparators' orderings of RFC 4790 §9
 *       in {@link dev.tern.sieve.commands.Collation}), for which {@code header}, {@code address}
 *       and {@code envelope} replace jSieve's tests, keeping their {@code :is}, {@code :contains}
 *       and {@code :matches} as they were.</li>
 *   <li>{@code date} (RFC 5260): the tests {@code date} and {@code currentdate}, reading the
 *       run's clock ({@link dev.tern.sieve.commands.RunState#clock()}).</li>
 *   <li>{@code subaddress} (RFC 5233) and {@code regex}: the address parts {@code :user} and
 *       {@code :detail}, and the match type {@code :regex} ({@link dev.tern.sieve.commands.RegexMatch}).</li>
 *   <li>{@code variables} (RFC 5229): {@code set}, the test {@code string}, and the references
 *       expanded in every string when its command runs ({@link dev.tern.sieve.commands.Variables}):
 *       Tern's own classes expand as they read their arguments, and jSieve's {@code reject},
 *       {@code vacation}, {@code exists} and {@code body} are wrapped by classes that expand
 *       theirs first.</li>
 *   <li>{@code include} (RFC 6609, {@link dev.tern.sieve.commands.Includes}), {@code duplicate}
 *       (RFC 7352), {@code enotify} with mailto (RFC 5435/5436), {@code spamtest} (RFC 5235),
 *       {@code special-use} (RFC 8579), {@code mailboxid} (RFC 9042), {@code index} (RFC 5260 §6),
 *       {@code environment} (RFC 5183), {@code ihave} (RFC 5463), {@code vacation-seconds}
 *       (RFC 6131): their commands and tests, each reading from the run's state what delivery
 *       gave it (the account's mailboxes, its earlier ids, its scripts, the scan's verdict).</li>
 *   <li>{@code editheader} (RFC 5293): {@code addheader} and {@code deleteheader}
 *       ({@link dev.tern.sieve.commands.AddHeaderCommand},
 *       {@link dev.tern.sieve.commands.DeleteHeaderCommand}), which change the header the run's
 *       message keeps ({@link dev.tern.sieve.commands.RunState#addHeader}); deleteheader matches
 *       values as the header test does, without setting match variables.</li>
 * </ul>
 *
 * <p>{@link dev.tern.sieve.commands.Extensions} lists every extension a script may require.
 *
 * <p>jSieve makes a new instance of a command or test for each use, by reflection, so each class
 * here is public with a public constructor and keeps no state; the state of a run (the flag
 * variable, the variables, the account's mailboxes, the clock) is the message's ({@link dev.tern.sieve.commands.RunState}).
 * Scripts reach these classes only after {@code ScriptCheck} has checked them whole, so the
 * argument checks here are a second line, not the place where users learn their mistakes.
 */
package dev.tern.sieve.commands;
