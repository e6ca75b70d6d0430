package dev.tern.security.dkim;

import dev.tern.dns.DnsAnswer;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The check of one message (see {@link DkimVerifier}): collects the header section, then reads the
 * signatures and feeds the body to their hashers; at the end looks up the keys and checks.
 */
final class MessageVerification implements DkimVerifier.Verification {

    private static final String SIGNATURE_FIELD = "dkim-signature";

    private final Function<String, CompletableFuture<DnsAnswer<String>>> txtLookup;
    private final Clock clock;
    private final int maxHeaderBytes;
    private final int maxSignatures;
    private final HeaderCollector header;
    private final byte[] scratch = new byte[8192];

    private boolean inBody;
    private List<HeaderField> fields = List.of();
    private final Map<String, List<HeaderField>> fieldsByName = new HashMap<>();
    /** One per signature field, in order: a result already known, or a signature still to check. */
    private final List<Slot> slots = new ArrayList<>();
    private final Map<BodyHasher.Key, BodyHasher> hashers = new LinkedHashMap<>();
    private CompletableFuture<List<DkimResult>> results;
    /** The ARC sets among the fields, once the header section has ended. */
    private ArcChain arcChain = ArcChain.of(List.of());
    private CompletableFuture<ArcResult> arc;

    private sealed interface Slot permits Known, Pending {
    }

    private record Known(DkimResult result) implements Slot {
    }

    private record Pending(DkimSignature signature, BodyHasher hasher) implements Slot {
    }

    MessageVerification(Function<String, CompletableFuture<DnsAnswer<String>>> txtLookup, Clock clock,
                        int maxHeaderBytes, int maxSignatures) {
        this.txtLookup = txtLookup;
        this.clock = clock;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxSignatures = maxSignatures;
        this.header = new HeaderCollector(maxHeaderBytes);
    }

    @Override
    public void update(ByteBuffer data) {
        if (results != null) {
            throw new IllegalStateException("the message was finished already");
        }
        if (data.hasArray()) {
            int n = data.remaining();
            process(data.array(), data.arrayOffset() + data.position(), n);
            data.position(data.limit());
            return;
        }
        while (data.hasRemaining()) {
            int n = Math.min(scratch.length, data.remaining());
            data.get(scratch, 0, n);
            process(scratch, 0, n);
        }
    }

    private void process(byte[] b, int off, int len) {
        if (!inBody) {
            int taken = header.update(b, off, len);
            off += taken;
            len -= taken;
            if (!header.complete()) {
                return;
            }
            startBody();
        }
        if (len > 0) {
            for (BodyHasher h : hashers.values()) {
                h.update(b, off, len);
            }
        }
    }

    @Override
    public CompletableFuture<List<DkimResult>> finish() {
        if (results != null) {
            return results;
        }
        if (!inBody) {
            header.finish();
            startBody();
        }
        for (BodyHasher h : hashers.values()) {
            h.finish();
        }
        Map<String, CompletableFuture<DnsAnswer<String>>> lookups = new HashMap<>();
        List<CompletableFuture<DkimResult>> each = new ArrayList<>();
        for (Slot slot : slots) {
            if (slot instanceof Pending p) {
                SignatureCheck check = new SignatureCheck(p.signature(), p.hasher().finish(), fieldsByName);
                each.add(lookups.computeIfAbsent(p.signature().keyName(), this::lookup).thenApply(check::result)
                        .exceptionally(e -> DkimResult.of(DkimStatus.TEMPERROR, p.signature().tags(),
                                "verification failed: " + e)));
            } else {
                each.add(CompletableFuture.completedFuture(((Known) slot).result()));
            }
        }
        results = CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(v -> each.stream().map(CompletableFuture::join).toList());
        arc = arcChain.validate(form -> {
            BodyHasher h = hashers.get(new BodyHasher.Key(form, -1));
            return h == null ? null : h.finish().hash();
        }, txtLookup).exceptionally(e -> new ArcResult("fail", arcChain.newest(), null, "verification failed: " + e, null));
        return results;
    }

    @Override
    public CompletableFuture<ArcResult> arc() {
        if (arc == null) {
            throw new IllegalStateException("the ARC chain is checked when the message is finished");
        }
        return arc;
    }

    @Override
    public boolean headerTooLarge() {
        return header.tooLarge();
    }

    @Override
    public List<HeaderField> headerFields() {
        return fields;
    }

    private CompletableFuture<DnsAnswer<String>> lookup(String name) {
        try {
            return txtLookup.apply(name).handle((answer, error) -> error == null && answer != null ? answer
                    : new DnsAnswer.TemporaryFailure<>("DNS lookup of " + name + "/TXT failed: " + error));
        } catch (IllegalArgumentException notAName) {
            return CompletableFuture.completedFuture(new DnsAnswer.NoSuchDomain<>());
        }
    }

    /** The header section has ended: read the signatures and set up the body hashes they need. */
    private void startBody() {
        inBody = true;
        if (header.tooLarge()) {
            failAllForHeaderSize();
            return;
        }
        fields = List.copyOf(header.fields());
        for (HeaderField f : fields) {
            fieldsByName.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(f);
        }
        arcChain = ArcChain.of(fields);
        Canonicalization arcBody = arcChain.newestBodyForm();
        if (arcBody != null) {
            hashers.computeIfAbsent(new BodyHasher.Key(arcBody, -1), BodyHasher::new);
        }
        long now = clock.instant().getEpochSecond();
        int seen = 0;
        for (HeaderField f : fields) {
            if (f.name().equals(SIGNATURE_FIELD)) {
                slots.add(++seen > maxSignatures
                        ? known(DkimStatus.POLICY, TagList.parseLeniently(f.value()),
                        "too many signatures (only the first " + maxSignatures + " are checked)")
                        : read(f, now));
            }
        }
    }

    private Slot read(HeaderField field, long now) {
        Map<String, String> tags;
        try {
            tags = TagList.parse(field.value());
        } catch (IllegalArgumentException e) {
            return known(DkimStatus.PERMERROR, TagList.parseLeniently(field.value()), "tag list syntax error: "
                    + e.getMessage());
        }
        DkimSignature signature;
        try {
            signature = DkimSignature.parse(field, tags);
        } catch (SignatureCheckException e) {
            return known(e.status(), tags, e.getMessage());
        }
        if (signature.expiration() >= 0 && now > signature.expiration()) {
            // RFC 6376 §3.5 lets verifiers ignore expired signatures; Tern reports them as a policy
            // result so that they never count as a pass, and spends no DNS query on them.
            return known(DkimStatus.POLICY, tags, "signature expired");
        }
        BodyHasher hasher = hashers.computeIfAbsent(
                new BodyHasher.Key(signature.bodyCanonicalization(), signature.bodyLength()), BodyHasher::new);
        return new Pending(signature, hasher);
    }

    /** Every signature gets PERMERROR, described by what could be read of the kept start. */
    private void failAllForHeaderSize() {
        List<HeaderField> kept = header.fields().stream().filter(f -> f.name().equals(SIGNATURE_FIELD)).toList();
        for (int i = 0; i < header.signatureFields(); i++) {
            Map<String, String> tags = i < kept.size() ? TagList.parseLeniently(kept.get(i).value()) : Map.of();
            slots.add(known(DkimStatus.PERMERROR, tags, "header section larger than " + maxHeaderBytes / 1024 + " KiB"));
        }
    }

    private static Slot known(DkimStatus status, Map<String, String> tags, String reason) {
        return new Known(DkimResult.of(status, tags, reason));
    }
}
