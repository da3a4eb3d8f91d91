package to.clasp.benchmarks.load;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacerTest
{
    @Test
    void intendedTimesFollowTheRateFromTheStartWhateverHappened()
    {
        final Pacer pacer = new Pacer(1_000, 4_000, 0); // 250 µs apart
        assertEquals(1_000, pacer.intendedNs(0));
        assertEquals(1_000 + 250_000, pacer.intendedNs(1));
        assertEquals(1_000 + 250_000L * 1_000_000, pacer.intendedNs(1_000_000), "no drift over a long run");
    }

    @Test
    void fractionalPeriodsDoNotAccumulateRoundingError()
    {
        final Pacer pacer = new Pacer(0, 3, 0); // 333 333 333.3 ns apart
        assertEquals(1_000_000_000L, pacer.intendedNs(3), 1);
        assertEquals(1_000_000_000_000L, pacer.intendedNs(3_000), 1);
    }

    @Test
    void dueCountIsHowManyIntendedTimesHavePassed()
    {
        final Pacer pacer = new Pacer(1_000, 1_000_000, 0); // 1 µs apart
        assertEquals(0, pacer.dueCount(999));
        assertEquals(1, pacer.dueCount(1_000));
        assertEquals(1, pacer.dueCount(1_999));
        assertEquals(2, pacer.dueCount(2_000));
        assertEquals(11, pacer.dueCount(11_000));
    }

    @Test
    void awaitUntilReturnsNoEarlierThanTheTarget()
    {
        for (final long spin : new long[] {0, 20_000})
        {
            final Pacer pacer = new Pacer(System.nanoTime(), 1_000, spin);
            for (int i = 1; i <= 5; i++)
            {
                final long target = pacer.intendedNs(i);
                assertTrue(pacer.awaitUntil(target) >= target);
            }
        }
    }

    @Test
    void aLateSenderIsNotHeldBack()
    {
        final Pacer pacer = new Pacer(System.nanoTime() - 1_000_000_000L, 10, 0);
        final long before = System.nanoTime();
        pacer.awaitUntil(pacer.intendedNs(5)); // intended half a second ago
        assertTrue(System.nanoTime() - before < 50_000_000L);
    }

    @Test
    void rejectsNonsense()
    {
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, 10, -1));
    }
}
