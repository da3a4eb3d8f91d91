package to.clasp.security;

import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A CLASP capability token: {@code cap_} + base64url (no padding) of a MessagePack map, byte for byte the encoding
 * of the reference router's {@code clasp-caps} crate ({@code rmp_serde::to_vec_named} of its {@code
 * CapabilityToken}), so tokens minted by the reference's {@code clasp token cap create} verify here and tokens
 * minted here verify there. The map, in order:
 * <pre>
 * version     u8 (1)
 * issuer      array of u8 (32-byte Ed25519 public key; an array of integers, not bin)
 * audience    array of u8, only when set
 * scopes      array of "action:pattern" strings
 * expires_at  u64 seconds since the epoch (valid through that second)
 * nonce       string (a UUID v4)
 * proofs      array of proof links, only when delegated: the parent tokens, root first
 * signature   bin (64 bytes), Ed25519 by issuer over the signable payload
 * </pre>
 * The signable payload is the same map without {@code signature}, with {@code audience} always present (nil when
 * unset) and {@code proofs} always present (possibly empty), each proof link written as
 * {@code {issuer, scopes, signature}}.
 * <p>
 * <b>Proof links carry more here.</b> The reference's proof link holds only the parent's issuer, scopes and
 * signature — not the parent's nonce and expiry its signature covers — so a verifier cannot check it, and anyone
 * can forge a "delegation" from a trust anchor by copying its public key into a link. Links this router writes
 * ({@link #delegate}) add {@code expires_at}, {@code nonce} (and {@code audience} when set) after the reference's
 * three fields, which makes every link verifiable; the reference ignores the extra fields when it decodes, so these
 * tokens still verify there. The leaf signature covers the links in their three-field form, as in the reference.
 */
public final class CapabilityToken
{
    /** Prefix of the text form. */
    public static final String PREFIX = "cap_";
    /** The only token version. */
    public static final int VERSION = 1;

    private static final int MAX_PROOFS = 64;

    private final int version;
    private final byte[] issuer;
    private final byte[] audience;
    private final List<String> scopes;
    private final long expiresAt;
    private final String nonce;
    private final List<ProofLink> proofs;
    private final byte[] signature;

    CapabilityToken(
        final int version,
        final byte[] issuer,
        final byte[] audience,
        final List<String> scopes,
        final long expiresAt,
        final String nonce,
        final List<ProofLink> proofs,
        final byte[] signature)
    {
        this.version = version;
        this.issuer = issuer;
        this.audience = audience;
        this.scopes = Collections.unmodifiableList(new ArrayList<>(scopes));
        this.expiresAt = expiresAt;
        this.nonce = nonce;
        this.proofs = Collections.unmodifiableList(new ArrayList<>(proofs));
        this.signature = signature;
    }

    /** A link of the delegation chain: one parent token, as the child carries it. */
    public static final class ProofLink
    {
        private final byte[] issuer;
        private final List<String> scopes;
        private final byte[] signature;
        private final Long expiresAt;
        private final String nonce;
        private final byte[] audience;

        public ProofLink(
            final byte[] issuer,
            final List<String> scopes,
            final byte[] signature,
            final Long expiresAt,
            final String nonce,
            final byte[] audience)
        {
            this.issuer = issuer;
            this.scopes = Collections.unmodifiableList(new ArrayList<>(scopes));
            this.signature = signature;
            this.expiresAt = expiresAt;
            this.nonce = nonce;
            this.audience = audience;
        }

        public byte[] issuer()
        {
            return issuer.clone();
        }

        public List<String> scopes()
        {
            return scopes;
        }

        public byte[] signature()
        {
            return signature.clone();
        }

        /** The parent's expiry (seconds), or null in a link written by the reference (unverifiable). */
        public Long expiresAt()
        {
            return expiresAt;
        }

        /** The parent's nonce, or null in a link written by the reference. */
        public String nonce()
        {
            return nonce;
        }

        /** The parent's audience, or null. */
        public byte[] audience()
        {
            return audience == null ? null : audience.clone();
        }

        /** True when the link carries what its signature covers, so it can be verified. */
        public boolean isVerifiable()
        {
            return expiresAt != null && nonce != null;
        }

        byte[] issuerRaw()
        {
            return issuer;
        }

        byte[] signatureRaw()
        {
            return signature;
        }

        byte[] audienceRaw()
        {
            return audience;
        }
    }

    /**
     * Mint a root token signed by {@code seed} (the issuer's signing key).
     *
     * @param expiresAt seconds since the epoch.
     * @param audience  raw public key of the intended holder, or null for a bearer token.
     */
    public static CapabilityToken createRoot(
        final byte[] seed, final List<String> scopes, final long expiresAt, final byte[] audience)
    {
        return sign(seed, scopes, expiresAt, audience, List.of());
    }

    /**
     * Delegate this token: a child signed by {@code childSeed} whose scopes must each be included in one of this
     * token's scopes ({@link Scope#includes}) and whose expiry is clamped to this token's.
     *
     * @throws IllegalArgumentException when a child scope widens this token's scopes, or is not a valid scope.
     */
    public CapabilityToken delegate(
        final byte[] childSeed, final List<String> childScopes, final long childExpiresAt, final byte[] childAudience)
    {
        final ScopeSet parent = ScopeSet.of(parseScopes(scopes));
        for (final String child : childScopes)
        {
            if (!parent.includes(Scope.parse(child)))
            {
                throw new IllegalArgumentException("scope '" + child + "' is not within the parent's scopes " + scopes);
            }
        }
        final List<ProofLink> chain = new ArrayList<>(proofs);
        chain.add(new ProofLink(issuer, scopes, signature, expiresAt, nonce, audience));
        return sign(childSeed, childScopes, Math.min(childExpiresAt, expiresAt), childAudience, chain);
    }

    private static CapabilityToken sign(
        final byte[] seed,
        final List<String> scopes,
        final long expiresAt,
        final byte[] audience,
        final List<ProofLink> proofs)
    {
        if (expiresAt < 0)
        {
            throw new IllegalArgumentException("expiry before the epoch");
        }
        final CapabilityToken unsigned = new CapabilityToken(VERSION, Ed25519.publicKey(seed), audience, scopes,
            expiresAt, UUID.randomUUID().toString(), proofs, new byte[0]);
        final byte[] signature = Ed25519.sign(seed, unsigned.signablePayload());
        return new CapabilityToken(VERSION, unsigned.issuer, audience, scopes, expiresAt, unsigned.nonce, proofs,
            signature);
    }

    static List<Scope> parseScopes(final List<String> scopes)
    {
        final List<Scope> parsed = new ArrayList<>(scopes.size());
        for (final String scope : scopes)
        {
            parsed.add(Scope.parse(scope));
        }
        return parsed;
    }

    public int version()
    {
        return version;
    }

    public byte[] issuer()
    {
        return issuer.clone();
    }

    /** Raw public key of the intended holder, or null (bearer token). */
    public byte[] audience()
    {
        return audience == null ? null : audience.clone();
    }

    public List<String> scopes()
    {
        return scopes;
    }

    /** Expiry in seconds since the epoch; the token is valid through that second. */
    public long expiresAt()
    {
        return expiresAt;
    }

    public String nonce()
    {
        return nonce;
    }

    /** The delegation chain, root first; empty for a root token. */
    public List<ProofLink> proofs()
    {
        return proofs;
    }

    public byte[] signature()
    {
        return signature.clone();
    }

    /** Delegation depth: the number of proof links. */
    public int chainDepth()
    {
        return proofs.size();
    }

    /** Does the issuer's signature cover this token (the leaf only; {@link CapabilityVerifier} checks the chain)? */
    public boolean signatureValid()
    {
        return Ed25519.verify(issuer, signablePayload(), signature);
    }

    byte[] issuerRaw()
    {
        return issuer;
    }

    byte[] signatureRaw()
    {
        return signature;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Encoding
    // ---------------------------------------------------------------------------------------------------------

    /** The {@code cap_...} text form. */
    public String encode()
    {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(toMessagePack());
    }

    /** The MessagePack bytes inside the text form. */
    public byte[] toMessagePack()
    {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker())
        {
            p.packMapHeader(6 + (audience != null ? 1 : 0) + (proofs.isEmpty() ? 0 : 1));
            p.packString("version").packInt(version);
            p.packString("issuer");
            packByteArray(p, issuer);
            if (audience != null)
            {
                p.packString("audience");
                packByteArray(p, audience);
            }
            p.packString("scopes");
            packStrings(p, scopes);
            p.packString("expires_at").packLong(expiresAt);
            p.packString("nonce").packString(nonce);
            if (!proofs.isEmpty())
            {
                p.packString("proofs").packArrayHeader(proofs.size());
                for (final ProofLink link : proofs)
                {
                    packLink(p, link, true);
                }
            }
            p.packString("signature");
            packBin(p, signature);
            return p.toByteArray();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("in-memory packing cannot fail", ex);
        }
    }

    /** What the issuer signs: the token without its signature, as the reference serialises it. */
    byte[] signablePayload()
    {
        return signablePayload(version, issuer, audience, scopes, expiresAt, nonce, proofs, proofs.size());
    }

    /**
     * The signable payload of a token with these fields whose chain is the first {@code proofCount} links of
     * {@code proofs} (also how a proof link's own signature is checked).
     */
    static byte[] signablePayload(
        final int version,
        final byte[] issuer,
        final byte[] audience,
        final List<String> scopes,
        final long expiresAt,
        final String nonce,
        final List<ProofLink> proofs,
        final int proofCount)
    {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker())
        {
            p.packMapHeader(7);
            p.packString("version").packInt(version);
            p.packString("issuer");
            packByteArray(p, issuer);
            p.packString("audience");
            if (audience == null)
            {
                p.packNil();
            }
            else
            {
                packByteArray(p, audience);
            }
            p.packString("scopes");
            packStrings(p, scopes);
            p.packString("expires_at").packLong(expiresAt);
            p.packString("nonce").packString(nonce);
            p.packString("proofs").packArrayHeader(proofCount);
            for (int i = 0; i < proofCount; i++)
            {
                packLink(p, proofs.get(i), false);
            }
            return p.toByteArray();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("in-memory packing cannot fail", ex);
        }
    }

    private static void packLink(final MessageBufferPacker p, final ProofLink link, final boolean withDetails)
        throws IOException
    {
        final boolean details = withDetails && link.isVerifiable();
        p.packMapHeader(3 + (details ? 2 + (link.audience != null ? 1 : 0) : 0));
        p.packString("issuer");
        packByteArray(p, link.issuer);
        p.packString("scopes");
        packStrings(p, link.scopes);
        p.packString("signature");
        packBin(p, link.signature);
        if (details)
        {
            p.packString("expires_at").packLong(link.expiresAt);
            p.packString("nonce").packString(link.nonce);
            if (link.audience != null)
            {
                p.packString("audience");
                packByteArray(p, link.audience);
            }
        }
    }

    /** serde's {@code Vec<u8>} without serde_bytes: an array of integers. */
    private static void packByteArray(final MessageBufferPacker p, final byte[] bytes) throws IOException
    {
        p.packArrayHeader(bytes.length);
        for (final byte b : bytes)
        {
            p.packInt(b & 0xFF);
        }
    }

    private static void packBin(final MessageBufferPacker p, final byte[] bytes) throws IOException
    {
        p.packBinaryHeader(bytes.length).writePayload(bytes);
    }

    private static void packStrings(final MessageBufferPacker p, final List<String> strings) throws IOException
    {
        p.packArrayHeader(strings.size());
        for (final String s : strings)
        {
            p.packString(s);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Decoding
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Decode the {@code cap_...} text form. Checks structure only (no signature, expiry or trust).
     *
     * @throws CapabilityException for anything that is not a well-formed token (never an unchecked exception).
     */
    public static CapabilityToken decode(final String text) throws CapabilityException
    {
        if (!text.startsWith(PREFIX))
        {
            throw new CapabilityException("missing cap_ prefix");
        }
        final byte[] bytes;
        try
        {
            bytes = Base64.getUrlDecoder().decode(text.substring(PREFIX.length()));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CapabilityException("not base64url");
        }
        return fromMessagePack(bytes);
    }

    /** Decode the MessagePack form. */
    public static CapabilityToken fromMessagePack(final byte[] bytes) throws CapabilityException
    {
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes))
        {
            final Reader r = new Reader(u, bytes.length);
            final Fields f = r.fields("");
            if (u.hasNext())
            {
                throw new CapabilityException("trailing bytes");
            }
            if (f.version == null || f.issuer == null || f.scopes == null || f.expiresAt == null || f.nonce == null ||
                f.signature == null)
            {
                throw new CapabilityException("missing field");
            }
            return new CapabilityToken(f.version, f.issuer, f.audience, f.scopes, f.expiresAt, f.nonce,
                f.proofs == null ? List.of() : f.proofs, f.signature);
        }
        catch (final CapabilityException ex)
        {
            throw ex;
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new CapabilityException("malformed MessagePack");
        }
    }

    /** The fields of a token or of a proof link (a link uses a subset); unknown keys are skipped, as serde does. */
    private static final class Fields
    {
        Integer version;
        byte[] issuer;
        byte[] audience;
        List<String> scopes;
        Long expiresAt;
        String nonce;
        List<ProofLink> proofs;
        byte[] signature;
    }

    /** Reads the value types the token uses, checking every length against the bytes left. */
    private static final class Reader
    {
        private final MessageUnpacker u;
        private final int length;

        Reader(final MessageUnpacker u, final int length)
        {
            this.u = u;
            this.length = length;
        }

        private int bounded(final int n, final int minBytesEach) throws CapabilityException
        {
            if (n < 0 || (long)n * minBytesEach > length - u.getTotalReadBytes())
            {
                throw new CapabilityException("length beyond the token");
            }
            return n;
        }

        int mapHeader() throws IOException, CapabilityException
        {
            expect(ValueType.MAP);
            return bounded(u.unpackMapHeader(), 2);
        }

        String string() throws IOException, CapabilityException
        {
            expect(ValueType.STRING);
            return u.unpackString();
        }

        long unsigned(final long max) throws IOException, CapabilityException
        {
            expect(ValueType.INTEGER);
            final MessageFormat format = u.getNextFormat();
            if (format == MessageFormat.UINT64)
            {
                final java.math.BigInteger big = u.unpackBigInteger();
                if (big.bitLength() > 63 || big.longValue() > max)
                {
                    throw new CapabilityException("integer out of range");
                }
                return big.longValue();
            }
            final long value = u.unpackLong();
            if (value < 0 || value > max)
            {
                throw new CapabilityException("integer out of range");
            }
            return value;
        }

        /** serde accepts both forms for bytes here: an array of integers 0..255, or bin. */
        byte[] bytes() throws IOException, CapabilityException
        {
            final ValueType type = u.getNextFormat().getValueType();
            if (type == ValueType.BINARY)
            {
                final int n = bounded(u.unpackBinaryHeader(), 1);
                return u.readPayload(n);
            }
            expect(ValueType.ARRAY);
            final int n = bounded(u.unpackArrayHeader(), 1);
            final byte[] out = new byte[n];
            for (int i = 0; i < n; i++)
            {
                out[i] = (byte)unsigned(255);
            }
            return out;
        }

        byte[] nilOrBytes() throws IOException, CapabilityException
        {
            return u.tryUnpackNil() ? null : bytes();
        }

        List<String> strings() throws IOException, CapabilityException
        {
            expect(ValueType.ARRAY);
            final int n = bounded(u.unpackArrayHeader(), 1);
            final List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                out.add(string());
            }
            return out;
        }

        List<ProofLink> proofs() throws IOException, CapabilityException
        {
            expect(ValueType.ARRAY);
            final int n = bounded(u.unpackArrayHeader(), 1);
            if (n > MAX_PROOFS)
            {
                throw new CapabilityException("more than " + MAX_PROOFS + " proof links");
            }
            final List<ProofLink> out = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                out.add(link());
            }
            return out;
        }

        private ProofLink link() throws IOException, CapabilityException
        {
            final Fields f = fields("proof ");
            if (f.issuer == null || f.scopes == null || f.signature == null)
            {
                throw new CapabilityException("proof link missing a field");
            }
            return new ProofLink(f.issuer, f.scopes, f.signature, f.expiresAt, f.nonce, f.audience);
        }

        /**
         * One map of token fields; {@code what} names it in errors ("" for the token, "proof " for a link). A key may
         * appear once. A link's {@code version} and {@code proofs} are skipped unread, as serde skips fields its
         * struct lacks — which also keeps nesting flat: a crafted link holding proofs cannot make the decoder recurse.
         */
        Fields fields(final String what) throws IOException, CapabilityException
        {
            final boolean link = !what.isEmpty();
            final Fields f = new Fields();
            final Set<String> seen = new HashSet<>();
            final int count = mapHeader();
            for (int i = 0; i < count; i++)
            {
                final String key = string();
                if (!seen.add(key))
                {
                    throw new CapabilityException("duplicate " + what + "field '" + key + "'");
                }
                switch (link && ("version".equals(key) || "proofs".equals(key)) ? "" : key)
                {
                    case "version":
                        f.version = (int)unsigned(255);
                        break;
                    case "issuer":
                        f.issuer = bytes();
                        break;
                    case "audience":
                        f.audience = nilOrBytes();
                        break;
                    case "scopes":
                        f.scopes = strings();
                        break;
                    case "expires_at":
                        f.expiresAt = unsigned(Long.MAX_VALUE);
                        break;
                    case "nonce":
                        f.nonce = string();
                        break;
                    case "proofs":
                        f.proofs = proofs();
                        break;
                    case "signature":
                        f.signature = bytes();
                        break;
                    default:
                        u.skipValue();
                        break;
                }
            }
            return f;
        }

        private void expect(final ValueType type) throws IOException, CapabilityException
        {
            if (!u.hasNext() || u.getNextFormat().getValueType() != type)
            {
                throw new CapabilityException("expected " + type.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    @Override
    public String toString()
    {
        return "CapabilityToken{issuer=" + java.util.HexFormat.of().formatHex(issuer) + ", scopes=" + scopes +
            ", expiresAt=" + expiresAt + ", depth=" + proofs.size() + '}';
    }

    static boolean sameKey(final byte[] a, final byte[] b)
    {
        return a != null && b != null && Arrays.equals(a, b);
    }
}
