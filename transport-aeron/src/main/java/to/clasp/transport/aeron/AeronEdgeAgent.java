package to.clasp.transport.aeron;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.aeron.ChannelUri;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.RegistrationException;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.aeron.FragmentAssembler;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.core.SharedCore;
import to.clasp.edge.InboundPort;
import to.clasp.transport.aeron.sbe.ConnectDecoder;
import to.clasp.transport.aeron.sbe.FramesDecoder;
import to.clasp.transport.aeron.sbe.MessageHeaderDecoder;

/**
 * The Aeron edge's duty cycle, on its one thread: run the client conductor and (INVOKER mode) the embedded driver,
 * poll the edge's subscription (one image per client session), service sessions the core signalled, retry blocked
 * publications, and every millisecond check connects, heartbeats and timeouts.
 */
final class AeronEdgeAgent implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(AeronEdgeAgent.class);
    private static final long TIMER_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long QUIET_TIMER_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private final AeronEdge.Context ctx;
    private final AeronRuntime runtime;
    private final Subscription subscription;
    private final InboundPort inboundPort;
    private final Int2ObjectHashMap<AeronSession> sessions = new Int2ObjectHashMap<>();
    private final ManyToOneConcurrentArrayQueue<AeronSession> signalled;
    private final AtomicBoolean signalOverflow = new AtomicBoolean();
    private final IntArrayList unavailableImages = new IntArrayList();
    private ArrayList<AeronSession> backlog = new ArrayList<>();
    private ArrayList<AeronSession> retrying = new ArrayList<>();
    private final AtomicInteger openSessions;
    private final FrameBatch batch;
    private final EnvelopeEncoder envelope = new EnvelopeEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final FramesReader framesReader = new FramesReader();
    private final FragmentHandler assembler = new FragmentAssembler(this::onFragment);
    private final FramesReader.FrameSink toCore = this::frameToCore;
    private final long heartbeatIntervalNs;
    private final long heartbeatTimeoutNs;
    private final long connectTimeoutNs;
    private final long closeTimeoutNs;
    private volatile boolean accepting = true;
    /** Connects that could not be read or were refused before becoming a session (diagnostics, tests). */
    private final java.util.concurrent.atomic.AtomicLong refusedConnects = new java.util.concurrent.atomic.AtomicLong();
    private final WakeableIdleStrategy idle;
    private final SharedCore core;
    private AeronSession current;
    private int transitioning;
    private int connecting;
    private long nowNs;
    private long lastRefusalLogNs;
    private final java.util.concurrent.atomic.AtomicLong refusedBySource = new java.util.concurrent.atomic.AtomicLong();
    private long nextTimerNs;

    AeronEdgeAgent(
        final AeronEdge.Context ctx,
        final AeronRuntime runtime,
        final InboundPort inboundPort,
        final AtomicInteger openSessions,
        final WakeableIdleStrategy idle)
    {
        this.idle = idle;
        this.core = ctx.sharedCore();
        this.ctx = ctx;
        this.runtime = runtime;
        this.inboundPort = inboundPort;
        this.openSessions = openSessions;
        this.signalled = new ManyToOneConcurrentArrayQueue<>(ctx.signalQueueCapacity());
        this.batch = new FrameBatch(ctx.batchLength());
        this.heartbeatIntervalNs = TimeUnit.MILLISECONDS.toNanos(ctx.heartbeatIntervalMs());
        this.heartbeatTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ctx.heartbeatTimeoutMs());
        this.connectTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ctx.connectTimeoutMs());
        this.closeTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ctx.closeTimeoutMs());
        this.subscription = runtime.aeron().addSubscription(
            ctx.channel(), ctx.streamId(), image -> { }, this::onImageUnavailable);
    }

    Subscription subscription()
    {
        return subscription;
    }

    void stopAccepting()
    {
        accepting = false;
    }

    public String roleName()
    {
        return ctx.agentName();
    }

    public void onStart()
    {
        TimerSlack.applyToCurrentThread(ctx.driver().timerSlackNs());
        if (null != core)
        {
            core.attach(idle::wake);
        }
    }

    public int doWork()
    {
        nowNs = System.nanoTime();
        int work = runtime.invoke();
        if (!inboundPort.isBackPressured())
        {
            // Above the core ring's high-water mark the subscription is left unread: the image's buffer fills and
            // Aeron's flow control holds the senders back until the core has caught up.
            work += subscription.poll(assembler, ctx.fragmentLimit());
        }
        if (null != core)
        {
            // Route what was just polled; the sessions it signals are serviced below, in this same cycle.
            work += core.doWork();
        }
        final int sent = serviceSignalled() + serviceBacklog();
        if (sent > 0)
        {
            // INVOKER mode: the driver's sender runs only when invoked; send what was just offered now rather than
            // after the next idle period.
            work += sent + runtime.invoke();
        }
        if (!unavailableImages.isEmpty())
        {
            work += removeUnavailable();
        }
        if (nowNs - nextTimerNs >= 0)
        {
            work += checkTimers();
            // Connects and closes in progress are advanced every millisecond; otherwise only heartbeats and
            // timeouts are due, and a scan of every session each millisecond would cost more than they need.
            nextTimerNs = nowNs + (transitioning > 0 ? TIMER_INTERVAL_NS : QUIET_TIMER_INTERVAL_NS);
        }
        return work;
    }

    public void onClose()
    {
        if (null != core)
        {
            core.detach();
        }
        for (final AeronSession s : sessions.values())
        {
            if (AeronSession.State.CLOSED != s.state)
            {
                sendDisconnect(s, 1001, "going away");
                finish(s, "edge closed");
            }
        }
        if (runtime.embedded())
        {
            // The embedded driver sends only while invoked: let the Disconnects leave before it stops.
            runtime.invokeFor(20_000);
        }
        runtime.close();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Signals from the core thread
    // ------------------------------------------------------------------------------------------------------------

    /** Core thread: {@code session} has new frames or a close request. */
    void signal(final AeronSession session)
    {
        if (!signalled.offer(session))
        {
            signalOverflow.set(true);
        }
        idle.wake();
    }

    private int serviceSignalled()
    {
        int work = 0;
        if (signalOverflow.get() && signalOverflow.compareAndSet(true, false))
        {
            for (final AeronSession s : sessions.values())
            {
                if (s.readySignalled.get())
                {
                    service(s);
                    work++;
                }
            }
        }
        AeronSession s;
        while (null != (s = signalled.poll()))
        {
            service(s);
            work++;
        }
        return work;
    }

    private int serviceBacklog()
    {
        if (backlog.isEmpty())
        {
            return 0;
        }
        final ArrayList<AeronSession> list = backlog;
        backlog = retrying;
        retrying = list;
        int sent = 0;
        for (int i = 0, n = list.size(); i < n; i++)
        {
            final AeronSession s = list.get(i);
            s.inBacklog = false;
            sent += service(s);
        }
        list.clear();
        return sent;
    }

    /**
     * Drain a session's queue into batches and offer them, at most {@link AeronEdge.Context#drainBudget()} batches.
     *
     * @return batches sent.
     */
    private int service(final AeronSession s)
    {
        // Clear before reading the queue: a frame the core appends after this either is seen below or signals again.
        s.readySignalled.set(false);
        if (AeronSession.State.ACTIVE == s.state && 0 != s.requestedCloseCode())
        {
            s.state = AeronSession.State.CLOSING;
            s.deadlineNs = nowNs + closeTimeoutNs;
        }
        if (AeronSession.State.ACTIVE != s.state && AeronSession.State.CLOSING != s.state)
        {
            return 0;
        }

        int sent = 0;
        if (s.hasPending())
        {
            final long result = s.offerPending();
            if (result < 0)
            {
                onOfferFailed(s, result);
                return 0;
            }
            sent++;
            onSent(s);
        }
        for (int i = 0; i < ctx.drainBudget(); i++)
        {
            batch.reset();
            while (!batch.isFull() && s.queue.drain(batch, 1) > 0)
            {
                // append until the soft limit
            }
            if (0 == batch.frameCount())
            {
                if (AeronSession.State.CLOSING == s.state)
                {
                    completeClose(s);
                }
                return sent;
            }
            batch.seal();
            final long result = s.publication.offer(batch.buffer(), 0, batch.length());
            if (result < 0)
            {
                s.keep(batch.buffer(), batch.length());
                onOfferFailed(s, result);
                return sent;
            }
            sent++;
            onSent(s);
        }
        toBacklog(s); // budget used up: other sessions first, the rest next cycle
        return sent;
    }

    private void onSent(final AeronSession s)
    {
        s.lastOutboundNs = nowNs;
        s.notConnectedSinceNs = 0;
    }

    private void onOfferFailed(final AeronSession s, final long result)
    {
        if (AeronSession.isTransient(result))
        {
            if (Publication.NOT_CONNECTED == result && 0 == s.notConnectedSinceNs)
            {
                s.notConnectedSinceNs = nowNs;
            }
            toBacklog(s);
        }
        else
        {
            LOG.info("aeron {}: publication {} ({}), closing", s, Publication.errorString(result), result);
            finish(s, "publication " + Publication.errorString(result));
        }
    }

    private void toBacklog(final AeronSession s)
    {
        if (!s.inBacklog)
        {
            s.inBacklog = true;
            backlog.add(s);
        }
    }

    private void completeClose(final AeronSession s)
    {
        final int length = envelope.disconnect(s.requestedCloseCode(), s.requestedCloseReason());
        final long result = s.publication.offer(envelope.buffer(), 0, length);
        if (result > 0 || !AeronSession.isTransient(result) || nowNs - s.deadlineNs >= 0)
        {
            finish(s, "closed by router (" + s.requestedCloseCode() + " " + s.requestedCloseReason() + ")");
        }
        else
        {
            toBacklog(s);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Inbound
    // ------------------------------------------------------------------------------------------------------------

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return;
        }
        headerDecoder.wrap(buffer, offset);
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId())
        {
            return;
        }
        final int sessionId = header.sessionId();
        final AeronSession s = sessions.get(sessionId);
        final int templateId = headerDecoder.templateId();
        if (ConnectDecoder.TEMPLATE_ID == templateId)
        {
            onConnect(buffer, offset, length, sessionId, s);
            return;
        }
        if (null == s || (AeronSession.State.ACTIVE != s.state && AeronSession.State.CLOSING != s.state))
        {
            return; // not (or no longer) a session: nothing to do with its traffic
        }
        s.lastInboundNs = nowNs;
        switch (templateId)
        {
            case FramesDecoder.TEMPLATE_ID:
                if (AeronSession.State.ACTIVE == s.state)
                {
                    current = s;
                    if (framesReader.forEach(buffer, offset, length, toCore) < 0)
                    {
                        LOG.debug("aeron {}: malformed Frames envelope dropped", s);
                    }
                    current = null;
                }
                break;
            case to.clasp.transport.aeron.sbe.DisconnectDecoder.TEMPLATE_ID:
                finish(s, "client disconnected");
                break;
            default:
                break; // Heartbeat (activity already noted) or a message from a newer schema version
        }
    }

    private void frameToCore(final DirectBuffer buffer, final int offset, final int length)
    {
        final AeronSession s = current;
        if (AeronSession.State.ACTIVE != s.state)
        {
            return;
        }
        if (!inboundPort.onFrame(s.connectionId, buffer, offset, length))
        {
            // Too big, or (not hosting the core) the ring stayed full for the producer wait timeout: a stalled core.
            final boolean tooBig = length > inboundPort.maxFrameLength();
            sendDisconnect(s, tooBig ? 1009 : 1013, tooBig ? "message too big" : "router overloaded");
            finish(s, tooBig ? "frame too big" : "router overloaded");
        }
    }

    long refusedBySource()
    {
        return refusedBySource.get();
    }

    /** @return Connects refused before becoming a session: unreadable, a bad response channel, too many pending. */
    long refusedConnects()
    {
        return refusedConnects.get();
    }

    private void onConnect(
        final DirectBuffer buffer, final int offset, final int length, final int sessionId, final AeronSession existing)
    {
        // Check every length against the fragment before the decoder reads the variable-length text.
        final int end = offset + length;
        final int blockEnd = offset + MessageHeaderDecoder.ENCODED_LENGTH + headerDecoder.blockLength();
        if (headerDecoder.blockLength() < ConnectDecoder.BLOCK_LENGTH || blockEnd + 2 > end)
        {
            refusedConnects.lazySet(refusedConnects.get() + 1);
            return;
        }
        final int channelLength = buffer.getShort(blockEnd, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int nameAt = blockEnd + 2 + channelLength;
        if (nameAt + 2 > end ||
            nameAt + 2 + (buffer.getShort(nameAt, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF) > end)
        {
            refusedConnects.lazySet(refusedConnects.get() + 1);
            return;
        }
        connectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final int streamId = connectDecoder.responseStreamId();
        final int version = connectDecoder.protocolVersion();
        final String channel = connectDecoder.responseChannel();
        final String name = connectDecoder.clientName();
        if (null != existing && AeronSession.State.CLOSED != existing.state)
        {
            if (AeronSession.State.ACTIVE == existing.state)
            {
                existing.lastInboundNs = nowNs;
                sendAck(existing); // the first ack was lost or late: say it again
            }
            return;
        }

        final String publicationChannel;
        try
        {
            final ChannelUri uri = ChannelUri.parse(channel);
            if (!uri.isUdp() || null == uri.get("endpoint"))
            {
                throw new IllegalArgumentException("not a unicast UDP channel with an endpoint");
            }
            if (!uri.containsKey("term-length"))
            {
                uri.put("term-length", String.valueOf(ctx.driver().termLength()));
            }
            if (!uri.containsKey("mtu"))
            {
                uri.put("mtu", String.valueOf(ctx.driver().mtu()));
            }
            publicationChannel = uri.toString();
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("aeron connect from session {} refused: bad response channel '{}': {}", sessionId, channel,
                ex.getMessage());
            refusedConnects.lazySet(refusedConnects.get() + 1);
            return;
        }

        if (connecting >= ctx.maxPendingConnects())
        {
            // Bounded like everything else: a flood of Connects cannot make the edge hold unlimited publications.
            LOG.warn("aeron connect from session {} dropped: {} connects already pending", sessionId, connecting);
            refusedConnects.lazySet(refusedConnects.get() + 1);
            return;
        }
        final Image image = subscription.imageBySessionId(sessionId);
        final String remote = null == image ? "?" : image.sourceIdentity();
        if (null != ctx.allow() && !ctx.allow().allowsSourceIdentity(remote))
        {
            // --aeron-allow: not one of ours. No reply, no publication towards it; its later traffic finds no session.
            refusedBySource.incrementAndGet();
            if (nowNs - lastRefusalLogNs >= 1_000_000_000L || lastRefusalLogNs == 0)
            {
                lastRefusalLogNs = nowNs;
                LOG.warn("aeron connect from {} dropped: source not in --aeron-allow {} ({} dropped so far)", remote,
                    ctx.allow(), refusedBySource.get());
            }
            return;
        }
        final AeronSession s = new AeronSession(this, sessionId, channel, streamId, name, remote);
        if (!accepting)
        {
            s.requestClose(1001, "router shutting down");
        }
        else if (EnvelopeEncoder.PROTOCOL_VERSION != version)
        {
            s.requestClose(1002, "unsupported envelope version " + version);
        }
        try
        {
            s.publicationRegistrationId = runtime.aeron().asyncAddExclusivePublication(publicationChannel, streamId);
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("aeron connect from {} refused: {}", remote, ex.getMessage());
            return;
        }
        s.deadlineNs = nowNs + connectTimeoutNs;
        s.lastInboundNs = nowNs;
        sessions.put(sessionId, s);
        openSessions.incrementAndGet();
        connecting++;
        nextTimerNs = nowNs; // advance this connect from the next duty cycle on, at the 1 ms pace
        LOG.debug("aeron connect session={} remote={} response={} stream={} name={}",
            sessionId, remote, channel, streamId, name);
    }

    private void onImageUnavailable(final Image image)
    {
        // Runs inside the client conductor's duty cycle, where Aeron forbids further client calls: defer.
        unavailableImages.addInt(image.sessionId());
    }

    private int removeUnavailable()
    {
        int work = 0;
        for (int i = 0; i < unavailableImages.size(); i++)
        {
            final AeronSession s = sessions.remove(unavailableImages.getInt(i));
            if (null != s)
            {
                finish(s, "image unavailable");
                work++;
            }
        }
        unavailableImages.clear();
        return work;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Timers: connects, heartbeats, timeouts
    // ------------------------------------------------------------------------------------------------------------

    private int checkTimers()
    {
        int work = 0;
        transitioning = 0;
        for (final AeronSession s : sessions.values())
        {
            switch (s.state)
            {
                case CONNECTING:
                    work += progressConnect(s);
                    transitioning += AeronSession.State.CONNECTING == s.state ? 1 : 0;
                    break;
                case ACTIVE:
                    if (nowNs - s.lastInboundNs > heartbeatTimeoutNs)
                    {
                        sendDisconnect(s, 1001, "heartbeat timeout");
                        finish(s, "heartbeat timeout");
                        work++;
                    }
                    else if (0 != s.notConnectedSinceNs && nowNs - s.notConnectedSinceNs > heartbeatTimeoutNs)
                    {
                        finish(s, "response channel not connected");
                        work++;
                    }
                    else if (!s.hasPending() && nowNs - s.lastOutboundNs >= heartbeatIntervalNs)
                    {
                        final int length = envelope.heartbeat(nowNs);
                        if (s.publication.offer(envelope.buffer(), 0, length) > 0)
                        {
                            s.lastOutboundNs = nowNs;
                        }
                    }
                    break;
                case CLOSING:
                    if (nowNs - s.deadlineNs >= 0)
                    {
                        finish(s, "close timeout");
                        work++;
                    }
                    else
                    {
                        transitioning++;
                    }
                    break;
                default:
                    break;
            }
        }
        return work;
    }

    private int progressConnect(final AeronSession s)
    {
        if (null == s.publication)
        {
            try
            {
                s.publication = runtime.aeron().getExclusivePublication(s.publicationRegistrationId);
            }
            catch (final RegistrationException ex)
            {
                LOG.warn("aeron connect from {} failed: {}", s.remote, ex.getMessage());
                finish(s, "response publication failed");
                return 1;
            }
        }
        if (null != s.publication && s.publication.isConnected())
        {
            if (0 != s.requestedCloseCode())
            {
                final int length = envelope.reject(s.requestedCloseCode(), s.requestedCloseReason());
                if (s.publication.offer(envelope.buffer(), 0, length) > 0 || nowNs - s.deadlineNs >= 0)
                {
                    finish(s, "rejected: " + s.requestedCloseReason());
                }
                return 1;
            }
            if (sendAck(s))
            {
                s.queue = inboundPort.connect(s);
                s.connectionId = s.queue.connectionId();
                s.state = AeronSession.State.ACTIVE;
                connecting--;
                s.lastInboundNs = nowNs;
                s.lastOutboundNs = nowNs;
                LOG.info("connect aeron id={} remote={} session={} response={} name={}",
                    s.connectionId, s.remote, s.imageSessionId, s.responseChannel, s.clientName);
                return 1;
            }
        }
        if (nowNs - s.deadlineNs >= 0)
        {
            LOG.warn("aeron connect from {}: response channel {} not reachable within {} ms", s.remote,
                s.responseChannel, ctx.connectTimeoutMs());
            finish(s, "connect timeout");
            return 1;
        }
        return 0;
    }

    private boolean sendAck(final AeronSession s)
    {
        final int length = envelope.connectAck(ctx.heartbeatIntervalMs(), ctx.heartbeatTimeoutMs());
        return s.publication.offer(envelope.buffer(), 0, length) > 0;
    }

    private void sendDisconnect(final AeronSession s, final int code, final String reason)
    {
        if (null != s.publication && s.publication.isConnected())
        {
            final int length = envelope.disconnect(code, reason);
            s.publication.offer(envelope.buffer(), 0, length);
        }
    }

    /** End a session for good: tell the core (locks released, subscriptions dropped), release the publication. */
    private void finish(final AeronSession s, final String why)
    {
        if (AeronSession.State.CLOSED == s.state)
        {
            return;
        }
        final boolean wasActive = s.connectionId > 0;
        if (AeronSession.State.CONNECTING == s.state)
        {
            connecting--;
        }
        s.state = AeronSession.State.CLOSED;
        if (wasActive)
        {
            inboundPort.disconnect(s.connectionId);
            LOG.info("disconnect aeron id={} remote={} session={} reason={}", s.connectionId, s.remote,
                s.imageSessionId, why);
        }
        if (null != s.publication)
        {
            s.publication.close();
            s.publication = null;
        }
        else
        {
            try
            {
                runtime.aeron().asyncRemovePublication(s.publicationRegistrationId);
            }
            catch (final RuntimeException ex)
            {
                LOG.debug("aeron: removing a failed publication: {}", ex.getMessage());
            }
        }
        openSessions.decrementAndGet();
    }
}
