package to.clasp.transport.aeron;

/**
 * {@link MixedTransportsTest} with the core on the Aeron edge's agent ({@code --core-thread aeron}): WebSocket frames
 * reach the core through the ring and wake the agent; Aeron frames are routed on the thread that polled them.
 */
class MixedTransportsCoreOnAeronTest extends MixedTransportsTest
{
    MixedTransportsCoreOnAeronTest()
    {
        coreOnAeron = true;
    }
}
