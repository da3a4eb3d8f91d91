package to.clasp.security;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden vectors for the reference's capability token encoding, built from the fixed keys its tests use
 * ({@code SigningKey::from_bytes(&[1u8; 32])} as the trust anchor, {@code [2u8; 32]}, {@code [3u8; 32]} as
 * delegates). The expected MessagePack is written out here byte by byte from the rules rmp_serde follows for
 * {@code to_vec_named} (struct → map of field names; {@code Vec<u8>} → array of integers; serde_bytes → bin;
 * integers in their shortest form; strings of 32..255 bytes as str8), independently of the encoder under test.
 */
class CapabilityTokenTest
{
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY1 = filled(1);
    private static final byte[] KEY2 = filled(2);
    private static final byte[] KEY3 = filled(3);
    private static final long EXPIRES = 1_798_761_600L; // 2027-01-01T00:00:00Z = 0x6B36EC80
    private static final long NOW_MS = 1_780_000_000_000L; // 2026-05-28
    private static final String NONCE = "00000000-0000-4000-8000-000000000001";

    private static byte[] filled(final int b)
    {
        final byte[] key = new byte[32];
        Arrays.fill(key, (byte)b);
        return key;
    }

    @Test
    void ed25519MatchesRfc8032()
    {
        // RFC 8032 §7.1, test 1 (empty message).
        final byte[] seed = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        final byte[] pub = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        final byte[] sig = HEX.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac" +
            "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assertArrayEquals(pub, Ed25519.publicKey(seed));
        assertArrayEquals(sig, Ed25519.sign(seed, new byte[0]));
        assertTrue(Ed25519.verify(pub, new byte[0], sig));
        assertFalse(Ed25519.verify(pub, new byte[] {1}, sig));
        assertFalse(Ed25519.verify(new byte[32], new byte[0], sig));
        // The reference tests' anchor: the public key of the all-ones seed.
        assertEquals("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c", HEX.formatHex(Ed25519.publicKey(KEY1)));
    }

    /** Hand-written MessagePack, each call one value in the form rmp_serde writes it. */
    private static final class Mp
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Mp raw(final String hex)
        {
            out.writeBytes(HEX.parseHex(hex.replace(" ", "")));
            return this;
        }

        Mp str(final String s)
        {
            final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (utf8.length < 32)
            {
                out.write(0xa0 | utf8.length);
            }
            else
            {
                out.write(0xd9);
                out.write(utf8.length);
            }
            out.writeBytes(utf8);
            return this;
        }

        /** {@code Vec<u8>}: array16 header for 32 elements, each byte a positive fixint or uint8 (0xcc). */
        Mp u8array(final byte[] bytes)
        {
            raw("dc").raw(String.format("%04x", bytes.length));
            for (final byte b : bytes)
            {
                if ((b & 0xFF) < 0x80)
                {
                    out.write(b);
                }
                else
                {
                    out.write(0xcc);
                    out.write(b & 0xFF);
                }
            }
            return this;
        }

