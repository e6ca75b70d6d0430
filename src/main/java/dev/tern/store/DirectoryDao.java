package dev.tern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Domains, accounts, aliases and send-as permissions. Names and addresses are lookup keys (lower case, A-label domains). */
public interface DirectoryDao {

    Optional<Rows.Domain> domain(String name);

    List<Rows.Domain> domains();

    Rows.Domain insertDomain(String name, Instant now);

    void setCatchAll(long domainId, String target);

    /** Deletes a domain that has no accounts and no aliases left, with its DKIM keys; false when there was none. */
    boolean deleteDomain(long domainId);

    Optional<Rows.Account> account(String address);

    Optional<Rows.Account> account(long id);

    /** Accounts of one domain, or of all domains when {@code domainId} is null, ordered by address. */
    List<Rows.Account> accounts(Long domainId);

    Rows.Account insertAccount(String address, String display, long domainId, String passwordHash, Instant now);

    boolean updatePassword(long accountId, String passwordHash);

    /** Enables or disables an account; false when there is no such account. */
    boolean setEnabled(long accountId, boolean enabled);

    /** The ids of the accounts that have a quota. */
    List<Long> accountsWithQuota();

    /** The highest percentage of its quota the account was warned of; 0 when none (or no such account). */
    int quotaWarned(long accountId);

    /** Sets it to {@code to} if it is still {@code from}: false when another writer changed it first. */
    boolean changeQuotaWarned(long accountId, int from, int to);

    /** Sets an account's quota in bytes, null for no limit; false when there is no such account. */
    boolean setQuota(long accountId, Long quotaBytes);

    boolean deleteAccount(long accountId);

    /** An account's SASL secrets; empty when there is no such account. */
    Optional<Rows.AccountSecrets> secrets(long accountId);

    /** Replaces an account's SASL secrets (null removes one); false when there is no such account. */
    boolean updateSecrets(long accountId, String scramSha256, String cramMd5);

    List<String> aliasTargets(String address);

    List<Rows.Alias> aliases(Long domainId);

    void insertAlias(String address, String target, long domainId);

    /** Deletes one target of an alias, or all of them when {@code target} is null; returns how many. */
    int deleteAlias(String address, String target);

    /** Send-as permissions of one account, or of all when {@code accountId} is null, ordered by account and pattern. */
    List<Rows.SendAs> sendAs(Long accountId);

    /** Adds a send-as permission; false when the account had it already. */
    boolean insertSendAs(long accountId, String pattern, Instant now);

    /** Removes a send-as permission; false when there was none. */
    boolean deleteSendAs(long accountId, String pattern);

    int countAccounts(long domainId);

    int countAliases(long domainId);
}
