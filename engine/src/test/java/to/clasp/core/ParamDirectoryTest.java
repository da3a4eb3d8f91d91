package to.clasp.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import to.clasp.address.AddressRules;
import to.clasp.address.AddressView;
import to.clasp.address.Pattern;
import to.clasp.state.ParamStore;
import to.clasp.state.ParamWrite;
import to.clasp.state.WriteResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParamDirectoryTest
{
    private final ParamStore store = new ParamStore(new ParamStore.Context().maxParams(10_000));
    private final ParamDirectory directory = new ParamDirectory(store);
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[] {0});
    private final UnsafeBuffer writer = new UnsafeBuffer(new byte[1]);

    @AfterEach
    void close()
    {
        store.close();
    }

    private int write(final String address)
    {
        final byte[] bytes = address.getBytes(StandardCharsets.UTF_8);
        final AddressView view = new AddressView().wrapValid(new UnsafeBuffer(bytes), 0, bytes.length);
        final WriteResult result = new WriteResult();
        store.write(new ParamWrite().address(view).value(value, 0, 1).writer(0, writer, 0, 1), result);
        directory.onWrite(result.id(), result.created());
        return result.id();
    }

    private void remove(final int id)
    {
        directory.remove(id);
        store.remove(id);
    }

    /** What the snapshot sends: the candidates that are live and match. */
    private TreeSet<String> indexed(final Pattern pattern)
    {
        final IntArrayList candidates = new IntArrayList();
        if (!directory.candidates(pattern, candidates))
        {
            assertEquals(0, candidates.size(), "nothing listed when it says: scan");
            assertTrue(ParamDirectory.literalDirectoryPrefix(pattern.bytes(), pattern.bytes().capacity()) == 0 ||
                2 * scannedUnder(pattern) > store.size(), "scan only when the subtree is most of the store");
            return scanned(pattern);
        }
        final TreeSet<String> out = new TreeSet<>();
        for (int i = 0; i < candidates.size(); i++)
        {
            final int id = candidates.getInt(i);
            final String address = store.address(id);
            assertTrue(out.add(address), "candidate listed twice: " + address);
            if (pattern.matches(address))
            {
                continue;
            }
            out.remove(address);
        }
        return out;
    }

    /** Params at or under the pattern's literal directory prefix. */
    private int scannedUnder(final Pattern pattern)
    {
        final String prefix = pattern.text().substring(0,
            ParamDirectory.literalDirectoryPrefix(pattern.bytes(), pattern.bytes().capacity()));
        final int[] n = {0};
        store.forEachLive(id ->
        {
            if (store.address(id).startsWith(prefix + "/"))
            {
                n[0]++;
            }
        });
        return n[0];
    }

    /** The reference: every param in the store, checked with the pattern. */
    private TreeSet<String> scanned(final Pattern pattern)
    {
        final TreeSet<String> out = new TreeSet<>();
        store.forEachLive(id ->
        {
            if (pattern.matches(store.address(id)))
            {
                out.add(store.address(id));
            }
        });
        return out;
    }

    private static String randomAddress(final Random random)
    {
        final String[] segments = {"a", "b", "c", "ab", "x1", "é"};
        final StringBuilder sb = new StringBuilder();
        final int depth = 1 + random.nextInt(4);
        for (int i = 0; i < depth; i++)
        {
            sb.append('/').append(segments[random.nextInt(segments.length)]);
        }
        return sb.toString();
    }

    private static String randomPattern(final Random random)
    {
        final String[] segments = {"a", "b", "c", "ab", "x1", "é", "*", "**", "a*", "*b", "x*1"};
        final StringBuilder sb = new StringBuilder();
        final int depth = 1 + random.nextInt(4);
        for (int i = 0; i < depth; i++)
        {
            sb.append('/').append(segments[random.nextInt(segments.length)]);
        }
        if (random.nextInt(10) == 0)
        {
            sb.append('/'); // trailing empty segment
        }
        return sb.toString();
    }

    /**
     * Random writes and removals, then random patterns (literal, '*', '**', globs, trailing '/'): the params the
     * index offers, filtered by the pattern, are exactly those a scan of the whole store finds. A missing candidate
     * (a directory that was pruned too early, a prefix cut one segment too long, "/a/**" forgetting "/a") fails it.
     */
    @Test
    void candidatesFilteredByThePatternAreExactlyWhatAFullScanFinds()
    {
        final Random random = new Random(3);
        final List<Integer> live = new ArrayList<>();
        for (int round = 0; round < 300; round++)
        {
            for (int i = 0; i < 20; i++)
            {
                final int id = write(randomAddress(random));
                if (!live.contains(id))
                {
                    live.add(id);
                }
            }
            for (int i = 0; i < 12 && !live.isEmpty(); i++)
            {
                remove(live.remove(random.nextInt(live.size())));
            }
            for (int i = 0; i < 20; i++)
            {
                final String text = randomPattern(random);
                if (AddressRules.validatePattern(text) != AddressRules.VALID)
                {
                    continue;
                }
                final Pattern pattern = Pattern.compile(text);
                assertEquals(scanned(pattern), indexed(pattern), text);
            }
        }
    }

    @Test
    void aLiteralPrefixLimitsTheCandidatesToItsSubtreeAndAnExactPatternToOneLookup()
    {
        for (int room = 0; room < 50; room++)
        {
            for (int k = 0; k < 10; k++)
            {
                write("/sensors/room" + room + "/p" + k);
            }
        }
        write("/sensors/room7");
        IntArrayList candidates = new IntArrayList();
        assertTrue(directory.candidates(Pattern.compile("/sensors/room7/*"), candidates));
        assertEquals(11, candidates.size(), "room7's 10 params and /sensors/room7 itself, not all 501");
        assertTrue(!directory.candidates(Pattern.compile("/sensors/*/p1"), new IntArrayList()),
            "all params are under /sensors: scan instead");
        assertTrue(!directory.candidates(Pattern.compile("/*/room7"), new IntArrayList()), "no literal prefix");
        candidates = new IntArrayList();
        directory.candidates(Pattern.compile("/sensors/room7/p3"), candidates);
        assertEquals(1, candidates.size());
        candidates = new IntArrayList();
        directory.candidates(Pattern.compile("/nothing/here/*"), candidates);
        assertEquals(0, candidates.size());
    }

    @Test
    void emptyDirectoriesArePrunedAndRemovingUnknownIdsIsHarmless()
    {
        final int a = write("/a/b/c/d");
        final int b = write("/a/x");
        assertEquals(3, directory.directoryCount()); // /a, /a/b, /a/b/c (the root is not counted)
        remove(a);
        assertEquals(1, directory.directoryCount());
        remove(b);
        assertEquals(0, directory.directoryCount());
        directory.remove(12345);
        directory.remove(a);
        assertEquals(0, directory.directoryCount());
    }
}
