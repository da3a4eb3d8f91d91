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
final class ClaspInbound
{
    private final Receiver receiver;
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

    void onFrame(final DirectBuffer buffer, final int offset, final int length)
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

    void onError(final Throwable cause)
    {
        errors.incrementAndGet();
        welcomed.completeExceptionally(cause);
    }
}
