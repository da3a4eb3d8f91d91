package to.clasp.security;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies {@code cap_} tokens offline against trust anchors ({@code --trust-anchor FILE}, repeatable): the chain's
 * root issuer must be an anchor; the leaf and every link must carry a valid Ed25519 signature by its issuer; each
 * link's scopes must be included in its parent's and the leaf's in the last link's ({@link Scope#includes}, the
 * real pattern-subset check); no expiry may exceed its parent's; a link with an audience may only be delegated by
 * that key; the chain is at most {@link #DEFAULT_MAX_DEPTH} links deep. Cheap checks run before signatures, and the
 * leaf signature before the chain's, so a forged token costs at most one verification.
 * <p>
 * A token is valid through the second in its {@code expires_at}, as in the reference. Thread-safe.
 */
public final class CapabilityVerifier implements TokenSource
{
    /** {@link #name()} and {@link Grant#source()} of this source. */
    public static final String SOURCE = "capability";
    /** Longest delegation chain accepted by default (the reference's default). */
    public static final int DEFAULT_MAX_DEPTH = 5;

    private final List<byte[]> anchors;
    private final int maxDepth;

    public CapabilityVerifier(final List<byte[]> anchors, final int maxDepth)
    {
        this.anchors = new ArrayList<>();
        for (final byte[] anchor : anchors)
        {
            if (anchor.length != Ed25519.KEY_LENGTH)
            {
                throw new IllegalArgumentException("a trust anchor is a 32-byte Ed25519 public key");
            }
            this.anchors.add(anchor.clone());
        }
        if (maxDepth < 0)
        {
            throw new IllegalArgumentException("maxDepth must be >= 0");
        }
        this.maxDepth = maxDepth;
    }

    public AuthResult authenticate(final String token, final long nowEpochMs)
    {
        if (!token.startsWith(CapabilityToken.PREFIX))
        {
            return null;
        }
        try
        {
            final CapabilityToken cap = CapabilityToken.decode(token);
            return verify(cap, nowEpochMs);
        }
        catch (final CapabilityException ex)
        {
            return AuthResult.invalid("capability token: " + ex.getMessage());
        }
    }

    /** Verify a decoded token; see the class comment for the checks. */
    public AuthResult verify(final CapabilityToken cap, final long nowEpochMs) throws CapabilityException
    {
        final long nowSeconds = Math.floorDiv(nowEpochMs, 1000);
        if (cap.version() != CapabilityToken.VERSION)
        {
            throw new CapabilityException("unsupported version " + cap.version());
        }
        if (cap.chainDepth() > maxDepth)
        {
            throw new CapabilityException("delegation chain depth " + cap.chainDepth() + " exceeds " + maxDepth);
        }
        final List<CapabilityToken.ProofLink> proofs = cap.proofs();
        final byte[] root = proofs.isEmpty() ? cap.issuerRaw() : proofs.get(0).issuerRaw();
        if (!isAnchor(root))
        {
            throw new CapabilityException("root issuer " + shortHex(root) + " is not a trust anchor");
        }
        final List<Scope> leafScopes = scopes(cap.scopes(), "token");
        for (int i = 0; i < proofs.size(); i++)
        {
            if (!proofs.get(i).isVerifiable())
            {
                throw new CapabilityException("delegation link " + i + " carries no expires_at/nonce, so its " +
                    "signature cannot be checked (delegate with 'clasp token delegate')");
            }
        }
        if (nowSeconds > cap.expiresAt())
        {
            return AuthResult.expired();
        }
        if (!cap.signatureValid())
        {
            throw new CapabilityException("signature invalid");
        }

        List<Scope> parentScopes = null;
        long parentExpiry = Long.MAX_VALUE;
        byte[] parentAudience = null;
        for (int i = 0; i < proofs.size(); i++)
        {
            final CapabilityToken.ProofLink link = proofs.get(i);
            final List<Scope> linkScopes = scopes(link.scopes(), "link " + i);
            checkLink(i, link.issuerRaw(), linkScopes, link.expiresAt(), parentScopes, parentExpiry, parentAudience);
            final byte[] payload = CapabilityToken.signablePayload(CapabilityToken.VERSION, link.issuerRaw(),
                link.audienceRaw(), link.scopes(), link.expiresAt(), link.nonce(), proofs, i);
            if (!Ed25519.verify(link.issuerRaw(), payload, link.signatureRaw()))
            {
                throw new CapabilityException("signature of delegation link " + i + " invalid");
            }
            parentScopes = linkScopes;
            parentExpiry = link.expiresAt();
            parentAudience = link.audienceRaw();
        }
        checkLink(proofs.size(), cap.issuerRaw(), leafScopes, cap.expiresAt(), parentScopes, parentExpiry,
            parentAudience);

        final long expiresMs = cap.expiresAt() >= Long.MAX_VALUE / 1000 - 1 ? Grant.NEVER : (cap.expiresAt() + 1) * 1000;
        return AuthResult.accepted(new Grant(ScopeSet.of(leafScopes), expiresMs, "key " + shortHex(cap.issuerRaw()), SOURCE));
    }

    private static void checkLink(
        final int depth,
        final byte[] issuer,
        final List<Scope> scopes,
        final long expiresAt,
        final List<Scope> parentScopes,
        final long parentExpiry,
        final byte[] parentAudience) throws CapabilityException
    {
        if (parentScopes == null)
        {
            return;
        }
        if (expiresAt > parentExpiry)
        {
            throw new CapabilityException("expiry at depth " + depth + " extends its parent's");
        }
        if (parentAudience != null && !CapabilityToken.sameKey(parentAudience, issuer))
        {
            throw new CapabilityException("depth " + depth + " is not signed by its parent's audience");
        }
        final ScopeSet parent = ScopeSet.of(parentScopes);
        for (final Scope scope : scopes)
        {
            if (!parent.includes(scope))
            {
                throw new CapabilityException("scope '" + scope + "' at depth " + depth + " widens its parent's");
            }
        }
    }

    private static List<Scope> scopes(final List<String> texts, final String where) throws CapabilityException
    {
        try
        {
            return CapabilityToken.parseScopes(texts);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CapabilityException(where + ": " + ex.getMessage());
        }
    }

    private boolean isAnchor(final byte[] key)
    {
        for (final byte[] anchor : anchors)
        {
            if (Secrets.constantTimeEquals(anchor, key))
            {
                return true;
            }
        }
        return false;
    }

    /** Capability tokens cost Ed25519 verifications (about 0.6 ms each with the JDK's). */
    public boolean isExpensive(final String token)
    {
        return token.startsWith(CapabilityToken.PREFIX);
    }

    public boolean isCurrent(final Grant grant, final long nowEpochMs)
    {
        return !grant.isExpired(nowEpochMs);
    }

    public String name()
    {
        return SOURCE;
    }

    static String shortHex(final byte[] key)
    {
        final String hex = HexFormat.of().formatHex(key);
        return hex.length() > 16 ? hex.substring(0, 16) + "…" : hex;
    }
}
