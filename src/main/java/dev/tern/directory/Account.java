package dev.tern.directory;

/**
 * A local account: someone who has mailboxes here.
 *
 * @param id      store id
 * @param address the lookup key (lower-case local part @ A-label domain)
 * @param display the address as created, shown to people
 * @param enabled disabled accounts receive no mail and cannot log in
 */
public record Account(long id, String address, String display, boolean enabled) {
}