        Mp bin(final byte[] bytes)
        {
            out.write(0xc4);
            out.write(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        byte[] bytes()
        {
            return out.toByteArray();
        }
    }

    private static Mp signableRoot(final byte[] issuerPub, final String scope, final long expires, final String nonce)
    {
        return new Mp().raw("87")
            .str("version").raw("01")
            .str("issuer").u8array(issuerPub)
            .str("audience").raw("c0")
            .str("scopes").raw("91").str(scope)
            .str("expires_at").raw("ce").raw(String.format("%08x", expires))
            .str("nonce").str(nonce)
            .str("proofs").raw("90");
    }

    @Test
    void rootTokenIsByteForByteTheReferenceEncoding() throws Exception
    {
        final byte[] pub1 = Ed25519.publicKey(KEY1);
        final byte[] signable = signableRoot(pub1, "admin:/**", EXPIRES, NONCE).bytes();
        final byte[] signature = Ed25519.sign(KEY1, signable);
        final byte[] expected = new Mp().raw("86")
            .str("version").raw("01")
            .str("issuer").u8array(pub1)
            .str("scopes").raw("91").str("admin:/**")
            .str("expires_at").raw("ce 6b 36 ec 80")
            .str("nonce").str(NONCE)
            .str("signature").bin(signature)
            .bytes();

        final CapabilityToken token = new CapabilityToken(1, pub1, null, List.of("admin:/**"), EXPIRES, NONCE,
            List.of(), signature);
        assertArrayEquals(signable, token.signablePayload());
        assertArrayEquals(expected, token.toMessagePack());
        final String text = "cap_" + Base64.getUrlEncoder().withoutPadding().encodeToString(expected);
        assertEquals(text, token.encode());
        // The issuer's first byte 0x8a is above 0x7f: written as uint8 (cc 8a), as rmp does.
        assertEquals("a6697373756572dc0020cc8a", HEX.formatHex(Arrays.copyOfRange(expected, 10, 22)));

        final CapabilityToken decoded = CapabilityToken.decode(text);
        assertArrayEquals(pub1, decoded.issuer());
        assertEquals(List.of("admin:/**"), decoded.scopes());
        assertEquals(NONCE, decoded.nonce());
        assertNull(decoded.audience());
        assertTrue(decoded.signatureValid());

        final CapabilityVerifier verifier = new CapabilityVerifier(List.of(pub1), 5);
        final AuthResult result = verifier.authenticate(text, NOW_MS);
        assertTrue(result.isAccepted(), result.toString());
        assertTrue(result.grant().scopes().allows(ScopeAction.ADMIN, "/anything"));
        assertEquals((EXPIRES + 1) * 1000, result.grant().expiresAtEpochMs());
        assertEquals("capability", result.grant().source());
    }

    @Test
    void audienceIsAnArrayOfIntegersAndSignedAsSuch() throws Exception
    {
        final byte[] pub1 = Ed25519.publicKey(KEY1);
        final byte[] pub2 = Ed25519.publicKey(KEY2);
        final byte[] signable = new Mp().raw("87")
            .str("version").raw("01")
            .str("issuer").u8array(pub1)
            .str("audience").u8array(pub2)
            .str("scopes").raw("92").str("read:/a/**").str("write:/a/b")
            .str("expires_at").raw("ce 6b 36 ec 80")
            .str("nonce").str(NONCE)
            .str("proofs").raw("90")
            .bytes();
        final byte[] signature = Ed25519.sign(KEY1, signable);
        final byte[] expected = new Mp().raw("87")
            .str("version").raw("01")
            .str("issuer").u8array(pub1)
            .str("audience").u8array(pub2)
            .str("scopes").raw("92").str("read:/a/**").str("write:/a/b")
            .str("expires_at").raw("ce 6b 36 ec 80")
            .str("nonce").str(NONCE)
            .str("signature").bin(signature)
            .bytes();
        final CapabilityToken decoded = CapabilityToken.fromMessagePack(expected);
        assertArrayEquals(pub2, decoded.audience());
        assertArrayEquals(expected, decoded.toMessagePack());
        assertTrue(new CapabilityVerifier(List.of(pub1), 5).verify(decoded, NOW_MS).isAccepted());
    }

    @Test
    void delegatedTokenSignsLinksInTheReferenceFormAndCarriesTheirDetails() throws Exception
    {
        final byte[] pub1 = Ed25519.publicKey(KEY1);
        final byte[] pub2 = Ed25519.publicKey(KEY2);
        final byte[] rootSignature = Ed25519.sign(KEY1, signableRoot(pub1, "admin:/**", EXPIRES, NONCE).bytes());
        final CapabilityToken root = new CapabilityToken(1, pub1, null, List.of("admin:/**"), EXPIRES, NONCE,
            List.of(), rootSignature);

        final CapabilityToken child = root.delegate(KEY2, List.of("write:/lights/**"), EXPIRES + 999, null);
        assertEquals(EXPIRES, child.expiresAt(), "expiry is clamped to the parent's");
        assertEquals(1, child.chainDepth());

        // What the leaf signs: its fields, with the link as {issuer, scopes, signature} (the reference's form).
        final byte[] leafSignable = new Mp().raw("87")
            .str("version").raw("01")
            .str("issuer").u8array(pub2)
            .str("audience").raw("c0")
            .str("scopes").raw("91").str("write:/lights/**")
            .str("expires_at").raw("ce 6b 36 ec 80")
            .str("nonce").str(child.nonce())
            .str("proofs").raw("91 83")
            .str("issuer").u8array(pub1).str("scopes").raw("91").str("admin:/**").str("signature").bin(rootSignature)
            .bytes();
        assertTrue(Ed25519.verify(pub2, leafSignable, child.signature()));

        // What it carries: the link with the parent's expiry and nonce after the reference's three fields.
        final byte[] encoded = new Mp().raw("87")
            .str("version").raw("01")
            .str("issuer").u8array(pub2)
            .str("scopes").raw("91").str("write:/lights/**")
            .str("expires_at").raw("ce 6b 36 ec 80")
            .str("nonce").str(child.nonce())
            .str("proofs").raw("91 85")
            .str("issuer").u8array(pub1).str("scopes").raw("91").str("admin:/**").str("signature").bin(rootSignature)
            .str("expires_at").raw("ce 6b 36 ec 80").str("nonce").str(NONCE)
            .str("signature").bin(child.signature())
            .bytes();
        assertArrayEquals(encoded, child.toMessagePack());

        final CapabilityVerifier verifier = new CapabilityVerifier(List.of(pub1), 5);
        final AuthResult ok = verifier.authenticate(child.encode(), NOW_MS);
        assertTrue(ok.isAccepted(), ok.toString());
        assertTrue(ok.grant().scopes().allows(ScopeAction.WRITE, "/lights/room1"));
        assertFalse(ok.grant().scopes().allows(ScopeAction.WRITE, "/audio/1"));

        // The same chain as the reference writes it (links without expiry/nonce) cannot be verified: refused.
        final CapabilityToken referenceForm = new CapabilityToken(1, pub2, null, child.scopes(), child.expiresAt(),
            child.nonce(), List.of(new CapabilityToken.ProofLink(pub1, List.of("admin:/**"), rootSignature, null, null,
            null)), child.signature());
        assertTrue(referenceForm.signatureValid(), "the leaf signature is the same in both forms");
        final AuthResult refused = verifier.authenticate(referenceForm.encode(), NOW_MS);
        assertEquals(AuthResult.UNAUTHORIZED, refused.errorCode());
        assertTrue(refused.reason().contains("delegation link 0 carries no expires_at/nonce"), refused.reason());
    }

    @Test
    void forgedTamperedWidenedDeepAndExpiredChainsAreRefused() throws Exception
    {
        final byte[] pub1 = Ed25519.publicKey(KEY1);
        final CapabilityVerifier verifier = new CapabilityVerifier(List.of(pub1), 5);
        final long future = NOW_MS / 1000 + 3600;
        final CapabilityToken root = CapabilityToken.createRoot(KEY1, List.of("write:/lights/**"), future, null);
        final CapabilityToken child = root.delegate(KEY2, List.of("write:/lights/zone1/**"), future, null);

        // Untrusted root.
        assertRefused(verifier, CapabilityToken.createRoot(KEY3, List.of("admin:/**"), future, null).encode(),
            "is not a trust anchor");

        // Forged delegation: the anchor's public key copied into a link with a made-up signature.
        final CapabilityToken forged = signed(KEY3, List.of("admin:/**"), future, List.of(
            new CapabilityToken.ProofLink(pub1, List.of("admin:/**"), new byte[64], future, "x", null)));
        assertRefused(verifier, forged.encode(), "signature of delegation link 0 invalid");

        // Tampered link: the root's scopes widened in the chain.
        final CapabilityToken.ProofLink link = child.proofs().get(0);
        final CapabilityToken widenedLink = signed(KEY2, child.scopes(), future, List.of(new CapabilityToken.ProofLink(
            link.issuer(), List.of("admin:/**"), link.signature(), link.expiresAt(), link.nonce(), null)));
        assertRefused(verifier, widenedLink.encode(), "signature of delegation link 0 invalid");

        // Tampered leaf: scopes changed after signing.
        final CapabilityToken tamperedLeaf = new CapabilityToken(1, child.issuer(), null, List.of("admin:/**"),
            child.expiresAt(), child.nonce(), child.proofs(), child.signature());
        assertRefused(verifier, tamperedLeaf.encode(), "signature invalid");

        // A leaf that widens its parent (signed correctly, so only attenuation catches it), incl. /a/* → /a/**.
        final CapabilityToken narrow = CapabilityToken.createRoot(KEY1, List.of("read:/a/*"), future, null);
        final CapabilityToken widening = signed(KEY2, List.of("read:/a/**"), future, List.of(linkOf(narrow)));
        assertRefused(verifier, widening.encode(), "scope 'read:/a/**' at depth 1 widens its parent's");
        final CapabilityToken upgrading = signed(KEY2, List.of("write:/a/x"), future, List.of(linkOf(narrow)));
        assertRefused(verifier, upgrading.encode(), "widens its parent's");
        assertThrows(IllegalArgumentException.class, () -> narrow.delegate(KEY2, List.of("read:/a/**"), future, null));

        // Expiry extended by a hand-made child.
        final CapabilityToken shortRoot = CapabilityToken.createRoot(KEY1, List.of("read:/**"), future - 10, null);
        assertRefused(verifier, signed(KEY2, List.of("read:/**"), future, List.of(linkOf(shortRoot))).encode(),
            "expiry at depth 1 extends its parent's");

        // Audience: only the named key may delegate.
        final CapabilityToken forKey2 = CapabilityToken.createRoot(KEY1, List.of("read:/**"), future, Ed25519.publicKey(KEY2));
        assertTrue(verifier.authenticate(forKey2.delegate(KEY2, List.of("read:/x"), future, null).encode(), NOW_MS).isAccepted());
        assertRefused(verifier, forKey2.delegate(KEY3, List.of("read:/x"), future, null).encode(),
            "is not signed by its parent's audience");

        // Depth: 5 links accepted, 6 refused.
        CapabilityToken t = CapabilityToken.createRoot(KEY1, List.of("admin:/**"), future, null);
        for (int i = 0; i < 5; i++)
        {
            t = t.delegate(filled(10 + i), List.of("admin:/**"), future, null);
        }
        assertTrue(verifier.authenticate(t.encode(), NOW_MS).isAccepted());
        assertRefused(verifier, t.delegate(KEY2, List.of("read:/**"), future, null).encode(),
            "delegation chain depth 6 exceeds 5");

        // Expired → 302; valid through its last second.
        final long nowSeconds = NOW_MS / 1000;
        assertEquals(AuthResult.EXPIRED, verifier.authenticate(
            CapabilityToken.createRoot(KEY1, List.of("read:/**"), nowSeconds - 1, null).encode(), NOW_MS).errorCode());
        assertTrue(verifier.authenticate(
            CapabilityToken.createRoot(KEY1, List.of("read:/**"), nowSeconds, null).encode(), NOW_MS).isAccepted());

        // Unknown action in the scopes: refused rather than silently dropped.
        assertRefused(verifier, CapabilityToken.createRoot(KEY1, List.of("r:/**"), future, null).encode(),
            "unknown action 'r'");
        // Not ours.
        assertNull(verifier.authenticate("cpsk_0000", NOW_MS));
    }

    private static CapabilityToken.ProofLink linkOf(final CapabilityToken parent)
    {
        return new CapabilityToken.ProofLink(parent.issuer(), parent.scopes(), parent.signature(), parent.expiresAt(),
            parent.nonce(), parent.audience());
    }

    /** A token signed correctly by {@code seed} over whatever chain it is given (to test the verifier's rules). */
    private static CapabilityToken signed(
        final byte[] seed, final List<String> scopes, final long expires, final List<CapabilityToken.ProofLink> proofs)
    {
        final byte[] pub = Ed25519.publicKey(seed);
        final String nonce = java.util.UUID.randomUUID().toString();
        final byte[] payload = CapabilityToken.signablePayload(1, pub, null, scopes, expires, nonce, proofs, proofs.size());
        return new CapabilityToken(1, pub, null, scopes, expires, nonce, proofs, Ed25519.sign(seed, payload));
    }

    private static void assertRefused(final CapabilityVerifier verifier, final String token, final String reason)
    {
        final AuthResult result = verifier.authenticate(token, NOW_MS);
        assertEquals(AuthResult.UNAUTHORIZED, result.errorCode(), result.toString());
        assertTrue(result.reason().contains(reason), result.reason());
        assertFalse(result.reason().contains(token.substring(4, 20)), "reason quotes the token");
    }

    @Test
    void malformedTokensAreRefusedWithoutThrowing() throws Exception
    {
        final CapabilityVerifier verifier = new CapabilityVerifier(List.of(Ed25519.publicKey(KEY1)), 5);
        final List<String> bad = new ArrayList<>(List.of("cap_", "cap_!!!not-valid!!!", "cap_" + "A".repeat(10_000),
            "cap_3q2-7wECAwQ", "cap_kg"));
        final String good = CapabilityToken.createRoot(KEY1, List.of("read:/**"), NOW_MS / 1000 + 60, null)
            .delegate(KEY2, List.of("read:/a"), NOW_MS / 1000 + 60, null).encode();
        final byte[] goodBytes = Base64.getUrlDecoder().decode(good.substring(4));
        final Random random = new Random(42);
        for (int i = 0; i < 3000; i++)
        {
            final byte[] mutated = goodBytes.clone();
            final int flips = 1 + random.nextInt(4);
            for (int k = 0; k < flips; k++)
            {
                mutated[random.nextInt(mutated.length)] = (byte)random.nextInt(256);
            }
            final byte[] cut = Arrays.copyOf(mutated, random.nextInt(mutated.length + 1));
            bad.add("cap_" + Base64.getUrlEncoder().withoutPadding().encodeToString(i % 2 == 0 ? mutated : cut));
            final byte[] noise = new byte[random.nextInt(64)];
            random.nextBytes(noise);
            bad.add("cap_" + Base64.getUrlEncoder().withoutPadding().encodeToString(noise));
        }
        int refused = 0;
        for (final String token : bad)
        {
            final AuthResult result = verifier.authenticate(token, NOW_MS);
            if (!result.isAccepted())
            {
                refused++;
            }
            else
            {
                // A mutation that hit only an ignored spot (e.g. within a str8 length that still parses) must
                // still be a token that verifies; the only way to be accepted.
                assertTrue(CapabilityToken.decode(token).toString().length() > 0);
            }
        }
        assertTrue(refused > bad.size() * 9 / 10);
    }

    @Test
    void deeplyNestedProofsCannotMakeTheDecoderRecurse() throws Exception
    {
        // A 16 KiB token of links nested in links' "proofs": skipped unread, refused cleanly.
        final StringBuilder hex = new StringBuilder("81 a6 70726f6f6673");   // {"proofs": ...
        final int depth = 1500;
        for (int i = 0; i < depth; i++)
        {
            hex.append(" 91 81 a6 70726f6f6673");                             // [ {"proofs": ...
        }
        hex.append(" 90");
        final byte[] bytes = HEX.parseHex(hex.toString().replace(" ", ""));
        final CapabilityException ex = assertThrows(CapabilityException.class, () -> CapabilityToken.fromMessagePack(bytes));
        assertTrue(ex.getMessage().equals("proof link missing a field") || ex.getMessage().equals("missing field"),
            ex.getMessage());
    }
}
