package to.clasp.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterClockTest
{
    /**
     * The offset clock must agree with the system's wall clock to within scheduling noise. (Not asserted: strict
     * monotonicity — a once-a-second re-sample may correct the offset by a few µs either way, as the wall clock
     * itself may.)
     */
    @Test
    void systemEpochMicrosTracksTheWallClock()
    {
        for (int i = 0; i < 1000; i++)
        {
            final long before = System.currentTimeMillis() * 1000;
            final long micros = RouterClock.SYSTEM.epochMicros();
            final long after = (System.currentTimeMillis() + 1) * 1000;
            assertTrue(micros >= before - 20_000 && micros <= after + 20_000, before + " <= " + micros + " <= " + after);
        }
    }
}
