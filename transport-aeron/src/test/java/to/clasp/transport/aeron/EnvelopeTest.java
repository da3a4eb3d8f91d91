package to.clasp.transport.aeron;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import to.clasp.transport.aeron.sbe.ConnectDecoder;
import to.clasp.transport.aeron.sbe.MessageHeaderDecoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SBE envelope in isolation: batches round-trip frame for frame, a corrupt envelope is refused without reading
 * outside the message, control messages decode with the generated flyweights, idle strategies parse.
 */
class EnvelopeTest
{
    @Test
    void batchCarriesFramesInOrderAndStopsAtTheSoftLimit()
    {
        final FrameBatch batch = new FrameBatch(256);
        batch.reset();
        final List<byte[]> sent = new ArrayList<>();
        int i = 0;
        while (!batch.isFull())
        {
            final byte[] frame = frame(i++, 10 + i % 7);
            sent.add(frame);
            batch.onFrame(new UnsafeBuffer(frame), 0, frame.length);
        }
        batch.seal();
        assertTrue(batch.length() >= 256 && batch.length() < 256 + 64, "overshoots by at most one frame");
        assertEquals(sent.size(), batch.frameCount());

        final List<byte[]> got = new ArrayList<>();
        final int count = new FramesReader().forEach(batch.buffer(), 0, batch.length(), (b, o, l) ->
        {
            final byte[] bytes = new byte[l];
            b.getBytes(o, bytes);
            got.add(bytes);
        });
        assertEquals(sent.size(), count);
        for (int k = 0; k < sent.size(); k++)
        {
            assertArrayEquals(sent.get(k), got.get(k), "frame " + k);
        }
    }

    @Test
    void corruptEnvelopesAreRefusedWithinTheirBounds()
    {
        final FrameBatch batch = new FrameBatch(1024);
        batch.reset();
        for (int i = 0; i < 3; i++)
        {
            final byte[] frame = frame(i, 20);
            batch.onFrame(new UnsafeBuffer(frame), 0, frame.length);
        }
        batch.seal();
        final int length = batch.length();
        final FramesReader reader = new FramesReader();
        final int[] delivered = new int[1];

        // Truncated: the last frame's bytes are missing.
        delivered[0] = 0;
        assertEquals(-1, reader.forEach(batch.buffer(), 0, length - 5, (b, o, l) -> delivered[0]++));
        assertEquals(2, delivered[0], "frames before the fault are delivered, none after");

        // A frame length far beyond the message.
        final UnsafeBuffer lying = new UnsafeBuffer(new byte[length]);
        lying.putBytes(0, batch.buffer(), 0, length);
        lying.putInt(FrameBatch.ENVELOPE_OVERHEAD, Integer.MAX_VALUE, ByteOrder.LITTLE_ENDIAN);
        delivered[0] = 0;
        assertEquals(-1, reader.forEach(lying, 0, length, (b, o, l) -> delivered[0]++));
        assertEquals(0, delivered[0]);

        // A count larger than the entries present.
        lying.putBytes(0, batch.buffer(), 0, length);
        lying.putShort(MessageHeaderDecoder.ENCODED_LENGTH + 2, (short)9, ByteOrder.LITTLE_ENDIAN);
        assertEquals(-1, reader.forEach(lying, 0, length, (b, o, l) -> { }));

        // Too short for even the group header.
        assertEquals(-1, reader.forEach(batch.buffer(), 0, MessageHeaderDecoder.ENCODED_LENGTH + 1, (b, o, l) -> { }));
    }

