package to.clasp.edge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An in-JVM transport: a real edge for embedding the router in a Java process (and for tests). Each
 * {@link Connection} registers with the router's {@link InboundPort} exactly as a socket transport does, sends
 * frames through {@link InboundPort#onFrame}, and reads by draining its {@link OutboundQueue}; the thread that calls
 * {@link Connection#receive} plays the transport's I/O thread. A connection that stops calling {@code receive} is a
 * slow consumer, just as a socket whose peer stops reading.
 */
public final class InProcessEdge
{
    private InProcessEdge()
    {
    }

    /**
     * Open a connection to the router behind {@code port}. Nothing is sent: the caller sends HELLO.
     *
     * @param port the router's inbound port.
     * @return the client side of the connection.
     */
    public static Connection connect(final InboundPort port)
    {
        return new Connection(port, "inproc:" + Integer.toHexString(System.identityHashCode(port)));
    }

    /**
     * The client side of one in-process connection. {@link #send} may be called from any thread (serialise calls
     * to keep order); {@code receive}, {@code drainAll} are for one reading thread at a time.
     */
    public static final class Connection implements EdgeConnection, AutoCloseable
    {
        private static final int NOT_CLOSED = 0;

        private final InboundPort port;
        private final OutboundQueue queue;
        private final String remote;
        private final UnsafeBuffer sendBuffer = new UnsafeBuffer(new byte[0]);
        private final AtomicBoolean disconnected = new AtomicBoolean();
        private volatile Thread reader;
        private volatile int closeCode = NOT_CLOSED;
        private volatile String closeReason;
        private volatile long readySignals;
        private volatile Thread lastSignallingThread;
        private byte[] received;

        Connection(final InboundPort port, final String remote)
        {
            this.port = port;
            this.remote = remote;
            this.queue = port.connect(this);
        }

        /**
         * @return the connection id the router knows this connection by.
         */
        public long connectionId()
        {
            return queue.connectionId();
        }

        /**
         * @return the router's queue for this connection (for inspection: e.g. queued bytes).
         */
        public OutboundQueue queue()
        {
            return queue;
        }

        /**
         * Send one complete frame.
         *
         * @return {@code false} if the router refused it (too large: the connection is then closed with 1009, as a
         *         WebSocket transport does; or the connection/router is closed).
         */
        public boolean send(final byte[] frame)
        {
            synchronized (sendBuffer)
            {
                sendBuffer.wrap(frame);
                return send(sendBuffer, 0, frame.length);
            }
        }

        /**
         * Send one complete frame from a buffer.
         *
         * @return as {@link #send(byte[])}.
         */
        public boolean send(final DirectBuffer buffer, final int offset, final int length)
        {
            if (isClosed())
            {
                return false;
            }
            if (length > port.maxFrameLength())
            {
                closeLocally(1009, "message too big");
                return false;
            }
            return port.onFrame(queue.connectionId(), buffer, offset, length);
        }

        /**
         * Wait for the next frame from the router.
         *
         * @param timeout how long to wait.
         * @return the frame's bytes, or {@code null} on timeout or when the connection closed with nothing queued.
         */
        public byte[] receive(final Duration timeout)
        {
            final long deadline = System.nanoTime() + timeout.toNanos();
            reader = Thread.currentThread();
            try
            {
                while (true)
                {
                    received = null;
                    if (queue.drain((buffer, offset, length) ->
                    {
                        final byte[] bytes = new byte[length];
                        buffer.getBytes(offset, bytes);
                        received = bytes;
                    }, 1) > 0)
                    {
                        return received;
                    }
                    if (isClosed())
                    {
                        disconnectOnce();
                        return null;
                    }
                    final long remaining = deadline - System.nanoTime();
                    if (remaining <= 0)
                    {
                        return null;
                    }
                    // outboundReady() unparks us; the cap covers the window between the drain and the park.
                    LockSupport.parkNanos(this, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(5)));
                }
            }
            finally
            {
                reader = null;
            }
        }

        /**
         * @return every frame queued right now, without waiting.
         */
        public List<byte[]> drainAll()
        {
            final List<byte[]> frames = new ArrayList<>();
            queue.drain((buffer, offset, length) ->
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                frames.add(bytes);
            }, Integer.MAX_VALUE);
            return frames;
        }

        /**
         * @return {@code true} once either side closed the connection.
         */
        public boolean isClosed()
        {
            return NOT_CLOSED != closeCode;
        }

        /**
         * @return the WebSocket-style close code, or 0 while open.
         */
        public int closeCode()
        {
            return closeCode;
        }

        /**
         * @return the close reason, or {@code null} while open.
         */
        public String closeReason()
        {
            return closeReason;
        }

        /**
         * @return how many times the router signalled {@link #outboundReady()}.
         */
        public long readySignals()
        {
            return readySignals;
        }

        /**
         * Close from the client side (code 1000) and tell the router.
         */
        public void close()
        {
            closeLocally(1000, "client closed");
        }

        private void closeLocally(final int code, final String reason)
        {
            if (NOT_CLOSED == closeCode)
            {
                closeReason = reason;
                closeCode = code;
            }
            disconnectOnce();
        }

        private void disconnectOnce()
        {
            if (disconnected.compareAndSet(false, true))
            {
                port.disconnect(queue.connectionId());
            }
        }

        // ---- EdgeConnection: called by the core thread; never blocks ----

        /**
         * @return the thread that last signalled this connection (outbound ready or close): the thread running the
         * core, whichever it is.
         */
        public Thread lastSignallingThread()
        {
            return lastSignallingThread;
        }

        public void outboundReady()
        {
            lastSignallingThread = Thread.currentThread();
            readySignals++; // single writer: the core thread
            final Thread t = reader;
            if (null != t)
            {
                LockSupport.unpark(t);
            }
        }

        public void close(final int closeCode, final String reason)
        {
            // What is already queued stays readable, as a socket transport flushes before closing. The disconnect
            // goes to the router from the reading thread (never from the core thread, which must not publish into
            // its own ring).
            lastSignallingThread = Thread.currentThread();
            if (NOT_CLOSED == this.closeCode)
            {
                this.closeReason = reason;
                this.closeCode = closeCode;
            }
            final Thread t = reader;
            if (null != t)
            {
                LockSupport.unpark(t);
            }
        }

        public String remoteAddress()
        {
            return remote;
        }

        public String transport()
        {
            return "inproc";
        }
    }
}
