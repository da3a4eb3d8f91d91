package to.clasp.transport.aeron;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Every {@link AeronClientsTest} with the router core on the Aeron edge's agent thread ({@code --core-thread aeron}):
 * an Aeron message is routed and its fan-out offered in the same duty cycle.
 */
class AeronClientsCoreOnEdgeTest extends AeronClientsTest
{
    AeronClientsCoreOnEdgeTest()
    {
        coreOnEdge = true;
    }

    @Test
    void theseTestsRunWithTheCoreOnTheEdge()
    {
        assertNotNull(fixture().router().sharedCore());
    }
}
