package to.clasp.transport.ws;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import to.clasp.core.CoreThreading;
import to.clasp.transport.ws.testing.RouterFixture;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link WebSocketEdgeTest} case with the inbound frames decoded by {@link FlyweightFrameDecoder} straight into
 * the ring ({@code -Dclasp.ws.flyweight.decoder=true}) instead of Netty's decoder and aggregator.
 */
class WebSocketEdgeFlyweightDecoderTest extends WebSocketEdgeTest
{
    @BeforeAll
    static void start()
    {
        fixture = RouterFixture.start(CoreThreading.SHARED, r -> r, e -> e.flyweightDecoder(true));
    }

    @Test
    void theseTestsRunWithTheFlyweightDecoder()
    {
        assertTrue(fixture.edge().context().flyweightDecoder());
    }
}
