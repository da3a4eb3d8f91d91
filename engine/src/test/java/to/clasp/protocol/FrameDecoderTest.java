package to.clasp.protocol;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import to.clasp.protocol.message.MessageCodec;
import to.clasp.protocol.message.SetMessage;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Header rules, every error code from a hand-made input, enumeration decoding, and the encoders' limits.
 */
class FrameDecoderTest
{
    private final FrameDecoder decoder = new FrameDecoder();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);

    private int decode(final String hex)
    {
        final UnsafeBuffer b = Hex.buffer(hex);
        return decoder.decode(b, 0, b.capacity());
    }

    @Test
    void headerRules()
    {
        // Trailing bytes after header + L are ignored.
        assertEquals(DecodeError.OK, decode(GoldenVectorTest.PING + " 99 98 97"));
        assertEquals(MessageType.PING, decoder.type());
        // Timestamp flag: 8 more header bytes, then the payload.
        assertEquals(DecodeError.OK, decode("53 21 00 01 00 06 0a 24 18 1e 40 00 41"));
        assertTrue(decoder.hasTimestamp());
        assertEquals(GoldenVectorTest.T, decoder.timestamp());
        assertEquals(DecodeError.TRUNCATED, decode("53 21 00 01 00 06 0a 24 18"));
        // QoS bits; the reserved value 3 reads as Fire.
        assertEquals(DecodeError.OK, decode("53 81 00 01 41"));
        assertEquals(Qos.COMMIT, decoder.qos());
        assertEquals(DecodeError.OK, decode("53 c1 00 01 41"));
        assertEquals(Qos.FIRE, decoder.qos());
        // The version bits are ignored: the payload's first byte decides.
        assertEquals(DecodeError.OK, decode("53 00 00 01 41"));
        assertEquals(DecodeError.OK, decode("53 07 00 01 41"));
        // A frame at an offset inside a larger buffer.
        final UnsafeBuffer b = Hex.buffer("ff ff " + GoldenVectorTest.E8_SET);
        assertEquals(DecodeError.OK, decoder.decode(b, 2, b.capacity() - 2));
        assertEquals(42L, decoder.set().value().asLong());
    }

    @Test
    void everyErrorCodeFromAHandMadeInput()
    {
        assertEquals(DecodeError.TRUNCATED, decode("53 01 00"));
        assertEquals(DecodeError.BAD_MAGIC, decode("54 01 00 01 41"));
        assertEquals(DecodeError.LENGTH_PAST_END, decode("53 01 00 02 41"));
        assertEquals(DecodeError.EMPTY_PAYLOAD, decode("53 01 00 00"));
        assertEquals(DecodeError.ENCRYPTED_OR_COMPRESSED, decode("53 11 00 01 41"));
        assertEquals(DecodeError.ENCRYPTED_OR_COMPRESSED, decode("53 09 00 01 41"));
        assertEquals(DecodeError.UNKNOWN_MESSAGE_TYPE, decode("53 01 00 01 7f"));
        // SET with value type 0x0C.
        assertEquals(DecodeError.UNKNOWN_VALUE_TYPE, decode("53 01 00 05 21 0c 00 01 2f"));
        // Array element with type 0x0F.
        assertEquals(DecodeError.UNKNOWN_VALUE_TYPE, decode("53 01 00 09 21 0a 00 01 2f 00 01 0f 00"));
        // Invalid UTF-8: a lone continuation byte, an overlong '/', an encoded surrogate, a truncated sequence.
        assertEquals(DecodeError.INVALID_UTF8, decode("53 01 00 04 22 00 01 80"));
        assertEquals(DecodeError.INVALID_UTF8, decode("53 01 00 05 22 00 02 c0 af"));
        assertEquals(DecodeError.INVALID_UTF8, decode("53 01 00 06 22 00 03 ed a0 80"));
        assertEquals(DecodeError.INVALID_UTF8, decode("53 01 00 05 22 00 02 e2 82"));
        // ...also inside a string value and a map key.
        assertEquals(DecodeError.INVALID_UTF8, decode("53 01 00 08 21 08 00 01 2f 00 01 ff"));
        assertEquals(DecodeError.INVALID_UTF8, decode("53 01 00 0b 21 0b 00 01 2f 00 01 00 01 ff 00"));
        // Valid multi-byte UTF-8 passes: "é" and "😀".
        assertEquals(DecodeError.OK, decode("53 01 00 05 22 00 02 c3 a9"));
        assertEquals(DecodeError.OK, decode("53 01 00 07 22 00 04 f0 9f 98 80"));
        assertEquals("😀", decoder.get().address());
        // A bundle inside a bundle.
        assertEquals(DecodeError.TOO_DEEP, decode("53 01 00 0a 30 00 00 01 00 04 30 00 00 00"));
        // PUBLISH indicator 3.
        assertEquals(DecodeError.MALFORMED_FIELD, decode("53 01 00 06 20 20 00 01 2f 03"));
        // Compact bundle with a MessagePack item.
        assertEquals(DecodeError.BAD_BUNDLE_ITEM, decode("53 01 00 07 30 00 00 01 00 01 80"));
        // Empty bundle item.
        assertEquals(DecodeError.EMPTY_PAYLOAD, decode("53 01 00 06 30 00 00 01 00 00"));
        // A bundle item that is itself invalid.
        assertEquals(DecodeError.UNKNOWN_MESSAGE_TYPE, decode("53 01 00 07 30 00 00 01 00 01 7f"));
        // MessagePack that is not a CLASP message.
        assertEquals(DecodeError.BAD_MESSAGEPACK, decode("53 01 00 01 80"));
        // Caller passes a length beyond the buffer.
        assertEquals(DecodeError.BAD_ARGUMENT, decoder.decode(Hex.buffer(GoldenVectorTest.PING), 0, 6));
        assertEquals(DecodeError.BAD_ARGUMENT, decoder.decode(Hex.buffer(GoldenVectorTest.PING), -1, 2));
        assertEquals(-1, decoder.type());
        for (int code = 1; code <= DecodeError.BAD_ARGUMENT; code++)
        {
            assertFalse(DecodeError.describe(code).startsWith("unknown decode error"));
        }
    }

    @Test
    void truncationInsideEveryOptionalField()
    {
        // SET claims a revision but ends after the value.
        assertEquals(DecodeError.TRUNCATED, decode("53 01 00 0c 21 85 00 01 2f 00 00 00 00 00 00 00"));
        // SUBSCRIBE claims epsilon but ends.
        assertEquals(DecodeError.TRUNCATED, decode("53 01 00 0b 10 00 00 00 01 00 01 2f ff 02 3f"));
        // SNAPSHOT entry count 2 with one entry.
        final String snapshot = GoldenVectorTest.E7_SNAPSHOT.replace("53 01 00 59 23 00 01", "53 01 00 59 23 00 02");
        assertEquals(DecodeError.TRUNCATED, decode(snapshot));
        // Samples count past the end.
        assertEquals(DecodeError.TRUNCATED, decode("53 01 00 08 20 20 00 01 2f 02 00 05"));
    }

    @Test
    void enumerationsDecodeLikeTheReference()
    {
        // PUBLISH signal code 7 reads as event; phase 6 as start.
        assertEquals(DecodeError.OK, decode("53 01 00 06 20 e6 00 01 2f 00"));
        assertEquals(SignalType.EVENT, decoder.publish().signal());
        assertEquals(GesturePhase.START, decoder.publish().phase());
        // Rate is read when at least four bytes remain, and relayed.
        assertEquals(DecodeError.OK, decode("53 01 00 0a 20 40 00 01 2f 00 00 00 00 3c"));
        assertTrue(decoder.publish().hasRate());
        assertEquals(60, decoder.publish().rate());
        final int length = PublishEncoder.relay(decoder.publish(), Qos.FIRE, out, 0);
        assertEquals(Hex.normalise("53 01 00 0a 20 40 00 01 2f 00 00 00 00 3c"), Hex.of(out, 0, length));

        assertEquals(0x01, SignalType.maskBit(SignalType.PARAM));
        assertEquals(0x10, SignalType.maskBit(SignalType.TIMELINE));
        assertEquals(0x80, SignalType.featureBit(SignalType.PARAM));
        assertEquals(0x08, SignalType.featureBit(SignalType.TIMELINE));
        assertEquals(0xF8, SignalType.featureBit(0) | SignalType.featureBit(1) | SignalType.featureBit(2) |
            SignalType.featureBit(3) | SignalType.featureBit(4));
        assertTrue(SignalType.maskAllows(0x00, SignalType.STREAM));
        assertTrue(SignalType.maskAllows(0xFF, SignalType.STREAM));
        assertFalse(SignalType.maskAllows(0x01, SignalType.STREAM));
        assertEquals(0x41, Frame.flags(Qos.CONFIRM));
        assertEquals(Qos.COMMIT, Frame.qosOf(0x81));
        assertEquals("FEDERATION_SYNC", MessageType.name(MessageType.FEDERATION_SYNC));
        assertEquals(MessageType.RESULT, MessageType.fromName("RESULT"));
    }

    @Test
    void encodersRefuseWhatDoesNotFit()
    {
        // Fixed buffer too small.
        final UnsafeBuffer small = new UnsafeBuffer(new byte[10]);
        assertEquals(Frame.DOES_NOT_FIT, WelcomeEncoder.encode(small, 0, 0xF8, 1, "s", "n", ""));
        assertEquals(Frame.DOES_NOT_FIT, PongEncoder.encode(small, 6));
        // Expandable buffers grow instead.
        final ExpandableArrayBuffer expandable = new ExpandableArrayBuffer(8);
        assertTrue(WelcomeEncoder.encode(expandable, 0, 0xF8, 1, GoldenVectorTest.SID, "Clasp Router", "") > 8);

        // A SET of 16 000 i8 values is a legal 16 kB payload, but widened to i64 it would not fit a frame.
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
        final int count = 16_000;
        final int payload = 2 + 2 + 1 + 2 + count * 2;
        frame.putByte(0, (byte)Frame.MAGIC);
        frame.putByte(1, (byte)1);
        frame.putShort(2, (short)payload, java.nio.ByteOrder.BIG_ENDIAN);
        frame.putByte(4, (byte)MessageType.SET);
        frame.putByte(5, (byte)ValueType.ARRAY);
        frame.putShort(6, (short)1, java.nio.ByteOrder.BIG_ENDIAN);
        frame.putByte(8, (byte)'/');
        frame.putShort(9, (short)count, java.nio.ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < count; i++)
        {
            frame.putByte(11 + 2 * i, (byte)ValueType.I8);
            frame.putByte(12 + 2 * i, (byte)i);
        }
        assertEquals(DecodeError.OK, decoder.decode(frame, 0, 4 + payload));
        assertEquals(2 + count * 9, decoder.set().value().canonicalDataLength());
        assertEquals(Frame.DOES_NOT_FIT, SetEncoder.broadcast(decoder.set(), 1, out, 0));
    }

    @Test
    void snapshotEncoderChunksByEntriesAndBytes()
    {
        final SnapshotEncoder encoder = new SnapshotEncoder().begin(out, 0, Qos.FIRE, 200, 3);
        int added = 0;
        while (encoder.addEntry("/x/" + added, (long)added, 1, null, null))
        {
            added++;
        }
        assertEquals(3, added, "entry limit");
        encoder.finish();
        assertEquals(DecodeError.OK, decoder.decode(out, 0, encoder.payloadLength() + Frame.HEADER_LENGTH));
        assertEquals(3, decoder.snapshot().count());
        assertEquals("/x/2", decoder.snapshot().entry(2).address());
        assertEquals("/x/0", decoder.snapshot().entry(0).address());

        encoder.begin(out, 0, Qos.FIRE, 60, 800);
        added = 0;
        while (encoder.addEntry("/long/address/" + added, 1.5, 7, "writer", 5L))
        {
            added++;
        }
        assertTrue(encoder.payloadLength() <= 60, "byte limit");
        assertEquals(1, added);
        final int length = encoder.finish();
        assertEquals(DecodeError.OK, decoder.decode(out, 0, length));
        assertEquals(1, decoder.snapshot().count());
    }

    @Test
    void messageCodecBundleOfManySetsDecodesItemByItem()
    {
        final List<to.clasp.protocol.message.Message> sets = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            sets.add(new SetMessage("/b/" + i, (long)i, null, false, false, null));
        }
        final int length = MessageCodec.encode(new to.clasp.protocol.message.BundleMessage(null, sets), 2, out, 0);
        assertEquals(DecodeError.OK, decoder.decode(out, 0, length));
        final BundleDecoder bundle = decoder.bundle();
        assertEquals(40, bundle.count());
        final FrameDecoder item = new FrameDecoder();
        for (int i = 0; i < 40; i++)
        {
            assertEquals(DecodeError.OK, item.decodePayload(decoder.payload(), bundle.itemOffset(i), bundle.itemLength(i)));
            assertEquals("/b/" + i, item.set().address());
            assertEquals(i, item.set().value().asLong());
            assertEquals(Qos.FIRE, item.qos());
        }
    }
}
