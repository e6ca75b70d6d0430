package dev.tern.admin.api;

import dev.tern.admin.auth.AdminSessions;
import dev.tern.admin.auth.ApiTokens;
import dev.tern.auth.AuthThrottle;
import dev.tern.credentials.SmtpCredentials;
import dev.tern.directory.Directory;
import dev.tern.mailbox.MailboxService;
import dev.tern.onboarding.DomainOnboarding;
import dev.tern.queue.MailQueue;
import dev.tern.security.dkim.DkimKeys;


/**
 * What the built-in resources work on: the same services the command line uses, so that the API
 * and `tern domain|user|alias|queue|credential` act through the same code.
 *
 * @param hostname    this server's name, where the MX records of its domains point
 * @param throttle    failed console logins, counted per client address and per admin name
 * @param onboarding  domains added with their ownership tokens, their DNS records and the check of them
 * @param credentials SMTP credentials of applications
 */
public record ApiServices(Directory directory, MailboxService mailboxes, MailQueue queue, DkimKeys dkimKeys,
                          String hostname, AdminSessions sessions, ApiTokens tokens, AuthThrottle throttle,
                          DomainOnboarding onboarding, SmtpCredentials credentials) {
}
