package dev.tern.metrics;

/**
 * Why the SMTP server refused something, in the few words a dashboard groups by: taken from the
 * component that raised the refusal and its reply code (see {@code docs/metrics.md}).
 */
final class RejectionReason {

    private RejectionReason() {
    }

    static String of(String stage, int code, String enhancedCode, String component) {
        String c = component == null ? "" : component;
        String e = enhancedCode == null ? "" : enhancedCode;
        switch (c) {
            case "rate-limit":
                return "rate_limit";
            case "greylist":
                return "greylisted";
            case "access":
                return "access";
            case "dnsbl", "spf", "dmarc", "helo":
                return "policy";
            case "spam":
                return code / 100 == 4 ? "temporary_failure" : "spam";
            case "milter":
                return code / 100 == 4 ? "temporary_failure" : "milter";
            case "submission-policy":
                return code / 100 == 4 ? "temporary_failure" : e.equals("5.7.1") ? "sender_not_owned" : "policy";
            case "smtp-policy":
                if (e.equals("5.1.1")) {
                    return "unknown_user";
                }
                // 5.1.2: a domain not hosted here, on LMTP, which never relays
                return e.equals("5.7.1") || e.equals("5.1.2") ? "relay_denied" : "temporary_failure";
            default:
                break;
        }
        if (code == 552 || e.equals("5.3.4")) {
            return "too_big";
        }
        if (code == 530) {
            return "auth_required";
        }
        if (stage.equals("connect") && code == 421) {
            return "too_many_connections";
        }
        if (e.equals("4.3.1")) {
            return "storage_full";   // [smtp] min_free_space at MAIL, or a full disk at the end of the data
        }
        if (code / 100 == 4 && e.startsWith("4.3.")) {
            return "temporary_failure";
        }
        if (c.equals("smtp")) {
            return "protocol";
        }
        return "other";
    }
}
