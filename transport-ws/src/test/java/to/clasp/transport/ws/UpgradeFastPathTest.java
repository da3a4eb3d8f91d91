package to.clasp.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which first reads the upgrade fast path answers itself and which it leaves to Netty's HTTP stack (null). The
 * answers on real sockets, both paths, are in {@link WebSocketEdgeTest}.
 */
class UpgradeFastPathTest
{
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    @Test
    void takesTheUsualRequestWithAnyHeaderCase()
    {
        final UpgradeFastPath.Request r = parse("GET /x?token=1 HTTP/1.1\r\nHost: h\r\nupgrade: WebSocket\r\n" +
            "CONNECTION: keep-alive, Upgrade\r\nsec-websocket-key:  " + KEY + " \r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Protocol: chat, clasp\r\n\r\n");
        assertNotNull(r);
        assertEquals("/x?token=1", r.path);
        assertArrayEquals(KEY.getBytes(StandardCharsets.US_ASCII), r.key);
        assertTrue(r.clasp);
    }

    @Test
    void subprotocolIsMatchedExactlyAndIsOptional()
    {
        assertFalse(parse(request("Sec-WebSocket-Protocol: CLASP\r\n")).clasp);
        assertFalse(parse(request("")).clasp);
    }

    @Test
    void leavesEverythingElseToTheHttpStack()
    {
        assertNull(parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), "plain GET (health probe)");
        assertNull(parse(request("").replace("Version: 13", "Version: 8")), "other WebSocket version");
        assertNull(parse(request("").replace("Sec-WebSocket-Key: " + KEY + "\r\n", "")), "no key");
        assertNull(parse(request("").replace("Connection: Upgrade", "Connection: keep-alive")), "no Connection token");
        assertNull(parse(request("Content-Length: 0\r\n")), "a body length");
        assertNull(parse(request("X-Folded: a\r\n b\r\n")), "a folded header");
        assertNull(parse(request("Sec-WebSocket-Key: " + KEY + "\r\n")), "two keys");
        assertNull(parse(request("").replace("GET", "POST")), "not GET");
        assertNull(parse(request("").replace("HTTP/1.1", "HTTP/1.0")), "HTTP/1.0");
        final String whole = request("");
        assertNull(parse(whole.substring(0, whole.length() - 2)), "head not complete in this read");
        assertNull(parse(whole + "\u0082"), "bytes after the head");
    }

    private static String request(final String extraHeaders)
    {
        return "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
    }

    private static UpgradeFastPath.Request parse(final String request)
    {
        final ByteBuf in = Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1);
        try
        {
            final int before = in.readerIndex();
            final UpgradeFastPath.Request r = UpgradeFastPath.Request.parse(in);
            assertEquals(before, in.readerIndex(), "parse reads without consuming");
            return r;
        }
        finally
        {
            in.release();
        }
    }
}