    @Test
    void controlMessagesDecodeWithTheGeneratedFlyweights()
    {
        final EnvelopeEncoder encoder = new EnvelopeEncoder();
        final int length = encoder.connect("aeron:udp?endpoint=10.0.0.2:40123", 1002, "desk ü");
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(encoder.buffer(), 0);
        assertEquals(ConnectDecoder.TEMPLATE_ID, header.templateId());
        assertEquals(MessageHeaderDecoder.SCHEMA_ID, header.schemaId());
        final ConnectDecoder connect = new ConnectDecoder().wrapAndApplyHeader(encoder.buffer(), 0, header);
        assertEquals(1002, connect.responseStreamId());
        assertEquals(EnvelopeEncoder.PROTOCOL_VERSION, connect.protocolVersion());
        assertEquals("aeron:udp?endpoint=10.0.0.2:40123", connect.responseChannel());
        assertEquals("desk ü", connect.clientName());
        assertEquals(length, connect.limit());

        final String longName = "x".repeat(5000);
        encoder.connect("aeron:udp?endpoint=h:1", 1, longName);
        final ConnectDecoder clipped = new ConnectDecoder().wrapAndApplyHeader(encoder.buffer(), 0,
            new MessageHeaderDecoder().wrap(encoder.buffer(), 0));
        clipped.responseChannel();
        assertEquals(EnvelopeEncoder.MAX_TEXT, clipped.clientName().length(), "text is clipped to the schema limit");
    }

    @Test
    void idleStrategiesParseFromConfiguration()
    {
        assertTrue(IdleStrategies.parse("spin") instanceof BusySpinIdleStrategy);
        assertTrue(IdleStrategies.parse("backoff") instanceof BackoffIdleStrategy);
        assertTrue(IdleStrategies.parse("park") instanceof BackoffIdleStrategy);
        assertTrue(IdleStrategies.parse(" Park:20 ") instanceof BackoffIdleStrategy);
        assertTrue(IdleStrategies.parse("sleep:100") instanceof SleepingIdleStrategy);
        for (final String bad : new String[]{"nap", "sleep", "park:0", "park:x", "spin:3", "sleep:2000000"})
        {
            assertThrows(IllegalArgumentException.class, () -> IdleStrategies.parse(bad), bad);
        }
        assertFalse(IdleStrategies.DEFAULT.isEmpty());
        IdleStrategies.parse(IdleStrategies.DEFAULT);
    }

    @Test
    void longestIdleOfEachStrategyBoundsAHostedCoresTimerWait()
    {
        assertEquals(1_000_000, IdleStrategies.maxIdleNs(IdleStrategies.DEFAULT), "park:1000 parks at most 1 ms");
        assertEquals(50_000, IdleStrategies.maxIdleNs("park"));
        assertEquals(20_000, IdleStrategies.maxIdleNs(" Park:20 "));
        assertEquals(1_000_000_000L, IdleStrategies.maxIdleNs("sleep:1000000"));
        assertEquals(BackoffIdleStrategy.DEFAULT_MAX_PARK_PERIOD_NS, IdleStrategies.maxIdleNs("backoff"));
        assertEquals(0, IdleStrategies.maxIdleNs("spin"));
        assertEquals(0, IdleStrategies.maxIdleNs("yield"));
    }

    @Test
    void responseAddressIsTheInterfaceTowardsTheRouter()
    {
        assertEquals("127.0.0.1", AeronClientTransport.Context.localAddressTowards("127.0.0.1:7331"));
        assertEquals("127.0.0.1", AeronClientTransport.Context.localAddressTowards("0.0.0.0:7331"));
        if (hasIpv6Loopback())
        {
            assertEquals("[0:0:0:0:0:0:0:1]", AeronClientTransport.Context.localAddressTowards("[::1]:7331"),
                "IPv6 in brackets, as Aeron channel URIs need");
        }
        else
        {
            System.out.println("EnvelopeTest: no IPv6 loopback on this host; the IPv6 response address is not checked");
        }
    }

    private static boolean hasIpv6Loopback()
    {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(
            new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 0)))
        {
            return true;
        }
        catch (final java.io.IOException ex)
        {
            return false;
        }
    }

    private static byte[] frame(final int seq, final int length)
    {
        final byte[] bytes = new byte[length];
        bytes[0] = 0x53;
        for (int i = 1; i < length; i++)
        {
            bytes[i] = (byte)(seq * 31 + i);
        }
        return bytes;
    }
}
