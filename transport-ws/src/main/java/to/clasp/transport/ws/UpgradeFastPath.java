package to.clasp.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.util.concurrent.FastThreadLocal;
import to.clasp.edge.InboundPort;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * The first handler of every WebSocket-port connection: answers the common case — one complete {@code GET} request
 * in the first read that asks for a version-13 WebSocket upgrade — by parsing the request bytes in place and writing
 * the {@code 101} itself, then puts the WebSocket handlers in its place. Anything else (a plain HTTP request, a
 * request split over reads, a body, an unusual header, another WebSocket version) is handed to the full HTTP stack
 * (Netty's codec and aggregator, the pages, {@link HttpRequestHandler}), which this handler installs behind itself
 * only then and leaves.
 * <p>
 * Why: in a connection storm (thousands of clients reconnecting at once) the per-connection cost is what limits the
 * rate of admission. Building the HTTP codec, aggregator, a {@code FullHttpRequest} with its header map, a handshaker
 * and a {@code FullHttpResponse} per connection, and rebuilding the pipeline twice, cost more than the rest of the
 * handshake; the answer the client gets is the same.
 */
final class UpgradeFastPath extends ChannelInboundHandlerAdapter
{
    /** RFC 6455 §1.3: appended to the client's key before hashing. */
    private static final byte[] ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GET = "GET ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP11 = " HTTP/1.1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE_HEAD = ("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n" +
        "connection: upgrade\r\nsec-websocket-accept: ").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE_PROTOCOL =
        ("\r\nsec-websocket-protocol: " + HttpRequestHandler.SUBPROTOCOL).getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF_CRLF = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final FastThreadLocal<MessageDigest> SHA1 = new FastThreadLocal<>()
    {
        protected MessageDigest initialValue() throws NoSuchAlgorithmException
        {
            return MessageDigest.getInstance("SHA-1");
        }
    };

    private final WebSocketEdge.Context edgeContext;
    private final InboundPort inboundPort;
    private final WebSocketDecoderConfig decoderConfig;
    /** Adds the full HTTP stack after the given handler (the fallback). */
    private final Consumer<ChannelHandlerContext> httpStack;

    UpgradeFastPath(final WebSocketEdge.Context edgeContext, final InboundPort inboundPort,
        final WebSocketDecoderConfig decoderConfig, final Consumer<ChannelHandlerContext> httpStack)
    {
        this.edgeContext = edgeContext;
        this.inboundPort = inboundPort;
        this.decoderConfig = decoderConfig;
        this.httpStack = httpStack;
    }

    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final Request request = msg instanceof ByteBuf ? Request.parse((ByteBuf)msg) : null;
        if (request == null)
        {
            // Not the common case: the full HTTP stack takes this connection from here, this byte on.
            httpStack.accept(ctx);
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        ((ByteBuf)msg).release();
        upgrade(ctx, request);
    }

    private void upgrade(final ChannelHandlerContext ctx, final Request request)
    {
        final ByteBuf response = ctx.alloc().buffer(RESPONSE_HEAD.length + 28 + RESPONSE_PROTOCOL.length + 4);
        response.writeBytes(RESPONSE_HEAD);
        response.writeBytes(accept(request.key));
        if (request.clasp)
        {
            response.writeBytes(RESPONSE_PROTOCOL);
        }
        response.writeBytes(CRLF_CRLF);

        // The WebSocket handlers are in place before the 101 leaves: the client may send its first frame as soon as
        // it reads it, and that read runs on this thread after this method returns.
        // This handler's place goes to the frame decoder (one pipeline change instead of an add and a remove).
        final ChannelPipeline p = ctx.pipeline();
        p.replace(this, "wsdecoder", new WebSocket13FrameDecoder(decoderConfig));
        p.addAfter("wsdecoder", "wsencoder", new WebSocket13FrameEncoder(false));
        final WebSocketConnection connection = new WebSocketConnection(edgeContext, inboundPort,
            request.clasp ? HttpRequestHandler.SUBPROTOCOL : null, request.path);
        HttpRequestHandler.addConnection(p, "wsencoder", edgeContext, connection);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /** {@code base64(sha1(key + GUID))} (RFC 6455 §4.2.2). */
    private static byte[] accept(final byte[] key)
    {
        final MessageDigest sha1 = SHA1.get();
        sha1.update(key);
        sha1.update(ACCEPT_GUID);
        return Base64.getEncoder().encode(sha1.digest());
    }

    /** The parts of a plain WebSocket upgrade request the answer needs; null from {@link #parse} otherwise. */
    static final class Request
    {
        final String path;
        final byte[] key;
        /** The client offered the {@code clasp} subprotocol (it is echoed). */
        final boolean clasp;

        private Request(final String path, final byte[] key, final boolean clasp)
        {
            this.path = path;
            this.key = key;
            this.clasp = clasp;
        }

        /**
         * @return the request, when {@code in} holds exactly one complete {@code GET ... HTTP/1.1} request head (no
         * body, nothing after it, at most {@link WebSocketEdge#MAX_HTTP_REQUEST_BYTES}) asking for a version-13
         * WebSocket upgrade with a key; else null (the full HTTP stack decides what it is).
         */
        static Request parse(final ByteBuf in)
        {
            final int start = in.readerIndex();
            final int end = in.writerIndex();
            final int length = end - start;
            if (length < 4 || length > WebSocketEdge.MAX_HTTP_REQUEST_BYTES || !startsWith(in, start, GET) ||
                in.getByte(end - 4) != '\r' || in.getByte(end - 3) != '\n' || in.getByte(end - 2) != '\r' ||
                in.getByte(end - 1) != '\n')
            {
                return null;
            }
            int lineEnd = lineEnd(in, start, end);
            final int pathStart = start + GET.length;
            final int pathEnd = lineEnd - HTTP11.length;
            if (pathEnd <= pathStart || !startsWith(in, pathEnd, HTTP11) || in.getByte(pathStart) != '/' ||
                in.indexOf(pathStart, pathEnd, (byte)' ') >= 0)
            {
                return null;
            }
            boolean upgrade = false;
            boolean connectionUpgrade = false;
            boolean version13 = false;
            boolean clasp = false;
            byte[] key = null;
            int line = lineEnd + 2;
            while (line < end - 2)
            {
                lineEnd = lineEnd(in, line, end);
                final int colon = in.indexOf(line, lineEnd, (byte)':');
                final byte first = in.getByte(line);
                if (colon <= line || first == ' ' || first == '\t')
                {
                    return null; // malformed or folded: the full parser answers it
                }
                final int valueStart = skipSpaces(in, colon + 1, lineEnd);
                final int valueEnd = trimEnd(in, valueStart, lineEnd);
                final int nameLength = colon - line;
                if (is(in, line, nameLength, "upgrade"))
                {
                    upgrade = is(in, valueStart, valueEnd - valueStart, "websocket");
                }
                else if (is(in, line, nameLength, "connection"))
                {
                    connectionUpgrade |= hasToken(in, valueStart, valueEnd, "upgrade", false);
                }
                else if (is(in, line, nameLength, "sec-websocket-version"))
                {
                    version13 = is(in, valueStart, valueEnd - valueStart, "13");
                }
                else if (is(in, line, nameLength, "sec-websocket-key"))
                {
                    if (key != null || valueEnd == valueStart)
                    {
                        return null;
                    }
                    key = ByteBufUtil.getBytes(in, valueStart, valueEnd - valueStart);
                }
                else if (is(in, line, nameLength, "sec-websocket-protocol"))
                {
                    clasp |= hasToken(in, valueStart, valueEnd, HttpRequestHandler.SUBPROTOCOL, true);
                }
                else if (is(in, line, nameLength, "content-length") || is(in, line, nameLength, "transfer-encoding"))
                {
                    return null;
                }
                line = lineEnd + 2;
            }
            if (!upgrade || !connectionUpgrade || !version13 || key == null)
            {
                return null;
            }
            return new Request(in.toString(pathStart, pathEnd - pathStart, StandardCharsets.US_ASCII), key, clasp);
        }

        /** Index of the CR of the line starting at {@code from} (the head is known to end in CRLF CRLF). */
        private static int lineEnd(final ByteBuf in, final int from, final int end)
        {
            int i = in.indexOf(from, end, (byte)'\r');
            while (in.getByte(i + 1) != '\n')
            {
                i = in.indexOf(i + 1, end, (byte)'\r');
            }
            return i;
        }

        private static int skipSpaces(final ByteBuf in, final int from, final int end)
        {
            int i = from;
            while (i < end && (in.getByte(i) == ' ' || in.getByte(i) == '\t'))
            {
                i++;
            }
            return i;
        }

        private static int trimEnd(final ByteBuf in, final int from, final int end)
        {
            int i = end;
            while (i > from && (in.getByte(i - 1) == ' ' || in.getByte(i - 1) == '\t'))
            {
                i--;
            }
            return i;
        }

        private static boolean startsWith(final ByteBuf in, final int at, final byte[] prefix)
        {
            if (in.writerIndex() - at < prefix.length)
            {
                return false;
            }
            for (int i = 0; i < prefix.length; i++)
            {
                if (in.getByte(at + i) != prefix[i])
                {
                    return false;
                }
            }
            return true;
        }

        /** ASCII case-insensitive: the {@code length} bytes at {@code at} are {@code lower} (given in lower case). */
        private static boolean is(final ByteBuf in, final int at, final int length, final String lower)
        {
            if (length != lower.length())
            {
                return false;
            }
            for (int i = 0; i < length; i++)
            {
                int b = in.getByte(at + i);
                if (b >= 'A' && b <= 'Z')
                {
                    b += 'a' - 'A';
                }
                if (b != lower.charAt(i))
                {
                    return false;
                }
            }
            return true;
        }

        /**
         * The comma-separated list between {@code from} and {@code end} has the token {@code lower}: exactly
         * (subprotocols are compared as Netty's handshaker does) or ignoring ASCII case.
         */
        private static boolean hasToken(final ByteBuf in, final int from, final int end, final String lower,
            final boolean exact)
        {
            int i = from;
            while (i < end)
            {
                int comma = in.indexOf(i, end, (byte)',');
                if (comma < 0)
                {
                    comma = end;
                }
                final int s = skipSpaces(in, i, comma);
                final int e = trimEnd(in, s, comma);
                if (exact ? e - s == lower.length() && startsWith(in, s, lower.getBytes(StandardCharsets.US_ASCII)) :
                    is(in, s, e - s, lower))
                {
                    return true;
                }
                i = comma + 1;
            }
            return false;
        }
    }
}
