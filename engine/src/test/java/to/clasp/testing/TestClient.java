package to.clasp.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import to.clasp.edge.InProcessEdge;
import to.clasp.edge.InboundPort;
import to.clasp.protocol.MessageType;

/**
 * A CLASP test client over the in-process edge, with expectations. Timeouts only bound failures: a passing test
 * never waits for one, and "nothing else arrived" is proven with a PING/PONG barrier (per-recipient FIFO), not a
 * sleep.
 */
public final class TestClient implements AutoCloseable
{
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final InProcessEdge.Connection connection;
    private String sessionId;

    private TestClient(final InProcessEdge.Connection connection)
    {
        this.connection = connection;
    }

    public static TestClient connect(final InboundPort port)
    {
        return new TestClient(InProcessEdge.connect(port));
    }

    /** Connect and complete the handshake (WELCOME + initial SNAPSHOT). */
    public static TestClient open(final InboundPort port, final String name)
    {
        final TestClient c = connect(port);
        c.handshake(name);
        return c;
    }

    public InProcessEdge.Connection connection()
    {
        return connection;
    }

    public String sessionId()
    {
        return sessionId;
    }

    public TestClient send(final byte[] frame)
    {
        if (!connection.send(frame))
        {
            throw new AssertionError("send refused (closed=" + connection.isClosed() + ")");
        }
        return this;
    }

    /** @return the next frame, or null after {@code timeout}. */
    public Received receive(final Duration timeout)
    {
        final byte[] b = connection.receive(timeout);
        return null == b ? null : new Received(b);
    }

    /** @return the next frame; fails after {@link #TIMEOUT}. */
    public Received receive()
    {
        final Received r = receive(TIMEOUT);
        if (null == r)
        {
            throw new AssertionError("no frame within " + TIMEOUT + " (closed=" + connection.isClosed() + ")");
        }
        return r;
    }

    /** @return the next frame, which must be of {@code type}. */
    public Received expect(final int type)
    {
        final Received r = receive();
        if (r.type() != type)
        {
            throw new AssertionError("expected " + MessageType.name(type) + " but got " + r);
        }
        return r;
    }

    /** Send HELLO, expect WELCOME then SNAPSHOT (returned). */
    public Received handshake(final String name)
    {
        send(Frames.hello(name));
        final Received welcome = expect(MessageType.WELCOME);
        sessionId = welcome.decoder().welcome().session();
        return expect(MessageType.SNAPSHOT);
    }

    /** Send HELLO with {@code token}, expect WELCOME (the SNAPSHOT that follows is left to the caller). */
    public TestClient hello(final String name, final String token)
    {
        send(Frames.hello(name, token));
        sessionId = expect(MessageType.WELCOME).decoder().welcome().session();
        return this;
    }

    /** Every frame the router sends before answering a PING sent now. */
    public List<Received> receiveUntilBarrier()
    {
        send(Frames.ping());
        final List<Received> frames = new ArrayList<>();
        while (true)
        {
            final Received r = receive();
            if (MessageType.PONG == r.type())
            {
                return frames;
            }
            frames.add(r);
        }
    }

    /** Assert nothing is queued for this client ahead of a PING sent now. */
    public void expectNothingMore()
    {
        final List<Received> extra = receiveUntilBarrier();
        if (!extra.isEmpty())
        {
            throw new AssertionError("unexpected frames: " + extra);
        }
    }

    /** @return true once the router (or we) closed the connection, within the timeout. */
    public boolean awaitClosed(final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!connection.isClosed() && System.nanoTime() < deadline)
        {
            connection.receive(Duration.ofMillis(5));
        }
        return connection.isClosed();
    }

    public void close()
    {
        connection.close();
    }
}
