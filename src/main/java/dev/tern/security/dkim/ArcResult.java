package dev.tern.security.dkim;

/**
 * The validation of the ARC chain a message arrived with (RFC 8617 §5.2).
 *
 * @param result    "none" (no ARC sets), "pass" or "fail"
 * @param instances how many sets the message carries
 * @param sealer    the {@code d=} of the newest seal, or null
 * @param reason    why the chain failed, or null
 * @param results   what the newest sealer recorded on arrival: its {@code ARC-Authentication-Results}
 *                  from the authserv-id on, or null
 */
public record ArcResult(String result, int instances, String sealer, String reason, String results) {

    public static final ArcResult NONE = new ArcResult("none", 0, null, null, null);

    public boolean passed() {
        return "pass".equals(result);
    }
}
