package to.clasp.protocol;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every hex example in wire-protocol.md §10 (E1-E13): decodes to the documented fields, and the frames the router
 * sends are produced byte for byte by the encoders.
 */
class GoldenVectorTest
{
    static final long T = 1700000000000000L;
    static final String T_HEX = "00 06 0a 24 18 1e 40 00";
    static final String SID = "8c2f3a1e-5b7d-4e2a-9f10-3c4d5e6f7a8b";
    static final String SID_HEX = "00 24 38 63 32 66 33 61 31 65 2d 35 62 37 64 2d 34 65 32 61 2d" +
        " 39 66 31 30 2d 33 63 34 64 35 65 36 66 37 61 38 62";
    static final String TEMP = "00 14 2f 73 65 6e 73 6f 72 73 2f 74 65 6d 70 65 72 61 74 75 72 65";

    static final String E1 = "53 01 00 16 01 01 e0 00 0f 43 4c 41 53 50 20 4a 53 20 43 6c 69 65 6e 74 00 00";
    static final String E2 = "53 01 00 1a 01 01 e0 00 13 43 4c 41 53 50 20 50 79 74 68 6f 6e 20 43 6c 69 65 6e 74 00 00";
    static final String E3 = "53 01 00 41 02 01 f8" + T_HEX + SID_HEX +
        "00 0c 43 6c 61 73 70 20 52 6f 75 74 65 72 00 00";
    static final String EMPTY_SNAPSHOT = "53 01 00 03 23 00 00";
    static final String E4_JS = "53 41 00 20 21 07" + TEMP + "40 35 80 00 00 00 00 00";
    static final String E4_PY = "53 01 00 20 21 07" + TEMP + "40 35 80 00 00 00 00 00";
    static final String E5 = "53 41 00 28 21 87" + TEMP + "40 35 80 00 00 00 00 00 00 00 00 00 00 00 00 01";
    static final String E6 = "53 01 00 20 50 03 00 14 2f 73 65 6e 73 6f 72 73 2f 74 65 6d 70 65 72 61 74 75 72 65" +
        " 00 00 00 00 00 00 00 01";
    static final String E7_GET = "53 01 00 17 22 00 14 2f 73 65 6e 73 6f 72 73 2f 74 65 6d 70 65 72 61 74 75 72 65";
    static final String E7_SNAPSHOT = "53 01 00 59 23 00 01" + TEMP + "07 40 35 80 00 00 00 00 00" +
        "00 00 00 00 00 00 00 03 03" + SID_HEX + T_HEX;
    static final String E8_SET = "53 01 00 13 21 05 00 07 2f 70 79 2f 69 6e 74 00 00 00 00 00 00 00 2a";
    static final String E8_BROADCAST =
        "53 41 00 1b 21 85 00 07 2f 70 79 2f 69 6e 74 00 00 00 00 00 00 00 2a 00 00 00 00 00 00 00 01";
    static final String E9_SUBSCRIBE = "53 01 00 14 10 00 00 00 01 00 0b 2f 73 65 6e 73 6f 72 73 2f 2a 2a ff 00";
    static final String E9_UNSUBSCRIBE = "53 01 00 05 11 00 00 00 01";
    static final String E9_PY_SUBSCRIBE = "53 01 00 1e 10 00 00 00 02 00 05 2f 73 2f 2a 2a ff 07 00 00 00 1e" +
        " 3f e0 00 00 00 00 00 00 00 00 00 03";
    static final String E10_JS = "53 41 00 15 20 30 00 07 2f 63 75 65 2f 67 6f 01 00 00 06 0a 24 18 1e 40 00";
    static final String E10_PY = "53 01 00 14 20 30 00 07 2f 63 75 65 2f 67 6f 00 00 06 0a 24 18 1e 40 00";
    static final String E10_GESTURE = "53 01 00 22 20 79 00 02 2f 67 01 0b 00 01 00 01 78 07 3f f0 00 00 00 00 00 00" +
        " 00 06 0a 24 18 1e 40 00 00 00 00 07";
    static final String E11_JS = "53 81 00 1f 30 00 00 02 00 10 21 07 00 04 2f 6c 2f 31 3f f0 00 00 00 00 00 00" +
        " 00 07 20 20 00 02 2f 65 00";
    static final String E11_PY = "53 01 00 48 83 a4 74 79 70 65 a6 42 55 4e 44 4c 45 a9 74 69 6d 65 73 74 61 6d 70 c0" +
        " a8 6d 65 73 73 61 67 65 73 91 83 a4 74 79 70 65 a3 53 45 54 a7 61 64 64 72 65 73 73 a4 2f 6c 2f 31 a5 76 61 6c" +
        " 75 65 cb 3f f0 00 00 00 00 00 00";
    static final String E11_QUERY = "53 01 00 18 82 a4 74 79 70 65 a5 51 55 45 52 59 a7 70 61 74 74 65 72 6e a3 2f 2a 2a";
    static final String EMPTY_RESULT = "53 01 00 03 61 00 00";
    static final String E12_ERROR = "53 01 00 35 51 01 90 00 2b 52 65 76 69 73 69 6f 6e 43 6f 6e 66 6c 69 63 74 20 7b" +
        " 20 65 78 70 65 63 74 65 64 3a 20 35 2c 20 61 63 74 75 61 6c 3a 20 33 20 7d 01 00 02 2f 61";
    static final String PING = "53 01 00 01 41";
    static final String PONG = "53 01 00 01 42";

