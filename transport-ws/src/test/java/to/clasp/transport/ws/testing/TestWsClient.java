package to.clasp.transport.ws.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A raw WebSocket client for tests (the JDK's {@link java.net.http.WebSocket}): sends and receives whole binary
 * messages as byte arrays, so tests can assert on exact CLASP frames, and records pongs and the close code.
 */
public final class TestWsClient implements AutoCloseable
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket webSocket;

    private TestWsClient(final URI uri, final String... subprotocols)
    {
        this(HTTP, uri, subprotocols);
    }

    private TestWsClient(final HttpClient http, final URI uri, final String... subprotocols)
    {
        final WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (subprotocols.length > 0)
        {
            final String[] rest = new String[subprotocols.length - 1];
            System.arraycopy(subprotocols, 1, rest, 0, rest.length);
            builder.subprotocols(subprotocols[0], rest);
        }
        webSocket = builder.buildAsync(uri, new Listener()).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Connect, offering the given subprotocols (none when empty). */
    public static TestWsClient connect(final String uri, final String... subprotocols)
    {
        return new TestWsClient(URI.create(uri), subprotocols);
    }

    /** Connect to a {@code wss://} URL trusting what {@code tls} trusts, offering {@code clasp}. */
    public static TestWsClient connectTls(final String uri, final javax.net.ssl.SSLContext tls)
    {
        return new TestWsClient(HttpClient.newBuilder().sslContext(tls).build(), URI.create(uri), "clasp");
    }

    /** Connect to {@code ws://127.0.0.1:port/} offering {@code clasp}, as the JS and Python clients do. */
    public static TestWsClient connect(final int port)
    {
        return connect("ws://127.0.0.1:" + port + "/", "clasp");
    }

    /** @return the subprotocol the server selected, "" when none. */
    public String subprotocol()
    {
        return webSocket.getSubprotocol();
    }

    public TestWsClient send(final byte[] frame)
    {
        webSocket.sendBinary(ByteBuffer.wrap(frame), true).orTimeout(5, TimeUnit.SECONDS).join();
        return this;
    }

    public TestWsClient send(final String hex)
    {
        return send(Hex.bytes(hex));
    }

    /** Send one binary message split into WebSocket fragments at the given offsets. */
    public TestWsClient sendFragmented(final byte[] message, final int... splits)
    {
        int from = 0;
        for (final int split : splits)
        {
            webSocket.sendBinary(ByteBuffer.wrap(message, from, split - from), false).join();
            from = split;
        }
        webSocket.sendBinary(ByteBuffer.wrap(message, from, message.length - from), true).join();
        return this;
    }

    public TestWsClient sendText(final String text)
    {
        webSocket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
        return this;
    }

    public TestWsClient ping(final byte[] data)
    {
        webSocket.sendPing(ByteBuffer.wrap(data)).orTimeout(5, TimeUnit.SECONDS).join();
        return this;
    }

    /** @return the next pong's payload, or fail after the timeout. */
    public byte[] awaitPong(final long timeoutMs) throws InterruptedException
    {
        final byte[] pong = pongs.poll(timeoutMs, TimeUnit.MILLISECONDS);
        assertNotNull(pong, "no pong within " + timeoutMs + " ms");
        return pong;
    }

    /** @return the next binary message, or null after the timeout. */
    public byte[] poll(final long timeoutMs) throws InterruptedException
    {
        return messages.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** @return the next binary message; fails after the timeout. */
    public byte[] receive(final long timeoutMs) throws InterruptedException
    {
        final byte[] message = poll(timeoutMs);
        assertNotNull(message, "no message within " + timeoutMs + " ms");
        return message;
    }

    /** Assert the next message equals the hex bytes. */
    public TestWsClient expect(final String hex) throws InterruptedException
    {
        assertEquals(Hex.of(Hex.bytes(hex)), Hex.of(receive(5_000)));
        return this;
    }

    /** Receive messages until one matches, failing after the timeout; earlier ones are returned in order. */
    public List<byte[]> receiveUntil(final Predicate<byte[]> match, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final List<byte[]> seen = new ArrayList<>();
        while (true)
        {
            final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            final byte[] message = left <= 0 ? null : poll(left);
            if (message == null)
            {
                fail("no matching message within " + timeoutMs + " ms; saw " + seen.size() + " other(s)");
            }
            seen.add(message);
            if (match.test(message))
            {
                return seen;
            }
        }
    }

    /** Everything that arrives within the window. */
    public List<byte[]> collect(final long windowMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(windowMs);
        final List<byte[]> seen = new ArrayList<>();
        long left;
        while ((left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) > 0)
        {
            final byte[] message = poll(left);
            if (message != null)
            {
                seen.add(message);
            }
        }
        return seen;
    }

    /** @return the close code the server sent; fails after the timeout. */
    public int awaitClose(final long timeoutMs)
    {
        return closeCode.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).join();
    }

    public boolean isClosed()
    {
        return closeCode.isDone() || webSocket.isInputClosed();
    }

    /** Perform the client HELLO with the Python client's exact bytes (E2) and return WELCOME and the SNAPSHOT. */
    public byte[][] helloAsPython() throws InterruptedException
    {
        send("53 01 00 1a 01 01 e0 00 13 43 4c 41 53 50 20 50 79 74 68 6f 6e 20 43 6c 69 65 6e 74 00 00");
        return new byte[][] {receive(5_000), receive(5_000)};
    }

    /**
     * The Python client's HELLO with {@code Clasp(url, token=...)}: flags 0x01, version 1, features 0xE0, name
     * "CLASP Python Client", then the token (wire-protocol.md §5.2). Nothing is awaited.
     */
    public TestWsClient sendPythonHello(final String token)
    {
        send(pythonHello(token));
        return this;
    }

    /** The bytes of {@link #sendPythonHello}. */
    public static byte[] pythonHello(final String token)
    {
        final byte[] name = "CLASP Python Client".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final byte[] t = token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final int payload = 3 + 2 + name.length + 2 + t.length;
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + payload);
        b.put((byte)0x53).put((byte)0x01).putShort((short)payload).put((byte)0x01).put((byte)0x01).put((byte)0xE0)
            .putShort((short)name.length).put(name).putShort((short)t.length).put(t);
        return b.array();
    }

    public void close()
    {
        if (!webSocket.isOutputClosed())
        {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS)
                .exceptionally(t -> null).join();
        }
        webSocket.abort();
    }

    private final class Listener implements WebSocket.Listener
    {
        private java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

        public void onOpen(final WebSocket webSocket)
        {
            webSocket.request(Long.MAX_VALUE);
        }

        public CompletionStage<?> onBinary(final WebSocket webSocket, final ByteBuffer data, final boolean last)
        {
            final byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.write(chunk, 0, chunk.length);
            if (last)
            {
                messages.add(partial.toByteArray());
                partial = new java.io.ByteArrayOutputStream();
            }
            return null;
        }

        public CompletionStage<?> onPong(final WebSocket webSocket, final ByteBuffer message)
        {
            final byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            pongs.add(bytes);
            return null;
        }

        public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
        {
            closeCode.complete(statusCode);
            return null;
        }

        public void onError(final WebSocket webSocket, final Throwable error)
        {
            closeCode.complete(-1);
        }
    }
}
