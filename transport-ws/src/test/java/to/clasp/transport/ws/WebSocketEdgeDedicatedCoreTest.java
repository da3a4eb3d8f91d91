package to.clasp.transport.ws;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import to.clasp.core.CoreThreading;
import to.clasp.transport.ws.testing.RouterFixture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every {@link WebSocketEdgeTest} again with the core on a thread of its own ({@link CoreThreading#DEDICATED}). */
final class WebSocketEdgeDedicatedCoreTest extends WebSocketEdgeTest
{
    @BeforeAll
    static void start()
    {
        fixture = RouterFixture.start(CoreThreading.DEDICATED);
    }

    @Test
    void theseTestsRunWithACoreThreadOfItsOwn()
    {
        assertEquals(CoreThreading.DEDICATED, threading());
        assertNull(fixture.router().sharedCore());
    }
}
