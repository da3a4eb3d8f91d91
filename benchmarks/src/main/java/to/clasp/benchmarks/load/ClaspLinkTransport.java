package to.clasp.benchmarks.load;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import to.clasp.client.ClientTransport;
import to.clasp.transport.aeron.AeronClientTransport;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CLASP over any {@link ClientTransport} link — here the Aeron client, whose {@code send} copies a frame into a
 * ring that its agent drains in batches, so pre-encoded frames through it are already the cheap path. All links
 * share the one transport (one agent thread and embedded media driver for the whole generator).
 */
public final class ClaspLinkTransport implements Transport
{
    private static final long TIMEOUT_MS = 10_000;
    private static final byte[] PING = ClaspFrames.ping(false);

    private final String name;
    private final ClientTransport transport;
    private final ClaspFrames frames;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private final byte[] hello;

    /** @param frames bare CLASP frames ({@code webSocket = false}). */
    public ClaspLinkTransport(final String name, final ClientTransport transport, final ClaspFrames frames)
    {
        this.name = name;
        this.transport = transport;
        this.frames = frames;
        this.hello = ClaspFrames.hello("clasp-bench", false, frames.token());
    }

    public String name()
    {
        return name;
    }

    public long errors()
    {
        return errors.get();
    }

    public Endpoint connect(final Receiver receiver) throws Exception
    {
        final ClaspInbound clasp = new ClaspInbound(receiver, errors);
        final ClientTransport.Link link = transport.open(new ClientTransport.LinkHandler()
        {
            public void onFrame(final DirectBuffer buffer, final int offset, final int length)
            {
                clasp.onFrame(buffer, offset, length);
            }

            public void onClosed(final int code, final String reason)
            {
                clasp.onClosed();
            }
        }).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        link.send(new UnsafeBuffer(hello), 0, hello.length);
        try
        {
            clasp.welcomed.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            link.close();
            throw ex;
        }
        return new LinkEndpoint(link, clasp, connectionIds.incrementAndGet() * 1000);
    }

    /**
     * With the Aeron client, paced runs send from its agent thread (the thread that owns the links), as the WebSocket
     * generator sends from its event loop; max-rate runs keep a generator thread, since blocking the agent would stop
     * it receiving.
     */
    public SendingLoop sendingLoop()
    {
        if (!(transport instanceof AeronClientTransport))
        {
            return null;
        }
        final AeronClientTransport aeron = (AeronClientTransport)transport;
        return new SendingLoop()
        {
            public void execute(final Runnable task)
            {
                aeron.schedule(task, 0);
            }

            public void schedule(final Runnable task, final long delayNs)
            {
                aeron.schedule(task, delayNs);
            }

            public boolean mayBlock()
            {
                return false;
            }
        };
    }

    public void close()
    {
        transport.close();
    }

    private final class LinkEndpoint implements Endpoint
    {
        private final ClientTransport.Link link;
        private final ClaspInbound clasp;
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[65_536]);
        private int nextSubscription;

        LinkEndpoint(final ClientTransport.Link link, final ClaspInbound clasp, final int subscriptionBase)
        {
            this.link = link;
            this.clasp = clasp;
            this.nextSubscription = subscriptionBase;
        }

        public void subscribeAll() throws Exception
        {
            subscribeTo(ClaspFrames.WILDCARD);
        }

        public void subscribe(final int topic) throws Exception
        {
            subscribeTo(ClaspFrames.PREFIX + topic);
        }

        /** SUBSCRIBE then PING; the PONG says the subscription is in place. */
        private void subscribeTo(final String pattern) throws Exception
        {
            final java.util.concurrent.CompletableFuture<Void> pong = clasp.expectPong();
            sendBytes(ClaspFrames.subscribe(nextSubscription++, pattern, false));
            sendBytes(PING);
            pong.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }

        public java.util.concurrent.CompletableFuture<?> roundTrip()
        {
            final java.util.concurrent.CompletableFuture<Void> pong = clasp.expectPong();
            sendBytes(PING);
            return pong;
        }

        private void sendBytes(final byte[] frame)
        {
            if (!link.send(new UnsafeBuffer(frame), 0, frame.length))
            {
                errors.incrementAndGet();
            }
        }

        public void send(final int topic, final long intendedNs, final long sentNs)
        {
            if (frames.confirmed())
            {
                clasp.expectAck(intendedNs, sentNs);
            }
            final byte[] message = frames.message(topic);
            scratch.putBytes(0, message);
            Payload.write(scratch, frames.payloadOffset(topic), intendedNs, sentNs);
            if (!link.send(scratch, 0, message.length))
            {
                errors.incrementAndGet();
            }
        }

        public void flush()
        {
            // the link's agent sends batches on its own duty cycle
        }

        public void close()
        {
            link.close();
        }
    }
}
