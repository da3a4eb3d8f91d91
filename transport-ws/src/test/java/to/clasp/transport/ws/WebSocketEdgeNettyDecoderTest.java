package to.clasp.transport.ws;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import to.clasp.core.CoreThreading;
import to.clasp.transport.ws.testing.RouterFixture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link WebSocketEdgeTest} case with the fallback decoder ({@code -Dclasp.ws.flyweight.decoder=false}): Netty's
 * frame decoder, aggregator and flow-control handler instead of {@link FlyweightFrameDecoder} (the default).
 */
class WebSocketEdgeNettyDecoderTest extends WebSocketEdgeTest
{
    @BeforeAll
    static void start()
    {
        fixture = RouterFixture.start(CoreThreading.SHARED, r -> r, e -> e.flyweightDecoder(false));
    }

    @Test
    void theseTestsRunWithNettysDecoder()
    {
        assertFalse(fixture.edge().context().flyweightDecoder());
    }

    @Test
    void theFlyweightDecoderIsTheDefault()
    {
        assertTrue(new WebSocketEdge.Context().flyweightDecoder(), "on unless -D" +
            WebSocketEdge.Context.FLYWEIGHT_DECODER_PROP + "=false");
    }
}
