package to.clasp.benchmarks.load;

import org.agrona.DirectBuffer;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.ValueType;
import to.clasp.protocol.ValueView;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a generator connection does with each CLASP frame it receives, whatever the transport: WELCOME completes
 * the handshake, SET and PUBLISH carrying a benchmark {@link Payload} go to the receiver, ERROR and undecodable
 * frames count as errors. One per connection, on that connection's I/O thread; decoding allocates nothing.
 */
final class ClaspInbound implements WsServerFrameReader.Sink
{
    /**
     * Confirmed SETs whose send times are kept while they await their ACK (beyond it the oldest times are overwritten:
     * their ACKs still count as delivered, untimed). A publisher on an event loop that also sends can run this far
     * ahead before the loop reads its first ACK.
     */
    private static final int ACK_QUEUE = 1 << 17;

    private final Receiver receiver;
    // Times of confirmed SETs sent and not yet ACKed, in send order (the router answers a session's writes in that
    // order): one sending thread adds, the I/O thread takes. A ring of two arrays: no object per message.
    // Made on the first confirmed SET (only publishers of confirmed SETs need them; a connections run has thousands of
    // endpoints), before acksExpected is first raised, which publishes them to the I/O thread.
    private long[] ackIntendedNs;
    private long[] ackSentNs;
    private final java.util.concurrent.atomic.AtomicLong acksExpected = new java.util.concurrent.atomic.AtomicLong();
    private long acksTaken;
    private final AtomicLong errors;
    private final FrameDecoder decoder = new FrameDecoder();
    final CompletableFuture<Void> welcomed = new CompletableFuture<>();
    /** One future per PING sent, completed by the PONGs in order. */
    private final java.util.concurrent.ConcurrentLinkedQueue<CompletableFuture<Void>> pongs =
        new java.util.concurrent.ConcurrentLinkedQueue<>();

    ClaspInbound(final Receiver receiver, final AtomicLong errors)
    {
        this.receiver = receiver;
        this.errors = errors;
    }

    public void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        if (decoder.decode(buffer, offset, length) != DecodeError.OK)
        {
            errors.incrementAndGet();
            return;
        }
        final ValueView value;
        switch (decoder.type())
        {
            case MessageType.SET:
                value = decoder.set().value();
                break;
            case MessageType.PUBLISH:
                value = decoder.publish().value();
                break;
            case MessageType.WELCOME:
                welcomed.complete(null);
                return;
            case MessageType.PONG:
                final CompletableFuture<Void> pong = pongs.poll();
                if (null != pong)
                {
                    pong.complete(null);
                }
                return;
            case MessageType.ACK:
                if (decoder.ack().hasRevision())
                {
                    onSetAck();
                }
                return;
            case MessageType.ERROR:
                errors.incrementAndGet();
                return;
            default:
                return;
        }
        if (value.type() == ValueType.BYTES && value.contentLength() >= Payload.MIN_SIZE)
        {
            final int at = value.contentOffset();
            receiver.onMessage(Payload.intendedNs(value.buffer(), at), Payload.sentNs(value.buffer(), at));
        }
    }

    /**
     * Sending thread, before a confirmed SET goes out: its times, for the ACK that answers it.
     */
    void expectAck(final long intendedNs, final long sentNs)
    {
        final long n = acksExpected.get();
        if (null == ackIntendedNs)
        {
            ackIntendedNs = new long[ACK_QUEUE];
            ackSentNs = new long[ACK_QUEUE];
        }
        final int i = (int)(n & (ACK_QUEUE - 1));
        ackIntendedNs[i] = intendedNs;
        ackSentNs[i] = sentNs;
        acksExpected.lazySet(n + 1);
    }

    /** I/O thread: the ACK of the oldest confirmed SET not yet ACKed is a delivery, timed from that SET. */
    private void onSetAck()
    {
        final long expected = acksExpected.get();
        if (acksTaken >= expected)
        {
            errors.incrementAndGet(); // an ACK nobody waits for
            return;
        }
        if (expected - acksTaken > ACK_QUEUE)
        {
            // Its times were overwritten by a later SET's: delivered, but too early to time (Measurement times only
            // messages intended after the measurement started).
            acksTaken++;
            receiver.onMessage(Long.MIN_VALUE, Long.MIN_VALUE);
            return;
        }
        final int i = (int)(acksTaken++ & (ACK_QUEUE - 1));
        receiver.onMessage(ackIntendedNs[i], ackSentNs[i]);
    }

    /**
     * Call before sending a PING.
     *
     * @return completed by its PONG.
     */
    CompletableFuture<Void> expectPong()
    {
        final CompletableFuture<Void> pong = new CompletableFuture<>();
        pongs.add(pong);
        return pong;
    }

    void onClosed()
    {
        CompletableFuture<Void> pong;
        while (null != (pong = pongs.poll()))
        {
            pong.completeExceptionally(new java.io.IOException("closed before PONG"));
        }
        if (!welcomed.isDone())
        {
            welcomed.completeExceptionally(new java.io.IOException("closed before WELCOME"));
        }
    }

    public void onError(final Throwable cause)
    {
        errors.incrementAndGet();
        welcomed.completeExceptionally(cause);
    }
}
