package to.clasp.transport.aeron;

import to.clasp.core.CoreThreading;

/** {@link MixedTransportsTest} with the core on a thread of its own: both edges hand frames to it through the ring. */
class MixedTransportsDedicatedCoreTest extends MixedTransportsTest
{
    MixedTransportsDedicatedCoreTest()
    {
        threading = CoreThreading.DEDICATED;
    }
}