    private final FrameDecoder decoder = new FrameDecoder();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);

    private int decode(final String hex)
    {
        final UnsafeBuffer frame = Hex.buffer(hex);
        return decoder.decode(frame, 0, frame.capacity());
    }

    private static UnsafeBuffer utf8(final String s)
    {
        return new UnsafeBuffer(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private void assertEncoded(final String expectedHex, final int length)
    {
        assertEquals(Hex.normalise(expectedHex), Hex.of(out, 0, length));
    }

    @Test
    void e1HelloFromJs()
    {
        assertEquals(DecodeError.OK, decode(E1));
        assertEquals(MessageType.HELLO, decoder.type());
        assertEquals(Qos.FIRE, decoder.qos());
        assertFalse(decoder.messagePack());
        final HelloDecoder hello = decoder.hello();
        assertEquals(1, hello.version());
        assertEquals(0xE0, hello.features());
        assertEquals("CLASP JS Client", hello.name());
        assertEquals(0, hello.tokenLength());
        assertEncoded(E1, HelloEncoder.encode(out, 0, 1, 0xE0, "CLASP JS Client", null));
    }

    @Test
    void e2HelloFromPython()
    {
        assertEquals(DecodeError.OK, decode(E2));
        assertEquals("CLASP Python Client", decoder.hello().name());
        assertEquals(0xE0, decoder.hello().features());
        assertEquals("", decoder.hello().token());
    }

    @Test
    void e3WelcomeAndEmptySnapshot()
    {
        assertEquals(DecodeError.OK, decode(E3));
        final WelcomeDecoder welcome = decoder.welcome();
        assertEquals(1, welcome.version());
        assertEquals(0xF8, welcome.features());
        assertEquals(T, welcome.time());
        assertEquals(SID, welcome.session());
        assertEquals("Clasp Router", welcome.name());
        assertEquals(0, welcome.tokenLength());

        final UnsafeBuffer sid = utf8(SID);
        final UnsafeBuffer name = utf8("Clasp Router");
        final int length = WelcomeEncoder.encode(out, 0, 1, WelcomeEncoder.DEFAULT_FEATURES, T,
            sid, 0, sid.capacity(), name, 0, name.capacity(), null, 0, 0);
        assertEquals(69, length);
        assertEncoded(E3, length);
        assertEncoded(E3, WelcomeEncoder.encode(out, 0, 0xF8, T, SID, "Clasp Router", null));

        assertEquals(DecodeError.OK, decode(EMPTY_SNAPSHOT));
        assertEquals(MessageType.SNAPSHOT, decoder.type());
        assertEquals(0, decoder.snapshot().count());
        assertEncoded(EMPTY_SNAPSHOT, SnapshotEncoder.encodeEmpty(out, 0));
        assertEncoded(EMPTY_SNAPSHOT, new SnapshotEncoder().begin(out, 0).finish());
    }

    @Test
    void e4SetFromJsAndPythonAndE5Broadcast()
    {
        for (final String hex : new String[]{ E4_JS, E4_PY })
        {
            assertEquals(DecodeError.OK, decode(hex));
            assertEquals(MessageType.SET, decoder.type());
            final SetDecoder set = decoder.set();
            assertEquals("/sensors/temperature", set.address());
            assertEquals(ValueType.F64, set.value().type());
            assertEquals(21.5, set.value().asDouble());
            assertFalse(set.hasRevision());
            assertFalse(set.lock());
            assertFalse(set.unlock());
            assertFalse(set.hasTtl());
            assertEncoded(E5, SetEncoder.broadcast(set, 1, out, 0));
        }
        assertEquals(Qos.FIRE, decoder.qos());
        decode(E4_JS);
        assertEquals(Qos.CONFIRM, decoder.qos());
        assertEncoded(E4_JS, SetEncoder.encode(out, 0, Qos.CONFIRM, "/sensors/temperature", 21.5, 0, 0, 0));

        assertEquals(DecodeError.OK, decode(E5));
        assertTrue(decoder.set().hasRevision());
        assertEquals(1, decoder.set().revision());
    }

    @Test
    void e6Ack()
    {
        assertEquals(DecodeError.OK, decode(E6));
        final AckDecoder ack = decoder.ack();
        assertEquals("/sensors/temperature", ack.address());
        assertTrue(ack.hasRevision());
        assertEquals(1, ack.revision());
        assertFalse(ack.hasLocked());
        assertFalse(ack.hasHolder());
        assertFalse(ack.hasCorrelationId());
        final UnsafeBuffer address = utf8("/sensors/temperature");
        assertEncoded(E6, AckEncoder.setAck(out, 0, address, 0, address.capacity(), 1));
    }

    @Test
    void e7GetAndSnapshotReply()
    {
        assertEquals(DecodeError.OK, decode(E7_GET));
        assertEquals(MessageType.GET, decoder.type());
        assertEquals("/sensors/temperature", decoder.get().address());

        assertEquals(DecodeError.OK, decode(E7_SNAPSHOT));
        final SnapshotDecoder snapshot = decoder.snapshot();
        assertEquals(1, snapshot.count());
        snapshot.entry(0);
        assertEquals("/sensors/temperature", snapshot.address());
        assertEquals(ValueType.F64, snapshot.value().type());
        assertEquals(21.5, snapshot.value().asDouble());
        assertEquals(3, snapshot.revision());
        assertEquals(SID, snapshot.writer());
        assertTrue(snapshot.hasTimestamp());
        assertEquals(T, snapshot.timestamp());

        // The router's form: address bytes, canonical value bytes from its store, writer bytes, timestamp.
        final UnsafeBuffer address = utf8("/sensors/temperature");
        final UnsafeBuffer value = Hex.buffer("07 40 35 80 00 00 00 00 00");
        final UnsafeBuffer writer = utf8(SID);
        final SnapshotEncoder encoder = new SnapshotEncoder().begin(out, 0);
        assertTrue(encoder.addEntry(address, 0, address.capacity(), value, 0, value.capacity(), 3,
            writer, 0, writer.capacity(), true, T));
        final int length = encoder.finish();
        assertEquals(93, length);
        assertEncoded(E7_SNAPSHOT, length);
    }

    @Test
    void e8PythonIntSetAndBroadcastStayInt()
    {
        assertEquals(DecodeError.OK, decode(E8_SET));
        final SetDecoder set = decoder.set();
        assertEquals("/py/int", set.address());
        assertEquals(ValueType.I64, set.value().type());
        assertEquals(42L, set.value().asLong());
        assertEquals(42L, set.value().toObject());
        assertEncoded(E8_BROADCAST, SetEncoder.broadcast(set, 1, out, 0));
        assertEncoded(E8_SET, SetEncoder.encode(out, 0, Qos.FIRE, "/py/int", 42L, 0, 0, 0));
    }

    @Test
    void e9SubscribeAndUnsubscribe()
    {
        assertEquals(DecodeError.OK, decode(E9_SUBSCRIBE));
        SubscribeDecoder sub = decoder.subscribe();
        assertEquals(1, sub.id());
        assertEquals("/sensors/**", sub.pattern());
        assertEquals(0xFF, sub.typeMask());
        assertFalse(sub.hasMaxRate());
        assertFalse(sub.hasEpsilon());
        assertFalse(sub.hasHistory());
        assertFalse(sub.hasWindow());
        assertEncoded(E9_SUBSCRIBE, SubscribeEncoder.encode(out, 0, Qos.FIRE, 1, "/sensors/**", 0xFF,
            null, null, null, null));

        assertEquals(DecodeError.OK, decode(E9_UNSUBSCRIBE));
        assertEquals(1, decoder.unsubscribe().id());
        assertEncoded(E9_UNSUBSCRIBE, UnsubscribeEncoder.encode(out, 0, Qos.FIRE, 1));

        assertEquals(DecodeError.OK, decode(E9_PY_SUBSCRIBE));
        sub = decoder.subscribe();
        assertEquals(2, sub.id());
        assertEquals("/s/**", sub.pattern());
        assertTrue(sub.hasMaxRate());
        assertEquals(30, sub.maxRate());
        assertTrue(sub.hasEpsilon());
        assertEquals(0.5, sub.epsilon());
        assertTrue(sub.hasHistory());
        assertEquals(3, sub.history());
        assertFalse(sub.hasWindow());
        assertEncoded(E9_PY_SUBSCRIBE, SubscribeEncoder.encode(out, 0, Qos.FIRE, 2, "/s/**", 0xFF,
            30L, 0.5, 3L, null));
    }

    @Test
    void e10EmitAndGesture()
    {
        assertEquals(DecodeError.OK, decode(E10_JS));
        PublishDecoder publish = decoder.publish();
        assertEquals("/cue/go", publish.address());
        assertEquals(SignalType.EVENT, publish.signal());
        assertEquals(PublishDecoder.INDICATOR_VALUE, publish.indicator());
        assertEquals(ValueType.NULL, publish.value().type());
        assertTrue(publish.hasTimestamp());
        assertEquals(T, publish.timestamp());
        assertFalse(publish.hasGestureId());
        assertFalse(publish.hasRate());
        // Relay at the reference's event QoS reproduces the JS bytes exactly.
        assertEncoded(E10_JS, PublishEncoder.relay(publish, PublishEncoder.relayQos(publish.signal()), out, 0));

        assertEquals(DecodeError.OK, decode(E10_PY));
        publish = decoder.publish();
        assertEquals(PublishDecoder.INDICATOR_NONE, publish.indicator());
        assertEquals(T, publish.timestamp());
        assertEncoded(E10_PY, PublishEncoder.relay(publish, Qos.FIRE, out, 0));

        assertEquals(DecodeError.OK, decode(E10_GESTURE));
        publish = decoder.publish();
        assertEquals("/g", publish.address());
        assertEquals(SignalType.GESTURE, publish.signal());
        assertEquals(GesturePhase.MOVE, publish.phase());
        assertEquals(ValueType.MAP, publish.value().type());
        final Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("x", 1.0);
        assertEquals(expected, publish.value().toObject());
        assertEquals(T, publish.timestamp());
        assertTrue(publish.hasGestureId());
        assertEquals(7, publish.gestureId());
        assertEncoded(E10_GESTURE, PublishEncoder.relay(publish, Qos.FIRE, out, 0));
        assertEncoded(E10_GESTURE, PublishEncoder.encode(out, 0, Qos.FIRE, SignalType.GESTURE, GesturePhase.MOVE,
            "/g", 1, expected, null, T, 7L, null));
    }

    @Test
    void e11BundleFromJs()
    {
        assertEquals(DecodeError.OK, decode(E11_JS));
        assertEquals(Qos.COMMIT, decoder.qos());
        final BundleDecoder bundle = decoder.bundle();
        assertFalse(bundle.hasTimestamp());
        assertEquals(2, bundle.count());
        final FrameDecoder item = new FrameDecoder();
        assertEquals(DecodeError.OK, item.decodePayload(decoder.payload(), bundle.itemOffset(0), bundle.itemLength(0)));
        assertEquals(MessageType.SET, item.type());
        assertEquals("/l/1", item.set().address());
        assertEquals(1.0, item.set().value().asDouble());
        assertEquals(ValueType.F64, item.set().value().type());
        assertEquals(DecodeError.OK, item.decodePayload(decoder.payload(), bundle.itemOffset(1), bundle.itemLength(1)));
        assertEquals(MessageType.PUBLISH, item.type());
        assertEquals("/e", item.publish().address());
        assertEquals(SignalType.EVENT, item.publish().signal());
        assertEquals(PublishDecoder.INDICATOR_NONE, item.publish().indicator());
        assertFalse(item.publish().hasTimestamp());

        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
        final BundleEncoder encoder = new BundleEncoder().begin(out, 0, Qos.COMMIT, false, 0);
        int n = SetEncoder.encode(scratch, 0, Qos.FIRE, "/l/1", 1.0, 0, 0, 0);
        assertTrue(encoder.addFrame(scratch, 0, n));
        n = PublishEncoder.encode(scratch, 0, Qos.FIRE, SignalType.EVENT, GesturePhase.START, "/e", 0, null, null,
            null, null, null);
        assertTrue(encoder.addFrame(scratch, 0, n));
        assertEncoded(E11_JS, encoder.finish());
    }

    @Test
    void e11BundleFromPythonAsMessagePack()
    {
        assertEquals(DecodeError.OK, decode(E11_PY));
        assertEquals(MessageType.BUNDLE, decoder.type());
        assertTrue(decoder.messagePack());
        assertEquals(Qos.FIRE, decoder.qos());
        final BundleDecoder bundle = decoder.bundle();
        assertFalse(bundle.hasTimestamp(), "timestamp nil means absent");
        assertEquals(1, bundle.count());
        final FrameDecoder item = new FrameDecoder();
        assertEquals(DecodeError.OK, item.decodePayload(decoder.payload(), bundle.itemOffset(0), bundle.itemLength(0)));
        assertEquals(MessageType.SET, item.type());
        assertEquals("/l/1", item.set().address());
        assertEquals(ValueType.F64, item.set().value().type(), "MessagePack float stays Float");
        assertEquals(1.0, item.set().value().asDouble());
        // The transcoded payload is exactly what a compact-binary client would send for the same bundle.
        assertEquals(Hex.normalise("30 00 00 01 00 10 21 07 00 04 2f 6c 2f 31 3f f0 00 00 00 00 00 00"),
            Hex.of(decoder.payload(), decoder.payloadOffset(), decoder.payloadLength()));
    }

    @Test
    void e11QueryFromPythonAsMessagePack()
    {
        assertEquals(DecodeError.OK, decode(E11_QUERY));
        assertEquals(MessageType.QUERY, decoder.type());
        assertTrue(decoder.messagePack());
        assertEquals("/**", decoder.query().pattern());
        assertEquals(3, decoder.query().patternLength());
    }

    @Test
    void e11EmptyResult()
    {
        assertEquals(DecodeError.OK, decode(EMPTY_RESULT));
        assertEquals(MessageType.RESULT, decoder.type());
        assertEquals(0, decoder.result().count());
        assertEncoded(EMPTY_RESULT, ResultEncoder.encodeEmpty(out, 0));
        assertEncoded(EMPTY_RESULT, new ResultEncoder().begin(out, 0, Qos.FIRE).finish());
    }

    @Test
    void e12ErrorPingPongSync()
    {
        assertEquals(DecodeError.OK, decode(E12_ERROR));
        final ErrorDecoder error = decoder.error();
        assertEquals(400, error.code());
        assertEquals("RevisionConflict { expected: 5, actual: 3 }", error.message());
        assertEquals("/a", error.address());
        assertFalse(error.hasCorrelationId());
        assertEncoded(E12_ERROR, ErrorEncoder.encode(out, 0, 400, "RevisionConflict { expected: 5, actual: 3 }",
            "/a", null));

        assertEquals(DecodeError.OK, decode(PING));
        assertEquals(MessageType.PING, decoder.type());
        assertEncoded(PING, PingEncoder.encode(out, 0));
        assertEquals(DecodeError.OK, decode(PONG));
        assertEquals(MessageType.PONG, decoder.type());
        assertEncoded(PONG, PongEncoder.encode(out, 0));

        final String syncReply = "53 01 00 1a 40 03 00 00 00 00 00 00 00 0b" + T_HEX + "00 06 0a 24 18 1e 40 07";
        assertEncoded(syncReply, SyncEncoder.reply(out, 0, 11, T, T + 7));
        assertEquals(DecodeError.OK, decode(syncReply));
        final SyncDecoder sync = decoder.sync();
        assertEquals(11, sync.t1());
        assertTrue(sync.hasT2());
        assertEquals(T, sync.t2());
        assertTrue(sync.hasT3());
        assertEquals(T + 7, sync.t3());
    }

    @Test
    void e13CaptureFromJsSession()
    {
        assertEquals(DecodeError.OK, decode("53 01 00 0e 01 01 e0 00 07 \"js-test\" 00 00"));
        assertEquals("js-test", decoder.hello().name());

        final String welcome = "53 01 00 40 02 01 f8" + T_HEX + SID_HEX + "00 0b \"Mini Router\" 00 00";
        assertEquals(DecodeError.OK, decode(welcome));
        assertEquals("Mini Router", decoder.welcome().name());
        assertEncoded(welcome, WelcomeEncoder.encode(out, 0, 0xF8, T, SID, "Mini Router", ""));

        assertEquals(DecodeError.OK, decode("53 01 00 14 10 00 00 00 01 00 0b \"/sensors/**\" ff 00"));
        assertEquals("/sensors/**", decoder.subscribe().pattern());
        assertEquals(DecodeError.OK, decode("53 41 00 20 21 07 00 14 \"/sensors/temperature\" 40 35 80 00 00 00 00 00"));
        assertEquals(21.5, decoder.set().value().asDouble());
        assertEquals(DecodeError.OK, decode("53 01 00 0a 22 00 07 \"/py/int\""));
        assertEquals("/py/int", decoder.get().address());

        final String snapshot = "53 01 00 4c 23 00 01 00 07 \"/py/int\" 05 00 00 00 00 00 00 00 2a" +
            " 00 00 00 00 00 00 00 01 03" + SID_HEX + T_HEX;
        assertEquals(DecodeError.OK, decode(snapshot));
        final SnapshotDecoder s = decoder.snapshot().entry(0);
        assertEquals("/py/int", s.address());
        assertEquals(ValueType.I64, s.value().type());
        assertEquals(42L, s.value().asLong());
        final SnapshotEncoder encoder = new SnapshotEncoder().begin(out, 0);
        assertTrue(encoder.addEntry("/py/int", 42L, 1, SID, T));
        assertEncoded(snapshot, encoder.finish());
    }
}
