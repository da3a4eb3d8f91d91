package to.clasp.transport.aeron;

import java.io.File;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.transport.aeron.sbe.ConnectAckDecoder;
import to.clasp.transport.aeron.sbe.DisconnectDecoder;
import to.clasp.transport.aeron.sbe.FramesEncoder;
import to.clasp.transport.aeron.sbe.MessageHeaderEncoder;
import to.clasp.transport.aeron.sbe.MessageHeaderDecoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The envelope spoken by hand, through a raw Aeron publication, to check the edge's side of the protocol without
 * the project's own client: garbage and bad Connects create nothing; a proper Connect is acknowledged with the
 * configured heartbeat settings; a CLASP frame larger than the router accepts ends the session with 1009.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileEnvelopeTest
{
    private AeronRouterFixture fixture;
    private MediaDriver driver;
    private Aeron aeron;

    @BeforeEach
    void start()
    {
        fixture = AeronRouterFixture.start(r -> r, e -> e.heartbeatIntervalMs(300).heartbeatTimeoutMs(3_000));
        final String dir = new File(System.getProperty("java.io.tmpdir"), "hostile-" + UUID.randomUUID()).getPath();
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context().aeronDirectoryName(dir)
            .threadingMode(ThreadingMode.SHARED).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    }

    @AfterEach
    void stop()
    {
        aeron.close();
        driver.close();
        fixture.close();
    }

    @Test
    void garbageAndBadConnectsCreateNoSessionAndARealClientStillWorks() throws Exception
    {
        final ExclusivePublication pub = connectedPublication();
        final EnvelopeEncoder envelope = new EnvelopeEncoder();
        offer(pub, new UnsafeBuffer(new byte[]{1, 2, 3}), 3);
        offer(pub, new UnsafeBuffer(new byte[64]), 64);
        offer(pub, envelope.buffer(), envelope.connect("aeron:ipc", 1002, "not udp"));
        offer(pub, envelope.buffer(), envelope.connect("aeron:udp?control=127.0.0.1:1", 1002, "no endpoint"));
        offer(pub, envelope.buffer(), envelope.connect("this is not a uri", 1002, "junk"));
        final int truncated = envelope.connect("aeron:udp?endpoint=127.0.0.1:9", 1002, "cut short");
        offer(pub, envelope.buffer(), truncated - 12);
        // The edge reads an image in order: once it has refused the four Connects, it has seen the garbage too.
        await(() -> 4 == fixture.edge().refusedConnects());
        assertEquals(0, fixture.edge().openConnections(), "nothing became a session");

        try (AeronClaspClient client = fixture.client("after-garbage"))
        {
            client.set("/still/ok", 1L);
            assertEquals(1L, client.get("/still/ok").get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void connectIsAcknowledgedAndAnOversizedFrameEndsTheSessionWith1009() throws Exception
    {
        final Subscription responses = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", 1002);
        String endpoint;
        while (null == (endpoint = responses.resolvedEndpoint()))
        {
            Thread.sleep(1);
        }
        final ExclusivePublication pub = connectedPublication();
        final EnvelopeEncoder envelope = new EnvelopeEncoder();
        offer(pub, envelope.buffer(), envelope.connect("aeron:udp?endpoint=" + endpoint, 1002, "by hand"));

        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final int[] ack = new int[2];
        final int[] disconnectCode = {0};
        await(() ->
        {
            responses.poll((buffer, offset, length, h) ->
            {
                header.wrap(buffer, offset);
                if (ConnectAckDecoder.TEMPLATE_ID == header.templateId())
                {
                    final ConnectAckDecoder d = new ConnectAckDecoder().wrapAndApplyHeader(buffer, offset, header);
                    ack[0] = d.heartbeatIntervalMs();
                    ack[1] = d.heartbeatTimeoutMs();
                }
            }, 10);
            return 0 != ack[0];
        });
        assertEquals(300, ack[0]);
        assertEquals(3_000, ack[1]);
        await(() -> 1 == fixture.router().metrics().connections()); // no HELLO yet: a connection, not a session

        final byte[] huge = new byte[70_000];
        huge[0] = 0x53;
        final UnsafeBuffer message = new UnsafeBuffer(new byte[80_000]);
        final FramesEncoder frames = new FramesEncoder().wrapAndApplyHeader(message, 0, new MessageHeaderEncoder());
        frames.entriesCount(1).next().putFrame(huge, 0, huge.length);
        offer(pub, message, frames.limit());

        await(() ->
        {
            responses.poll((buffer, offset, length, h) ->
            {
                header.wrap(buffer, offset);
                if (DisconnectDecoder.TEMPLATE_ID == header.templateId())
                {
                    disconnectCode[0] = new DisconnectDecoder().wrapAndApplyHeader(buffer, offset, header).code();
                }
            }, 10);
            return 0 != disconnectCode[0];
        });
        assertEquals(1009, disconnectCode[0], "message too big");
        await(() -> 0 == fixture.router().metrics().connections());
        assertEquals(0, fixture.edge().openConnections());
    }

    @Test
    void pendingConnectsAreBoundedAndExpire() throws Exception
    {
        fixture.close();
        fixture = AeronRouterFixture.start(r -> r, e -> e.maxPendingConnects(1).connectTimeoutMs(1_000));
        final EnvelopeEncoder envelope = new EnvelopeEncoder();
        // Two clients (two images) name response endpoints where nobody listens: their publications never connect.
        final ExclusivePublication first = connectedPublication();
        offer(first, envelope.buffer(), envelope.connect("aeron:udp?endpoint=127.0.0.1:9", 1002, "one"));
        await(() -> 1 == fixture.edge().openConnections());
        final ExclusivePublication second = connectedPublication();
        offer(second, envelope.buffer(), envelope.connect("aeron:udp?endpoint=127.0.0.1:9", 1002, "two"));
        await(() -> 1 == fixture.edge().refusedConnects());
        assertEquals(1, fixture.edge().openConnections(), "the second Connect is dropped while one is pending");
        await(() -> 0 == fixture.edge().openConnections()); // the pending one times out after 1 s
        assertEquals(0, fixture.router().metrics().connections(), "nothing ever reached the core");
    }

    private ExclusivePublication connectedPublication() throws InterruptedException
    {
        final ExclusivePublication pub = aeron.addExclusivePublication(
            "aeron:udp?endpoint=" + fixture.endpoint() + "|term-length=1m", AeronEdge.Context.STREAM_ID_DEFAULT);
        await(pub::isConnected);
        return pub;
    }

    private static void offer(final ExclusivePublication pub, final org.agrona.DirectBuffer buffer, final int length)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pub.offer(buffer, 0, length) < 0)
        {
            assertTrue(System.nanoTime() < deadline, "offer did not go through");
            Thread.sleep(1);
        }
    }

    private static void await(final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
            Thread.sleep(1);
        }
    }
}
