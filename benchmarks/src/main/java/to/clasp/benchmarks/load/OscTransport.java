package to.clasp.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OSC senders over UDP (publishers only): topic {@code t} is the OSC message {@code /bench/t ,b <payload>}, which the
 * router's OSC edge (run with {@code --osc-namespace ""}) writes as the param {@code /bench/t} with the payload as
 * bytes — what a CLASP subscriber of the same run decodes. UDP has no flow control: what the router does not take in
 * time is lost, and the run's summary counts it (sent − delivered); the router's {@code clasp_osc_*} metrics say
 * where (kernel drops, refusals).
 */
final class OscTransport implements Transport
{
    private final InetSocketAddress router;
    private final int payloadSize;
    private final int topics;
    private final AtomicLong errors = new AtomicLong();

    OscTransport(final InetSocketAddress router, final int payloadSize, final int topics)
    {
        this.router = router;
        this.payloadSize = payloadSize;
        this.topics = topics;
    }

    public String name()
    {
        return "osc";
    }

    public Endpoint connect(final Receiver receiver) throws IOException
    {
        if (receiver != Receiver.NONE)
        {
            throw new UnsupportedOperationException("OSC senders only: subscribe through another transport");
        }
        return new Sender();
    }

    public long errors()
    {
        return errors.get();
    }

    public void close()
    {
    }

    /** One UDP socket; a datagram per message, the payload's two times patched into a template per topic. */
    private final class Sender implements Endpoint
    {
        private final DatagramChannel channel;
        private final ByteBuffer[] templates = new ByteBuffer[topics];
        private final int[] payloadOffsets = new int[topics];
        private final byte[] payload = new byte[payloadSize];

        Sender() throws IOException
        {
            channel = DatagramChannel.open();
            channel.connect(router);
            for (int t = 0; t < topics; t++)
            {
                final byte[] address = padded(("/bench/" + t).getBytes(StandardCharsets.US_ASCII));
                final byte[] tags = padded(",b".getBytes(StandardCharsets.US_ASCII));
                final int blob = payloadSize + 3 & ~3;
                final ByteBuffer b = ByteBuffer.allocateDirect(address.length + tags.length + 4 + blob);
                b.put(address).put(tags).putInt(payloadSize);
                payloadOffsets[t] = b.position();
                templates[t] = b;
            }
        }

        private byte[] padded(final byte[] s)
        {
            final byte[] out = new byte[s.length + 4 & ~3];
            System.arraycopy(s, 0, out, 0, s.length);
            return out;
        }

        public void subscribeAll()
        {
            throw new UnsupportedOperationException("OSC senders only");
        }

        public void subscribe(final int topic)
        {
            throw new UnsupportedOperationException("OSC senders only");
        }

        public void send(final int topic, final long intendedNs, final long sentNs)
        {
            final ByteBuffer b = templates[topic];
            Payload.write(payload, intendedNs, sentNs);
            b.clear();
            b.position(payloadOffsets[topic]);
            b.put(payload);
            b.clear();
            try
            {
                channel.write(b);
            }
            catch (final IOException ex)
            {
                errors.incrementAndGet(); // e.g. ICMP port unreachable before the router listened
            }
        }

        public void flush()
        {
        }

        /**
         * UDP and OSC have no round trip: nothing can say the router has read the last datagram. The barrier gives
         * the OSC edge a second to read what the kernel still holds for it (a socket buffer's worth, read in
         * milliseconds); what it has not taken by then counts as lost, as UDP loses it, and the subscribers' round
         * trips that follow still flush everything the router did take in.
         */
        public java.util.concurrent.CompletableFuture<?> roundTrip()
        {
            return java.util.concurrent.CompletableFuture.runAsync(() -> { },
                java.util.concurrent.CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS));
        }

        public void close()
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // closing anyway
            }
        }
    }
}
