package to.clasp.core;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.Frame;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.ResultDecoder;
import to.clasp.protocol.SignalType;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A QUERY gets exactly ONE RESULT frame (the Python client resolves one pending query per RESULT, so a second frame
 * would answer its next query): when the matching definitions do not fit one frame (payload ≤ 65 535 bytes) the
 * RESULT holds the first ones in announce order that fit, and the truncation is counted (and logged).
 */
class QueryResultCapTest extends RouterFixture
{
    private static final int ADDRESS_PAD = 80;

    private static String address(final int i)
    {
        return "/big/" + "x".repeat(ADDRESS_PAD) + "/" + i;
    }

    @Test
    void aResultThatWouldNotFitOneFrameIsCappedToOneFrameAndCounted()
    {
        start();
        final TestClient c = client("c");
        final int total = 1500; // ≈ 1500 × 95 bytes ≈ 140 KB of entries: more than twice one frame
        final int perFrame = 300;
        for (int first = 0; first < total; first += perFrame)
        {
            final String[] addresses = new String[perFrame];
            final int[] signals = new int[perFrame];
            for (int i = 0; i < perFrame; i++)
            {
                addresses[i] = address(first + i);
                signals[i] = SignalType.PARAM;
            }
            c.send(Frames.announce(0, "/big", addresses, signals));
        }
        c.expectNothingMore();
        assertEquals(0, router.metrics().queryResultsTruncated());

        c.send(Frames.query("/big/**"));
        final Received r = c.expect(MessageType.RESULT);
        assertTrue(r.bytes().length <= Frame.MAX_FRAME_LENGTH, "one frame: " + r.bytes().length);
        assertTrue(r.bytes().length > 60_000, "filled, not cut early: " + r.bytes().length);
        final ResultDecoder result = r.decoder().result();
        final int count = result.count();
        assertTrue(count > 0 && count < total, "capped: " + count);
        for (int i = 0; i < count; i++)
        {
            assertEquals(address(i), result.entry(i).address(), "the first ones in announce order");
        }
        c.expectNothingMore(); // no second RESULT frame
        await(() -> router.metrics().queryResultsTruncated() == 1, "truncation counted");

        c.send(Frames.query("/big/*/7")); // fits: not counted
        assertEquals(1, c.expect(MessageType.RESULT).decoder().result().count());
        c.expectNothingMore();
        assertEquals(1, router.metrics().queryResultsTruncated());
    }
}
