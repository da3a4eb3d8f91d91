package to.clasp.transport.aeron;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.aeron.ChannelUri;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.RegistrationException;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import to.clasp.client.ClaspException;
import to.clasp.client.ClientTransport;
import to.clasp.transport.aeron.sbe.ConnectAckDecoder;
import to.clasp.transport.aeron.sbe.DisconnectDecoder;
import to.clasp.transport.aeron.sbe.FramesDecoder;
import to.clasp.transport.aeron.sbe.MessageHeaderDecoder;
import to.clasp.transport.aeron.sbe.RejectDecoder;

/**
 * One client session over Aeron: a subscription on the client's response channel, an exclusive publication to the
 * router's endpoint, and the envelope handshake (Connect, ConnectAck or Reject) on top.
 * <p>
 * {@link #send} may be called from any thread: it copies the frame into a many-to-one ring buffer and wakes the
 * client's agent; only the agent offers to the publication, batching whatever accumulated into one envelope. When
 * the publication back-pressures, the ring fills and {@code send} waits for room: the caller feels the router's
 * flow control. Everything else runs on the agent thread.
 */
final class AeronClientLink implements ClientTransport.Link
{
    enum State
    {
        ADDING, AWAIT_PUBLICATION, AWAIT_ACK, OPEN, CLOSED
    }

    private static final int FRAME_MSG_TYPE = 1;
    private static final long CONNECT_RESEND_NS = TimeUnit.MILLISECONDS.toNanos(500);

    private final AeronClientTransport.Context ctx;
    private final AeronRuntime runtime;
    private final AeronClientTransport.ClientAgent agent;
    private final ClientTransport.LinkHandler handler;
    final CompletableFuture<ClientTransport.Link> opened = new CompletableFuture<>();
    private final ManyToOneRingBuffer outbound;
    private final FrameBatch batch;
    private final EnvelopeEncoder envelope = new EnvelopeEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ConnectAckDecoder ackDecoder = new ConnectAckDecoder();
    private final DisconnectDecoder disconnectDecoder = new DisconnectDecoder();
    private final RejectDecoder rejectDecoder = new RejectDecoder();
    private final FramesReader framesReader = new FramesReader();
    private final FramesReader.FrameSink toHandler;
    private final FragmentHandler assembler = new FragmentAssembler(this::onFragment);
    private final ControlledMessageHandler appender = this::append;

    State state = State.ADDING;
    private final long subscriptionRegistrationId;
    private final long publicationRegistrationId;
    private Subscription subscription;
    private ExclusivePublication publication;
    private String responseChannel;
    private long deadlineNs;
    private long nextConnectNs;
    private long closeDeadlineNs;
    private long lastInboundNs;
    private long lastOutboundNs;
    private long heartbeatIntervalNs;
    private long heartbeatTimeoutNs;
    private volatile boolean closeRequested;
    /** Set inside the conductor's duty cycle (no Aeron calls allowed there), acted on in {@link #doWork}. */
    private boolean imageLost;
    private volatile boolean closed;
    private int closeCode = -1;
    private String closeReason = "";
    private long nowNs;

