package to.clasp.transport.ws;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import to.clasp.core.CoreThreading;
import to.clasp.transport.ws.testing.RouterFixture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Every {@link WebSocketClaspClientTest} against an edge on Netty's NIO transport (where native epoll is missing: macOS,
 * Windows), with the core shared with its first event loop: the hosting handler must work over either I/O handler.
 */
final class WebSocketClaspClientNioTest extends WebSocketClaspClientTest
{
    @BeforeAll
    static void start()
    {
        fixture = RouterFixture.start(CoreThreading.SHARED, r -> r, e -> e.epoll(false));
    }

    @Test
    void theseTestsRunOnNioWithASharedCore()
    {
        assertFalse(fixture.edge().context().useEpoll());
        assertNotNull(fixture.router().sharedCore());
    }
}
