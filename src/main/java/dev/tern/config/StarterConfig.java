package dev.tern.config;

/** The commented configuration file that `tern init` writes. */
public final class StarterConfig {

    private StarterConfig() {
    }

    /**
     * @param hostname the server's public name
     * @param smtp     the address:port of the inbound SMTP listener
     */
    public static String text(String hostname, String smtp) {
        return text(hostname, smtp, null);
    }

    /** @param postmaster the postmaster address, or null to leave the key commented out */
    public static String text(String hostname, String smtp, String postmaster) {
        return """
                # Tern configuration. Every key is optional; the values shown are the defaults
                # unless the comment says otherwise. Reference: docs/configuration.md

                # The name of this server: greeting, EHLO, Received headers. Use the name that
                # your MX record points to.
                hostname = "%s"

                # Where the embedded store keeps its database (tern.db) and message files (blobs/).
                # A relative path is relative to this file.
                data_dir = "data"

                # Who reads mail for postmaster@ each local domain and this host name (RFC 5321
                # requires a postmaster) when no account or alias of that name exists.
                %s

                [listeners]
                # Each listener is a list of "address:port". Leave one out to switch it off.
                # Inbound mail from other servers (port 25 needs root or CAP_NET_BIND_SERVICE).
                # STARTTLS is offered; mail is accepted for local domains only, unless the
                # client authenticated.
                smtp = ["%s"]
                # Mail from your users' mail programs (RFC 6409): STARTTLS, then AUTH, required.
                # submission = ["0.0.0.0:587"]
                # The same over TLS from the first byte (RFC 8314), preferred by current clients.
                # submissions = ["0.0.0.0:465"]
                # Final delivery into the mailboxes over LMTP (RFC 2033) for an MTA in front of
                # Tern, such as Postfix's "lmtp:inet:127.0.0.1:24" transport. No TLS, no AUTH:
                # only clients of [lmtp] allow_from (loopback by default) may connect. Or a
                # Unix socket, "unix:/PATH", with the permissions of [lmtp] socket_mode.
                # lmtp = ["127.0.0.1:24"]
                # Mail programs reading the INBOX over POP3 (RFC 1939): STLS offered on 110,
                # TLS from the first byte on 995. Passwords only over TLS (see [pop3]).
                # pop3 = ["0.0.0.0:110"]
                # pop3s = ["0.0.0.0:995"]
                # Mail programs reading every folder over IMAP (RFC 9051): STARTTLS offered on
                # 143, TLS from the first byte on 993. Passwords only over TLS (see [imap]).
                # imap = ["0.0.0.0:143"]
                # imaps = ["0.0.0.0:993"]
                # Users manage their Sieve filters over ManageSieve (RFC 5804), STARTTLS offered.
                # managesieve = ["0.0.0.0:4190"]
                # The admin HTTP API, the web console and /metrics. Keep it on loopback (reach it
                # through an SSH tunnel or a reverse proxy), or turn on [admin] tls. Log in as an
                # admin made with `bin/tern admin add NAME`.
                # admin = ["127.0.0.1:8080"]
                # Mail client autoconfiguration for the Internet (Thunderbird, Outlook): these
                # serve the settings files and nothing else. HTTPS uses the certificate of [tls].
                # autoconfigs also serves the domains' MTA-STS policy (see [mta_sts]).
                # autoconfig = ["0.0.0.0:80"]
                # autoconfigs = ["0.0.0.0:443"]

                [tls]
                # The certificate chain (leaf first) and private key, PEM. Renewed files are
                # picked up without a restart. Without them, Tern makes a self-signed certificate
                # for the hostname in data_dir/tls/ (fine for server-to-server STARTTLS; mail
                # programs will warn about it). Or let Tern get one itself: see [acme].
                # cert = "/etc/letsencrypt/live/mx.example.org/fullchain.pem"
                # key  = "/etc/letsencrypt/live/mx.example.org/privkey.pem"

                # [acme]
                # Get and renew the certificate from Let's Encrypt (or another ACME CA) instead
                # of [tls] cert/key: the CA checks each name over http://NAME/ on port 80, which
                # the autoconfig listener answers, so it must be on and reachable. Using it means
                # agreeing to the CA's terms of service.
                # directory = "letsencrypt"          # or "letsencrypt-staging", or a URL
                # email = "you@example.org"          # for the CA's expiry notices
                # names = ["mx.example.org"]         # default: hostname
                # The mta-sts., autoconfig. and autodiscover. names of every domain are added
                # by themselves once their DNS points at this server (domain_names = false: not).

                [smtp]
                # Largest message accepted (announced with the SIZE extension).
                max_message_size = "50MB"
                # Recipients per message; more get "452 4.5.3 Too many recipients".
                max_recipients = 1000
                # Longest command or text line in bytes (RFC 5321 requires at least 1000).
                max_line_length = 4096
                # Protocol errors a client may make before it is disconnected.
                max_errors = 20
                # NOOP, RSET, VRFY and HELP between two messages before each one more counts as
                # an error (so a client cannot hold a connection open forever with NOOPs).
                max_junk_commands = 100
                # How long a client may stay silent while a command is expected, and during DATA.
                command_timeout = "5m"
                data_timeout = "3m"
                # Simultaneous connections, in total and from one client address.
                max_connections = 1000
                max_connections_per_ip = 50
                # Answer VRFY truthfully (off: "252 Cannot VRFY user", which does not reveal accounts).
                vrfy = false
                # Free space to keep where messages are stored (data_dir): with less, new mail is
                # refused with "452 4.3.1 Insufficient system storage" (senders retry later) and
                # the rest is left to the queue and to IMAP. "0": no reserve.
                # Default: one and a half times max_message_size.
                # min_free_space = "75MB"

                [submission]
                # Mail from authenticated users: besides the envelope sender, the addresses in the
                # From: header must be the user's own (its address, its aliases, or what
                # `bin/tern user send-as add` allows), else the message is refused after DATA.
                check_from_header = true
                # Leave the sender's IP address and computer name out of the Received header of
                # mail sent by authenticated users.
                hide_client_ip = false
                # Mail that leaves this server must come from a domain whose ownership is
                # verified (`bin/tern domain verify DOMAIN` found its _tern-verify record).
                require_verified_domain = false

                # [lmtp]
                # Networks that may connect to the lmtp listener; others are refused.
                # allow_from = ["127.0.0.0/8", "::1"]
                # Permissions of a Unix socket's file: who may write to it may deliver.
                # socket_mode = "0660"

                [delivery]
                # Plus addressing: mail for user+tag@domain goes to user@domain. "" switches it off.
                recipient_delimiter = "+"
                # true: mail for user+Receipts@domain goes into the account's mailbox "Receipts",
                # when it has one (not Sent, Trash or another special-use mailbox); else INBOX.
                # save_to_detail_mailbox = false
                # Mail for other domains goes to their MX hosts, over STARTTLS when offered
                # ("none", "may", "encrypt" or "verify" to also check certificates).
                # tls = "may"
                # Domains that publish an MTA-STS policy (RFC 8461) in "enforce" mode get their mail
                # only through the MX hosts it names, over TLS with a valid certificate.
                # mta_sts = true
                # MX hosts with DNSSEC-signed TLSA records (DANE, RFC 7672) get mail only over TLS
                # with the certificate those records name. Needs a validating DNS resolver.
                # dane = true
                # Deferred mail is retried after 5m, 10m, … up to every 1h, for 5 days.
                # retry_first = "5m"
                # retry_max = "1h"
                # max_lifetime = "5d"
                # Tell senders when their mail is still waiting after this long (off by default).
                # delay_warning = "4h"

                # [delivery.smarthost]
                # Send all mail for other domains through a relay (your provider, a cloud SMTP
                # service) instead of their MX hosts: port 587 with STARTTLS, certificate checked.
                # host = "smtp.provider.example"
                # username = "apikey"
                # password_file = "smarthost.secret"

                # [delivery.tls_reports]
                # Tell the domains you send to, once a day, how their MX hosts did over TLS
                # (RFC 8460 reports, to the address in their _smtp._tls record). From an address
                # of one of your domains, which signs it with DKIM.
                # enabled = true
                # from = "tls-reports@your-domain"

                # [suppression]
                # An address whose server refuses it as nonexistent (550 5.1.1…) is not tried again
                # for 30 days: its mail bounces at once (bin/tern suppression list|delete).
                # hard_bounces = true
                # keep_for = "30d"                    # "0": until deleted

                # [quota]
                # Accounts with a quota (bin/tern user quota) get a message in their INBOX as they fill it.
                # warn_at = [90, 100]                 # percentages; [] for none

                # [retention]
                # Messages leave each account's Trash and Junk this long after they were put there.
                # trash = "30d"                       # "0": until their user removes them
                # junk = "30d"

                # [mta_sts]
                # The MTA-STS policy served for your domains (with autoconfigs): "testing" first,
                # "enforce" once the certificate covers mta-sts.DOMAIN of each domain, "off" for none.
                # mode = "testing"

                # [dns]
                # The DNS resolvers to ask for MX and address records, as "ip" or "ip:port" (IPv6 as
                # "[::1]:53"). Empty: those of /etc/resolv.conf. Use a resolver you trust, ideally
                # one on this machine or network: Tern believes what it answers.
                # nameservers = ["127.0.0.1:53"]
                # How long to wait for one resolver to answer before asking again (twice each).
                # timeout = "5s"

                # [checks]
                # What the port-25 receiver checks about clients that neither authenticated nor
                # are exempt: SPF, DKIM and DMARC (results in an Authentication-Results header),
                # the HELO name, DNS block lists. Loopback clients are exempt.
                # exempt = ["127.0.0.0/8", "::1/128"]
                # A DMARC failure under the sender domain's p=reject is refused (550 5.7.1); under
                # p=quarantine it goes to the recipient's Junk mailbox. Each: reject, quarantine, none.
                # dmarc_reject = "reject"
                # dmarc_quarantine = "quarantine"
                # Forwarders (mailing lists) whose ARC seal lifts a DMARC failure when they saw DMARC pass.
                # arc_trusted_sealers = ["lists.example.org"]
                # What an SPF "fail" (-all) does on its own: none (DMARC judges) or reject.
                # spf_fail = "none"
                # HELO names: off, lenient (refuse invalid names and our own name), strict (must resolve).
                # helo = "lenient"
                # DNS block lists whose listed clients are refused, and allow lists that skip them.
                # dnsbl = ["zen.spamhaus.org"]
                # dnswl = ["list.dnswl.org"]
                # Hold the greeting this long and refuse clients that talk before it.
                # greeting_delay = "3s"

                # [checks.dmarc_reports]
                # Tell the domains that ask for it (rua= in their DMARC record), once a day, what
                # mail came in under their name and what was done with it (RFC 7489 aggregate
                # reports). From an address of one of your domains, which signs it with DKIM.
                # enabled = true
                # from = "dmarc-reports@your-domain"

                # [checks.rspamd]
                # Scan each message from port 25 with rspamd (Debian: apt install rspamd) and follow
                # its verdict: refuse, defer, file as junk, or deliver.
                # url = "http://127.0.0.1:11333"
                # on_failure = "accept"     # or "defer" while rspamd cannot answer
                # scan_submission = true    # refuse what rspamd rejects from your own users too
                # Teach rspamd from what IMAP users move into Junk (spam) and out of it (ham).
                # controller_url = "http://127.0.0.1:11334"

                # [milter]
                # Mail filters over the Sendmail milter protocol, as Postfix's smtpd_milters
                # (opendkim, clamav-milter, spamass-milter...), asked in this order.
                # servers = ["inet:127.0.0.1:8891", "unix:/run/clamav/clamav-milter.ctl"]
                # listeners = ["smtp", "submission", "submissions"]   # add "http" for the send API
                # on_failure = "tempfail"   # or "accept", "reject" while a filter cannot answer

                # [rate_limits]
                # Per client address on port 25 ("COUNT/WINDOW" or "off"); per authenticated user.
                # connections_per_ip = "60/1m"
                # messages_per_ip = "120/1m"
                # recipients_per_ip = "1000/1m"
                # messages_per_user = "off"
                # recipients_per_user = "off"

                # [greylisting]
                # Answer a new (client network, sender, recipient) with 451 and accept the retry.
                # enabled = false
                # delay = "5m"
                # whitelist = ["192.0.2.0/24", "from:partner.example", "to:postmaster@example.org"]

                # [admin]
                # Serve the admin listener over HTTPS with the certificate of [tls].
                # tls = false
                # How long a console login lasts.
                # session_lifetime = "12h"
                # The largest request body.
                # max_body_size = "1MB"

                # [tracking]
                # How long the record of each message (received, attempts, delivered…) is kept;
                # `tern trace` searches it.
                # retention = "30d"

                # [webhooks]
                # Webhook URLs on loopback or private addresses are refused unless this is true
                # (whoever may add a webhook could otherwise reach services inside your network).
                # allow_private = false
                # POSTs in progress at once, and how long each may take.
                # max_concurrent = 8
                # timeout = "10s"

                # [proxy_protocol]
                # Behind a TCP load balancer (HAProxy "send-proxy-v2", AWS NLB, nginx stream
                # "proxy_protocol on"): on these listeners, connections from the trusted networks
                # must start with a PROXY header (v1 or v2), whose client address Tern then uses
                # everywhere. List only the balancers: whoever is trusted may claim any address.
                # listeners = ["smtp", "submissions", "imaps"]
                # trusted = ["10.0.0.0/8"]

                # [store]
                # Where the metadata (domains, accounts, queue, mailbox index) and the message
                # contents live: by default SQLite and files under data_dir, for one server.
                # Several servers share one installation with PostgreSQL and S3 (docs/storage.md).
                # metadata = "postgres"
                # blobs = "s3"

                # [store.postgres]
                # The database (create it and its role first: docs/storage.md), and the most
                # connections this server opens to it.
                # url = "jdbc:postgresql://db.example.org:5432/tern"
                # user = "tern"
                # password_file = "/etc/tern/postgres-password"
                # pool_size = 16

                [log]
                # Log every SMTP command and reply (for debugging; it logs addresses).
                protocol_trace = false

                # [auth]
                # Password logins (SCRAM-SHA-256, PLAIN, LOGIN) are offered only over TLS;
                # true also offers them without TLS to clients on 127.0.0.1 or ::1.
                # plaintext_on_loopback = false
                # CRAM-MD5 too, for the accounts given its secret (tern user add --cram-md5).
                # Clients that see it offered try it first (Python's smtplib): for the accounts
                # without the secret each login then fails once and counts toward the lockout.
                # cram_md5 = false
                # Each failed login delays its reply longer (1s, 2s, 4s ... up to max_failure_delay).
                # lockout_failures failures within lockout_window lock the client address, and the
                # account, out for lockout_time. Failures are logged as "auth failed: client=..."
                # for fail2ban.
                # lockout_failures = 10
                # lockout_window = "10m"
                # lockout_time = "15m"
                # max_failure_delay = "8s"
                # A successful password login spares the same user's next ones the password hash
                # for cache_ttl ("0": off). A changed password or a disabled account counts at once.
                # cache_ttl = "1h"
                # cache_size = 10000

                # [auth.kerberos]
                # GSSAPI logins. The keytab holds the keys of smtp/HOSTNAME@REALM (imap/, pop/ too).
                # keytab = "/etc/tern/tern.keytab"
                # realm = "EXAMPLE.ORG"
                # Client realms accepted, each with its mail domain: alice@EXAMPLE.ORG logs in as
                # alice@example.org. Default: realm only, as its lower-case name.
                # realms = { "EXAMPLE.ORG" = "example.org" }
                """.formatted(hostname,
                postmaster == null ? "# postmaster = \"you@example.org\"" : "postmaster = \"" + postmaster + "\"", smtp);
    }
}