    AeronClientLink(
        final AeronClientTransport.Context ctx,
        final AeronRuntime runtime,
        final AeronClientTransport.ClientAgent agent,
        final ClientTransport.LinkHandler handler)
    {
        this.ctx = ctx;
        this.runtime = runtime;
        this.agent = agent;
        this.handler = handler;
        this.toHandler = handler::onFrame;
        this.outbound = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(ctx.sendBufferLength() + RingBufferDescriptor.TRAILER_LENGTH)));
        this.batch = new FrameBatch(ctx.batchLength());
        final ChannelUri response = ChannelUri.parse("aeron:udp?endpoint=" + ctx.responseHost() + ":" +
            ctx.responsePort());
        final ChannelUri toRouter = ChannelUri.parse("aeron:udp?endpoint=" + ctx.routerEndpoint());
        toRouter.put("term-length", String.valueOf(ctx.driver().termLength()));
        toRouter.put("mtu", String.valueOf(ctx.driver().mtu()));
        this.subscriptionRegistrationId = runtime.aeron().asyncAddSubscription(response.toString(),
            ctx.responseStreamId(), image -> { }, image -> imageLost = true);
        this.publicationRegistrationId = runtime.aeron().asyncAddExclusivePublication(toRouter.toString(),
            ctx.routerStreamId());
    }

    // ---- any thread ----

    public boolean send(final DirectBuffer buffer, final int offset, final int length)
    {
        while (!closed && !closeRequested)
        {
            if (outbound.write(FRAME_MSG_TYPE, buffer, offset, length))
            {
                agent.wake();
                return true;
            }
            if (length > outbound.maxMsgLength())
            {
                return false;
            }
            if (agent.isAgentThread())
            {
                // A listener sending from the agent's own thread: nobody else will drain the ring, so do it here
                // (offer what is queued, let the driver send) instead of waiting for ourselves.
                flush();
                runtime.invoke();
                continue;
            }
            agent.wake();
            LockSupport.parkNanos(10_000); // the agent is behind or the router back-pressures: wait for room
        }
        return false;
    }

    public void close()
    {
        closeRequested = true;
        agent.wake();
    }

    /** Abort from outside the agent before OPEN (connect timeout in the caller). */
    boolean isClosed()
    {
        return closed;
    }

    // ---- agent thread ----

    void start(final long nowNs)
    {
        this.nowNs = nowNs;
        deadlineNs = nowNs + TimeUnit.MILLISECONDS.toNanos(ctx.connectTimeoutMs());
    }

    int doWork(final long now)
    {
        nowNs = now;
        switch (state)
        {
            case ADDING:
                return progressAdd();
            case AWAIT_PUBLICATION:
            case AWAIT_ACK:
                return progressHandshake();
            case OPEN:
                return serviceOpen();
            default:
                return 0;
        }
    }

    private int progressAdd()
    {
        if (closeRequested || nowNs - deadlineNs >= 0)
        {
            fail(closeRequested ? new ClaspException("closed while connecting") :
                new TimeoutException("router " + ctx.routerEndpoint() + " not reachable"));
            return 1;
        }
        try
        {
            if (null == subscription)
            {
                subscription = runtime.aeron().getSubscription(subscriptionRegistrationId);
            }
            if (null == publication)
            {
                publication = runtime.aeron().getExclusivePublication(publicationRegistrationId);
            }
        }
        catch (final RegistrationException ex)
        {
            fail(ex);
            return 1;
        }
        if (null == subscription || null == publication)
        {
            return 0;
        }
        final String endpoint = subscription.resolvedEndpoint();
        if (null == endpoint)
        {
            return 0;
        }
        responseChannel = "aeron:udp?endpoint=" + endpoint;
        state = State.AWAIT_PUBLICATION;
        return 1;
    }

    private int progressHandshake()
    {
        if (closeRequested || nowNs - deadlineNs >= 0)
        {
            fail(closeRequested ? new ClaspException("closed while connecting") : new TimeoutException(
                "no answer from router " + ctx.routerEndpoint() + " within " + ctx.connectTimeoutMs() + " ms"));
            return 1;
        }
        int work = subscription.poll(assembler, ctx.fragmentLimit());
        if (State.AWAIT_PUBLICATION == state && publication.isConnected())
        {
            state = State.AWAIT_ACK;
            nextConnectNs = nowNs;
        }
        if (State.AWAIT_ACK == state && nowNs - nextConnectNs >= 0)
        {
            final int length = envelope.connect(responseChannel, ctx.responseStreamId(), ctx.clientName());
            if (publication.offer(envelope.buffer(), 0, length) > 0)
            {
                nextConnectNs = nowNs + CONNECT_RESEND_NS;
                work++;
            }
        }
        return work;
    }

    private int serviceOpen()
    {
        int work = subscription.poll(assembler, ctx.fragmentLimit());
        if (State.OPEN != state)
        {
            return work + 1;
        }
        work += flush();
        if (closeRequested)
        {
            // Flush what the caller sent before close(), bounded by the close timeout, then say goodbye.
            if (0 == closeDeadlineNs)
            {
                closeDeadlineNs = nowNs + TimeUnit.MILLISECONDS.toNanos(ctx.closeTimeoutMs());
            }
            if ((!batch.isPending() && 0 == outbound.size()) || nowNs - closeDeadlineNs >= 0)
            {
                offerControl(envelope.disconnect(1000, "client closed"));
                finish(1000, "client closed");
                return work + 1;
            }
            return work; // back-pressured: idle until the next try rather than spin for the close timeout
        }
        if (imageLost && 0 == subscription.imageCount())
        {
            finish(1006, "router image unavailable");
            return work + 1;
        }
        if (nowNs - lastInboundNs > heartbeatTimeoutNs)
        {
            finish(1006, "router heartbeat timeout");
            return work + 1;
        }
        if (!publication.isConnected() && nowNs - lastOutboundNs > heartbeatTimeoutNs)
        {
            finish(1006, "router not connected");
            return work + 1;
        }
        if (!batch.isPending() && nowNs - lastOutboundNs >= heartbeatIntervalNs)
        {
            if (offerControl(envelope.heartbeat(nowNs)))
            {
                work++;
            }
        }
        return work;
    }

    /** Agent thread only. */
    private int flush()
    {
        if (State.OPEN != state)
        {
            return 0;
        }
        int sent = 0;
        for (int i = 0; i < 64; i++)
        {
            if (!batch.isPending())
            {
                batch.reset();
                outbound.controlledRead(appender);
                if (0 == batch.frameCount())
                {
                    return sent;
                }
                batch.seal();
            }
            final long result = publication.offer(batch.buffer(), 0, batch.length());
            if (result < 0)
            {
                if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
                {
                    finish(1006, "publication " + Publication.errorString(result));
                }
                return sent; // back-pressured or not connected: keep the sealed batch, retry next cycle
            }
            batch.sent();
            lastOutboundNs = nowNs;
            sent++;
        }
        return sent;
    }

    private ControlledMessageHandler.Action append(
        final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (batch.isFull())
        {
            return ControlledMessageHandler.Action.ABORT;
        }
        batch.onFrame(buffer, index, length);
        return ControlledMessageHandler.Action.CONTINUE;
    }

    private boolean offerControl(final int length)
    {
        if (publication.offer(envelope.buffer(), 0, length) > 0)
        {
            lastOutboundNs = nowNs;
            return true;
        }
        return false;
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH || State.CLOSED == state)
        {
            return;
        }
        headerDecoder.wrap(buffer, offset);
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId())
        {
            return;
        }
        lastInboundNs = nowNs;
        switch (headerDecoder.templateId())
        {
            case FramesDecoder.TEMPLATE_ID:
                if (State.OPEN == state)
                {
                    framesReader.forEach(buffer, offset, length, toHandler);
                }
                break;
            case ConnectAckDecoder.TEMPLATE_ID:
                if (State.AWAIT_ACK == state || State.AWAIT_PUBLICATION == state)
                {
                    ackDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                    heartbeatIntervalNs = TimeUnit.MILLISECONDS.toNanos(ackDecoder.heartbeatIntervalMs());
                    heartbeatTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ackDecoder.heartbeatTimeoutMs());
                    state = State.OPEN;
                    lastOutboundNs = nowNs;
                    deadlineNs = 0;
                    opened.complete(this);
                }
                break;
            case RejectDecoder.TEMPLATE_ID:
                if (State.OPEN != state)
                {
                    rejectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                    final int code = rejectDecoder.code();
                    fail(new ClaspException("router refused the session: " + code + " " + rejectDecoder.reason()));
                }
                break;
            case DisconnectDecoder.TEMPLATE_ID:
                disconnectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final int disconnectCode = disconnectDecoder.code();
                finish(disconnectCode, disconnectDecoder.reason());
                break;
            default:
                break; // Heartbeat: activity noted above
        }
    }

    Subscription subscription()
    {
        return subscription;
    }

    private void fail(final Throwable cause)
    {
        opened.completeExceptionally(cause);
        release();
    }

    private void finish(final int code, final String reason)
    {
        if (State.CLOSED == state)
        {
            return;
        }
        closeCode = code;
        closeReason = reason;
        final boolean wasOpen = State.OPEN == state;
        release();
        if (wasOpen)
        {
            handler.onClosed(closeCode, closeReason);
        }
        else
        {
            opened.completeExceptionally(new ClaspException("link closed: " + reason));
        }
    }

    private void release()
    {
        state = State.CLOSED;
        closed = true;
        if (null != publication)
        {
            CloseHelper.quietClose(publication);
        }
        else
        {
            quietly(() -> runtime.aeron().asyncRemovePublication(publicationRegistrationId));
        }
        if (null != subscription)
        {
            CloseHelper.quietClose(subscription);
        }
        else
        {
            quietly(() -> runtime.aeron().asyncRemoveSubscription(subscriptionRegistrationId));
        }
    }

    /** Agent closing: tell the router and the handler. */
    void shutdown()
    {
        if (State.OPEN == state)
        {
            flush();
            offerControl(envelope.disconnect(1000, "client closed"));
            finish(1000, "client closed");
        }
        else if (State.CLOSED != state)
        {
            fail(new ClaspException("transport closed"));
        }
    }

    private static void quietly(final Runnable r)
    {
        try
        {
            r.run();
        }
        catch (final RuntimeException ignore)
        {
            // already gone
        }
    }
}
