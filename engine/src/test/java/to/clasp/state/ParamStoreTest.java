package to.clasp.state;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParamStoreTest
{
    private static final String UUID_A = "3f2b8c1e-7d4a-4e2f-9b1c-0a5d6e7f8a9b";
    private static final String UUID_B = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
    private static final long SECOND = 1_000_000L;
    private static final long ABSOLUTE = 0x8000_0000L;

    private final List<ParamStore> stores = new ArrayList<>();
    private ParamStore store = newStore(new ParamStore.Context().maxParams(1000).initialParams(4));
    private SetRequest set = new SetRequest(store);

    private ParamStore newStore(final ParamStore.Context context)
    {
        final ParamStore s = new ParamStore(context);
        stores.add(s);
        return s;
    }

    private void use(final ParamStore.Context context)
    {
        store = newStore(context);
        set = new SetRequest(store);
    }

    @AfterEach
    void close()
    {
        stores.forEach(ParamStore::close);
    }

    private byte[] value(final int id)
    {
        final byte[] bytes = new byte[store.valueLength(id)];
        store.valueBuffer().getBytes(store.valueOffset(id), bytes);
        return bytes;
    }

    private double f64(final int id)
    {
        assertEquals(9, store.valueLength(id));
        assertEquals(0x07, store.valueBuffer().getByte(store.valueOffset(id)));
        return store.valueBuffer().getDouble(store.valueOffset(id) + 1, ByteOrder.BIG_ENDIAN);
    }

    // ------------------------------------------------------------------------------------------ revisions

    @Test
    void firstWriteHasRevisionOneAndEachAcceptedWriteAddsOne()
    {
        final int id = set.set("/a/b").f64(1.0).apply();
        assertTrue(id >= 0);
        assertEquals(1, store.revision(id));
        assertEquals(1, store.size());

        for (int i = 2; i <= 5; i++)
        {
            assertEquals(id, set.set("/a/b").f64(i).apply());
            assertEquals(i, store.revision(id));
        }
        assertEquals(5.0, f64(id));
        assertEquals(1, store.size());
        assertEquals(id, store.find("/a/b"));
        assertEquals(ParamStore.NULL_ID, store.find("/a/c"));
    }

    @Test
    void storesValueWriterTimestampAndAddressZeroCopy()
    {
        final int id = set.set("/mixer/ch1/gain").f64(0.75).from(3, UUID_A).at(1_700_000_000_000_000L).apply();

        assertEquals(0.75, f64(id));
        assertEquals(1_700_000_000_000_000L, store.timestamp(id));
        assertEquals(UUID_A, store.writer(id));
        assertEquals(UUID_A, store.writerBuffer().getStringWithoutLengthAscii(store.writerOffset(id),
            store.writerLength(id)));
        assertEquals("/mixer/ch1/gain", store.address(id));
        assertEquals("/mixer/ch1/gain", store.addressBuffer().getStringWithoutLengthUtf8(store.addressOffset(id),
            store.addressLength(id)));

        final UnsafeBuffer copy = new UnsafeBuffer(new byte[64]);
        final int length = store.copyAddress(id, copy, 5);
        assertEquals("/mixer/ch1/gain", copy.getStringWithoutLengthUtf8(5, length));
        assertEquals(ParamStore.NO_LOCK_HOLDER, store.lockHolder(id));
        assertFalse(store.hasTtl(id));
        assertEquals(ParamStore.NEVER, store.expiryDeadline(id));
    }

    @Test
    void revisionMismatchOnExistingParamIsConflictAndChangesNothing()
    {
        final int id = set.set("/p").f64(1.0).from(1, UUID_A).at(10).apply();
        set.set("/p").f64(2.0).from(1, UUID_A).at(20).apply();

        final int result = set.set("/p").f64(99.0).from(2, UUID_B).expect(1).at(30).apply();

        assertEquals(-WriteResult.REVISION_CONFLICT, result);
        assertEquals(2, set.result().actualRevision());
        assertEquals(2, store.revision(id));
        assertEquals(2.0, f64(id));
        assertEquals(20, store.timestamp(id));
        assertEquals(UUID_A, store.writer(id));
    }

    @Test
    void matchingExpectedRevisionIsAccepted()
    {
        final int id = set.set("/p").f64(1.0).apply();
        assertEquals(id, set.set("/p").f64(2.0).expect(1).apply());
        assertEquals(2, store.revision(id));
        assertEquals(-WriteResult.REVISION_CONFLICT, set.set("/p").f64(3.0).expect(1).apply());
        assertEquals(id, set.set("/p").f64(3.0).expect(2).apply());
        assertEquals(3.0, f64(id));
    }

    @Test
    void expectedRevisionOnNewParamIsNotChecked()
    {
        final int id = set.set("/new").f64(1.0).expect(42).apply();
        assertTrue(id >= 0);
        assertEquals(1, store.revision(id));
    }

    // ------------------------------------------------------------------------------------------ locks

    @Test
    void lockMakesWriterHolderAndRefusesOtherSessions()
    {
        final int id = set.set("/l").f64(1.0).from(1, UUID_A).lock().apply();
        assertEquals(1, store.lockHolder(id));
        assertEquals(1, store.lockCount(1));

        assertEquals(-WriteResult.LOCK_HELD, set.set("/l").f64(2.0).from(2, UUID_B).apply());
        assertEquals(-WriteResult.LOCK_HELD, set.set("/l").f64(2.0).from(2, UUID_B).lock().apply());
        assertEquals(1.0, f64(id));
        assertEquals(1, store.revision(id));

        assertEquals(id, set.set("/l").f64(3.0).from(1, UUID_A).apply(), "holder keeps writing");
        assertEquals(id, set.set("/l").f64(4.0).from(1, UUID_A).lock().apply(), "re-lock by holder");
        assertEquals(1, store.lockHolder(id));
        assertEquals(1, store.lockCount(1));
        assertEquals(3, store.revision(id));
    }

    @Test
    void lockOnExistingUnlockedParamIsAcquired()
    {
        final int id = set.set("/l").f64(1.0).from(2, UUID_B).apply();
        assertEquals(id, set.set("/l").f64(1.0).from(1, UUID_A).lock().apply());
        assertEquals(1, store.lockHolder(id));
    }

    @Test
    void unlockBitFromNonHolderIsStillLockHeld()
    {
        final int id = set.set("/l").f64(1.0).from(1, UUID_A).lock().apply();

        assertEquals(-WriteResult.LOCK_HELD, set.set("/l").f64(2.0).from(2, UUID_B).unlock().apply());
        assertEquals(1, store.lockHolder(id));
        assertEquals(1.0, f64(id));
        assertEquals(UUID_A, store.writer(id));
    }

    @Test
    void lockHeldIsReportedBeforeRevisionConflict()
    {
        set.set("/l").f64(1.0).from(1, UUID_A).lock().apply();
        assertEquals(-WriteResult.LOCK_HELD, set.set("/l").f64(2.0).from(2, UUID_B).expect(7).apply());
    }

    @Test
    void holderUnlockReleasesAndAppliesInTheSameWrite()
    {
        final int id = set.set("/l").f64(1.0).from(1, UUID_A).lock().apply();

        assertEquals(id, set.set("/l").f64(2.0).from(1, UUID_A).unlock().apply());
        assertEquals(ParamStore.NO_LOCK_HOLDER, store.lockHolder(id));
        assertEquals(2.0, f64(id));
        assertEquals(2, store.revision(id));
        assertEquals(0, store.lockCount(1));

        assertEquals(id, set.set("/l").f64(3.0).from(2, UUID_B).apply(), "others may write again");
    }

    @Test
    void lockAndUnlockTogetherLeaveTheParamUnlocked()
    {
        final int fresh = set.set("/both").f64(1.0).from(1, UUID_A).lock().unlock().apply();
        assertEquals(ParamStore.NO_LOCK_HOLDER, store.lockHolder(fresh));

        final int held = set.set("/held").f64(1.0).from(1, UUID_A).lock().apply();
        assertEquals(held, set.set("/held").f64(2.0).from(1, UUID_A).lock().unlock().apply());
        assertEquals(ParamStore.NO_LOCK_HOLDER, store.lockHolder(held));
        assertEquals(0, store.lockCount(1));
    }

    @Test
    void releaseLocksClearsOnlyThatSessionsLocks()
    {
        final int a = set.set("/a").f64(1).from(1, UUID_A).lock().apply();
        final int b = set.set("/b").f64(1).from(1, UUID_A).lock().apply();
        final int c = set.set("/c").f64(1).from(1, UUID_A).lock().apply();
        final int d = set.set("/d").f64(1).from(2, UUID_B).lock().apply();
        set.set("/b").f64(2).from(1, UUID_A).unlock().apply();

        assertEquals(2, store.releaseLocks(1));
        for (final int id : new int[]{ a, b, c })
        {
            assertEquals(ParamStore.NO_LOCK_HOLDER, store.lockHolder(id));
        }
        assertEquals(2, store.lockHolder(d));
        assertEquals(0, store.releaseLocks(1), "nothing left to release");
        assertEquals(0, store.releaseLocks(77), "a session that never locked");
        assertEquals(a, set.set("/a").f64(5).from(2, UUID_B).apply());

        assertEquals(1, store.releaseLocks(2));
        assertEquals(ParamStore.NO_LOCK_HOLDER, store.lockHolder(d));
    }

    @Test
    void sessionCanLockAgainAfterRelease()
    {
        final int a = set.set("/a").f64(1).from(1, UUID_A).lock().apply();
        store.releaseLocks(1);
        assertEquals(a, set.set("/a").f64(1).from(2, UUID_B).lock().apply());
        assertEquals(2, store.lockHolder(a));
        assertEquals(-WriteResult.LOCK_HELD, set.set("/a").f64(1).from(1, UUID_A).apply());
    }

    @Test
    void writerSurvivesDisconnect()
    {
        final int id = set.set("/w").f64(1).from(4, UUID_A).lock().apply();
        store.releaseLocks(4);
        assertEquals(UUID_A, store.writer(id));

        set.set("/w").f64(2).from(5, UUID_B).apply();
        assertEquals(UUID_B, store.writer(id));
    }

    // ------------------------------------------------------------------------------------------ check is pure

    @Test
    void checkReportsWithoutChangingAnything()
    {
        final int id = set.set("/c").f64(1).from(1, UUID_A).lock().apply();

        assertEquals(WriteResult.LOCK_HELD, set.set("/c").f64(2).from(2, UUID_B).unlock().check());
        assertEquals(WriteResult.OK, set.set("/c").f64(2).from(1, UUID_A).unlock().check());
        assertEquals(WriteResult.REVISION_CONFLICT, set.set("/c").f64(2).from(1, UUID_A).expect(9).check());
        assertEquals(1, set.result().actualRevision());
        assertEquals(WriteResult.OK, set.set("/new").f64(2).from(2, UUID_B).expect(9).lock().check());

        assertEquals(1, store.lockHolder(id), "unlock in check did not release");
        assertEquals(1, store.revision(id));
        assertEquals(1, store.size());
    }

    @Test
    void checkCountsTheBundleEntriesBeforeIt()
    {
        final int id = set.set("/p").f64(1).apply();

        // Two earlier entries of the same bundle will have written /p: it will be at revision 3.
        assertEquals(WriteResult.OK, set.set("/p").f64(2).expect(3).pending(2).check());
        assertEquals(WriteResult.REVISION_CONFLICT, set.set("/p").f64(2).expect(1).pending(2).check());
        assertEquals(3, set.result().actualRevision());
        assertEquals(id, set.result().id());

        // A new address written by an earlier entry exists by then, so its expected revision is checked.
        assertEquals(WriteResult.OK, set.set("/q").f64(2).expect(1).pending(1).check());
        assertEquals(WriteResult.REVISION_CONFLICT, set.set("/q").f64(2).expect(5).pending(1).check());
        assertEquals(1, set.result().actualRevision());
        assertEquals(ParamStore.NULL_ID, set.result().id(), "the address is new");
        assertEquals(WriteResult.OK, set.set("/q").f64(2).expect(5).check(), "alone: new, not checked");

        assertThrows(IllegalArgumentException.class, () -> set.set("/p").f64(2).pending(1).apply(),
            "pending writes are for check only");
        assertEquals(1, store.revision(id));
        assertEquals(1, store.size());
    }

    // ------------------------------------------------------------------------------------------ capacity

    @Test
    void newAddressAtCapacityIsStateFullAndNothingIsEvicted()
    {
        use(new ParamStore.Context().maxParams(3).initialParams(1));
        final int a = set.set("/a").f64(1).apply();
        final int b = set.set("/b").f64(2).apply();
        final int c = set.set("/c").f64(3).apply();

        assertEquals(WriteResult.STATE_FULL, set.set("/d").f64(4).check());
        assertEquals(-WriteResult.STATE_FULL, set.set("/d").f64(4).apply());
        assertEquals(ParamStore.NULL_ID, store.find("/d"));
        assertEquals(3, store.size());
        assertEquals(1.0, f64(a));
        assertEquals(2.0, f64(b));
        assertEquals(3.0, f64(c));

        assertEquals(b, set.set("/b").f64(20).apply(), "existing addresses stay writable at capacity");
        assertEquals(20.0, f64(b));

        assertTrue(store.remove(a));
        final int d = set.set("/d").f64(4).apply();
        assertEquals(a, d, "the freed id is reused");
        assertEquals(4.0, f64(d));
        assertEquals(ParamStore.NULL_ID, store.find("/a"));
    }

    @Test
    void fullValueArenaIsStateFullForNewAndGrowingValuesOnly()
    {
        use(new ParamStore.Context().maxParams(100).maxArenaBytes(65536).initialArenaBytes(1024));
        final int big = set.set("/big").value(32768, (byte)1).apply();
        final int small = set.set("/small").value(20, (byte)2).apply();
        assertTrue(big >= 0 && small >= 0);
        // used: 16 + 32768 + 16 + 32 = 32832 of 65536; a 32 KiB slot no longer fits under the limit.
        assertEquals(WriteResult.STATE_FULL, set.set("/bg2").value(32768, (byte)3).check());
        assertEquals(-WriteResult.STATE_FULL, set.set("/big2").value(32768, (byte)3).apply());
        assertEquals(-WriteResult.STATE_FULL, set.set("/small").value(20000, (byte)3).apply(), "growth");
        assertEquals(1, store.revision(small));
        assertArrayEquals(filled(20, (byte)2), value(small));

        assertEquals(small, set.set("/small").value(30, (byte)4).apply(), "in-place update needs no space");
        assertArrayEquals(filled(30, (byte)4), value(small));
        assertEquals(2, store.size());
    }

    @Test
    void checkedBundleAtTheArenaLimitCanBeApplied()
    {
        use(new ParamStore.Context().maxParams(100).maxArenaBytes(131072).initialArenaBytes(1024));
        assertTrue(set.set("/f1").value(65535, (byte)1).apply() >= 0);
        assertTrue(set.set("/f2").value(32768, (byte)1).apply() >= 0);
        assertEquals(16 + 65536 + 16 + 32768, store.arenaUsedBytes());

        // A "bundle" of four new 8000 B params: each passes check against the limit on its own (the core checks
        // them all before applying any), but together they need 4 × (16 + 8192) B, 96 B more than is left...
        for (int i = 0; i < 4; i++)
        {
            assertEquals(WriteResult.OK, set.set("/b" + i).value(8000, (byte)i).check());
        }
        // ...and the headroom lets every one of them be applied.
        for (int i = 0; i < 4; i++)
        {
            assertTrue(set.set("/b" + i).value(8000, (byte)i).inCheckedBundle().apply() >= 0, "entry " + i);
        }
        assertEquals(131072 + 96, store.arenaUsedBytes());
        assertEquals(WriteResult.STATE_FULL, set.set("/b9").value(1, (byte)1).check());
        assertEquals(-WriteResult.STATE_FULL, set.set("/b9").value(1, (byte)1).apply());
    }

    @Test
    void outsideABundleWritesStopAtTheArenaLimit()
    {
        use(new ParamStore.Context().maxParams(100).maxArenaBytes(131072).initialArenaBytes(1024));
        set.set("/f1").value(65535, (byte)1).apply();
        set.set("/f2").value(32768, (byte)1).apply();
        for (int i = 0; i < 3; i++)
        {
            assertTrue(set.set("/b" + i).value(8000, (byte)i).apply() >= 0, "entry " + i);
        }
        assertEquals(-WriteResult.STATE_FULL, set.set("/b3").value(8000, (byte)3).apply(), "headroom stays free");
        assertEquals(16 + 65536 + 16 + 32768 + 3 * (16 + 8192), store.arenaUsedBytes());
    }

    // ------------------------------------------------------------------------------------------ TTL

    @Test
    void slidingTtlExpiresNSecondsAfterTheLastWrite()
    {
        final long t0 = 1_000 * SECOND;
        final int id = set.set("/s").f64(1).ttl(10).at(t0).apply();
        assertTrue(store.hasTtl(id));
        assertEquals(10, store.ttlRaw(id));
        assertEquals(t0 + 10 * SECOND, store.expiryDeadline(id));

        assertEquals(0, store.expire(t0 + 10 * SECOND - 1, null));
        set.set("/s").f64(2).at(t0 + 5 * SECOND).apply();
        assertEquals(t0 + 15 * SECOND, store.expiryDeadline(id), "a write without TTL field keeps sliding");
        assertTrue(store.hasTtl(id));

        assertEquals(0, store.expire(t0 + 12 * SECOND, null));
        assertEquals(id, store.find("/s"));

        final List<String> expired = new ArrayList<>();
        assertEquals(1, store.expire(t0 + 15 * SECOND, i -> expired.add(store.address(i))));
        assertEquals(List.of("/s"), expired, "handler sees the record before removal");
        assertEquals(ParamStore.NULL_ID, store.find("/s"));
        assertEquals(0, store.size());
        assertFalse(store.isLive(id));
    }

    @Test
    void absoluteTtlIsAnchoredAtTheWriteThatSetIt()
    {
        final long t0 = 50 * SECOND;
        final int id = set.set("/abs").f64(1).ttl(ABSOLUTE | 10).at(t0).apply();
        assertEquals(ABSOLUTE | 10, store.ttlRaw(id));

        set.set("/abs").f64(2).at(t0 + 9 * SECOND).apply();
        assertEquals(t0 + 10 * SECOND, store.expiryDeadline(id), "a write without TTL does not move it");
        assertEquals(0, store.expire(t0 + 10 * SECOND - 1, null));
        assertEquals(1, store.expire(t0 + 10 * SECOND, null));
        assertEquals(ParamStore.NULL_ID, store.find("/abs"));
    }

    @Test
    void writeCarryingTtlRearmsAndChangesMode()
    {
        final long t0 = 50 * SECOND;
        final int id = set.set("/x").f64(1).ttl(ABSOLUTE | 10).at(t0).apply();
        set.set("/x").f64(2).ttl(ABSOLUTE | 10).at(t0 + 8 * SECOND).apply();
        assertEquals(t0 + 18 * SECOND, store.expiryDeadline(id));

        set.set("/x").f64(3).ttl(4).at(t0 + 9 * SECOND).apply();
        assertEquals(t0 + 13 * SECOND, store.expiryDeadline(id), "switched to sliding, earlier deadline");
        assertEquals(1, store.expire(t0 + 13 * SECOND, null));
    }

    @Test
    void shorterTtlMovesTheDeadlineEarlier()
    {
        final int id = set.set("/x").f64(1).ttl(100).at(0).apply();
        set.set("/other").f64(1).ttl(50).at(0).apply();
        set.set("/x").f64(2).ttl(1).at(SECOND).apply();
        assertEquals(1, store.expire(2 * SECOND, null));
        assertFalse(store.isLive(id));
        assertEquals(1, store.size());
    }

    @Test
    void rawZeroNeverExpiresAndClearsAnEarlierTtl()
    {
        final int id = set.set("/z").f64(1).ttl(5).at(0).apply();
        set.set("/z").f64(2).ttl(0).at(SECOND).apply();
        assertTrue(store.hasTtl(id));
        assertEquals(0, store.ttlRaw(id));
        assertEquals(ParamStore.NEVER, store.expiryDeadline(id));
        assertEquals(ParamStore.NEVER, store.nextExpiryCheckMicros());
        assertEquals(0, store.expire(Long.MAX_VALUE - 1, null));

        final int abs0 = set.set("/abs0").f64(1).ttl(ABSOLUTE).at(0).apply();
        assertEquals(ParamStore.NEVER, store.expiryDeadline(abs0), "absolute 0 s is also 'never'");
        assertEquals(2, store.size());
    }

    @Test
    void defaultTtlAppliesToParamsCreatedWithoutTtlField()
    {
        use(new ParamStore.Context().maxParams(10).defaultTtlSeconds(5));
        final int dflt = set.set("/d").f64(1).at(0).apply();
        final int never = set.set("/n").f64(1).ttl(0).at(0).apply();
        assertTrue(store.hasTtl(dflt));
        assertEquals(5, store.ttlRaw(dflt));

        set.set("/d").f64(2).at(3 * SECOND).apply();
        assertEquals(0, store.expire(7 * SECOND, null), "default is sliding");
        set.set("/n").f64(2).at(3 * SECOND).apply();
        assertEquals(1, store.expire(8 * SECOND, null));
        assertFalse(store.isLive(dflt));
        assertTrue(store.isLive(never));
    }

    @Test
    void defaultTtlZeroKeepsForever()
    {
        final int id = set.set("/forever").f64(1).at(0).apply();
        assertFalse(store.hasTtl(id));
        assertEquals(0, store.expire(Long.MAX_VALUE - 1, null));
        assertTrue(store.isLive(id));
    }

    @Test
    void expireHonoursItsLimitAndReleasesLocksOfExpiredParams()
    {
        for (int i = 0; i < 5; i++)
        {
            set.set("/e" + i).f64(i).from(1, UUID_A).lock().ttl(1 + i).at(0).apply();
        }
        assertEquals(5, store.lockCount(1));
        assertEquals(SECOND, store.nextExpiryCheckMicros());

        assertEquals(2, store.expire(10 * SECOND, null, 2));
        assertEquals(3, store.size());
        assertEquals(3, store.lockCount(1));
        assertEquals(ParamStore.NULL_ID, store.find("/e0"));
        assertEquals(ParamStore.NULL_ID, store.find("/e1"));
        assertEquals(3, store.expire(10 * SECOND, null));
        assertEquals(0, store.lockCount(1));
        assertEquals(0, store.size());
    }

    // ------------------------------------------------------------------------------------------ memory

    @Test
    void growingValueRelocatesAndSmallShrinkStaysInPlace()
    {
        final int id = set.set("/v").value(10, (byte)1).apply();
        final int firstOffset = store.valueOffset(id);

        set.set("/v").value(16, (byte)2).apply();
        assertEquals(firstOffset, store.valueOffset(id), "16 B still fits the 16 B slot");

        set.set("/v").value(100, (byte)3).apply();
        final int grownOffset = store.valueOffset(id);
        assertNotEquals(firstOffset, grownOffset, "100 B needs a 128 B slot");
        assertArrayEquals(filled(100, (byte)3), value(id));

        set.set("/v").value(60, (byte)4).apply();
        assertEquals(grownOffset, store.valueOffset(id), "one class smaller stays in place");
        assertArrayEquals(filled(60, (byte)4), value(id));

        set.set("/v").value(9, (byte)5).apply();
        assertNotEquals(grownOffset, store.valueOffset(id), "far smaller moves so the big slot is not pinned");
        assertArrayEquals(filled(9, (byte)5), value(id));
        assertEquals(5, store.revision(id));
    }

    @Test
    void freedValueSpaceIsReused()
    {
        final int a = set.set("/a").value(200, (byte)1).apply();
        final int aValueOffset = store.valueOffset(a);
        set.set("/keep").value(200, (byte)2).apply();
        final int used = store.arenaUsedBytes();

        store.remove(a);
        final int b = set.set("/b").value(150, (byte)3).apply();
        assertEquals(used, store.arenaUsedBytes(), "address and value slots came from the free lists");
        assertEquals(aValueOffset, store.valueOffset(b));
        assertArrayEquals(filled(150, (byte)3), value(b));
        assertArrayEquals(filled(200, (byte)2), value(store.find("/keep")));
    }

    @Test
    void removeFreesIdAndAddressForReuse()
    {
        final int a = set.set("/a").f64(1).from(1, UUID_A).lock().ttl(5).apply();
        final int b = set.set("/b").f64(2).apply();
        assertTrue(store.remove(a));
        assertFalse(store.remove(a), "already removed");
        assertFalse(store.remove(12345));
        assertEquals(0, store.lockCount(1));
        assertEquals(ParamStore.NEVER, store.nextExpiryCheckMicros());
        assertEquals(ParamStore.NULL_ID, store.find("/a"));

        final int a2 = set.set("/a").f64(3).apply();
        assertEquals(a, a2);
        assertEquals(1, store.revision(a2), "a re-created address starts again at revision 1");
        assertEquals(ParamStore.NO_LOCK_HOLDER, store.lockHolder(a2));
        assertFalse(store.hasTtl(a2));
        assertEquals(2.0, f64(b));
    }

    @Test
    void manyAddressesSurviveTableGrowth()
    {
        final int n = 5000;
        use(new ParamStore.Context().maxParams(n).initialParams(2).initialArenaBytes(64));
        for (int i = 0; i < n; i++)
        {
            assertEquals(i, set.set("/grid/" + (i % 70) + "/cell/" + i).value(i % 300, (byte)i).apply(), "dense");
        }
        for (int i = 0; i < n; i += 2)
        {
            assertTrue(store.remove(store.find("/grid/" + (i % 70) + "/cell/" + i)));
        }
        for (int i = 0; i < n; i++)
        {
            final int id = store.find("/grid/" + (i % 70) + "/cell/" + i);
            if (i % 2 == 0)
            {
                assertEquals(ParamStore.NULL_ID, id);
            }
            else
            {
                assertArrayEquals(filled(i % 300, (byte)i), value(id), "param " + i);
            }
        }
        assertEquals(n / 2, store.size());
    }

    @Test
    void nonAsciiAddressesAreStoredAsBytes()
    {
        final String address = "/studio/température/🎛/温度";
        final int id = set.set(address).f64(21.5).apply();
        assertEquals(address, store.address(id));
        final byte[] bytes = address.getBytes(StandardCharsets.UTF_8);
        assertEquals(bytes.length, store.addressLength(id));
        assertEquals(id, store.find(new UnsafeBuffer(bytes), 0, bytes.length));

        final byte[] nfd = "/studio/tempe\u0301rature/🎛/温度".getBytes(StandardCharsets.UTF_8);
        assertEquals(ParamStore.NULL_ID, store.find(new UnsafeBuffer(nfd), 0, nfd.length),
            "byte-identical only; no normalisation");
        final byte[] raw = { '/', (byte)0xC3, (byte)0xA9, (byte)0xFF };
        final int rawId = set.set("/").address(raw).f64(1).apply();
        assertEquals(rawId, store.find(new UnsafeBuffer(raw), 0, raw.length));
        assertNotEquals(id, rawId);
    }

    @Test
    void findWorksAtAnOffsetInALargerBuffer()
    {
        final int id = set.set("/x/y").f64(1).apply();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[32]);
        frame.putStringWithoutLengthUtf8(7, "/x/y");
        assertEquals(id, store.find(frame, 7, 4));
        assertEquals(ParamStore.NULL_ID, store.find(frame, 7, 3));
    }

    // ------------------------------------------------------------------------------------------ iteration

    @Test
    void nextLiveVisitsLiveIdsAndIsStableAcrossWrites()
    {
        for (int i = 0; i < 6; i++)
        {
            set.set("/i" + i).f64(i).apply();
        }
        store.remove(store.find("/i2"));

        final List<String> seen = new ArrayList<>();
        int id = store.nextLive(0);
        seen.add(store.address(id));
        id = store.nextLive(id + 1);
        seen.add(store.address(id));
        // writes and a removal between steps, as with a snapshot delivered over several duty cycles
        set.set("/i0").f64(100).apply();
        store.remove(store.find("/i4"));
        for (id = store.nextLive(id + 1); ParamStore.NULL_ID != id; id = store.nextLive(id + 1))
        {
            seen.add(store.address(id));
        }
        assertEquals(List.of("/i0", "/i1", "/i3", "/i5"), seen);

        final List<Integer> all = new ArrayList<>();
        store.forEachLive(all::add);
        assertEquals(List.of(0, 1, 3, 5), all);
        assertEquals(ParamStore.NULL_ID, store.nextLive(6));
        assertEquals(0, store.nextLive(-3));
    }

    // ------------------------------------------------------------------------------------------ validation

    @Test
    void oversizedInputsAreProgrammingErrors()
    {
        assertThrows(IllegalArgumentException.class, () -> set.set("/" + "a".repeat(1024)).apply());
        assertThrows(IllegalArgumentException.class, () -> set.set("/w").writer("x".repeat(65)).apply());
        assertThrows(IllegalArgumentException.class, () -> set.set("/v").value(65536, (byte)0).apply());
        assertThrows(IllegalArgumentException.class, () -> set.set("/t").ttl(0x1_0000_0000L).apply());
        assertThrows(IllegalArgumentException.class, () -> set.set("/l").session(-1).lock().apply());
        assertEquals(0, store.size());

        assertTrue(set.set("/" + "a".repeat(1023)).apply() >= 0, "1024 bytes is allowed");
        assertTrue(set.set("/v").value(65535, (byte)0).writer("x".repeat(64)).apply() >= 0);
    }

    @Test
    void contextRejectsBadSettings()
    {
        assertThrows(IllegalArgumentException.class, () -> new ParamStore.Context().maxParams(0).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new ParamStore.Context().defaultTtlSeconds(0x8000_0000L).conclude());
        assertThrows(IllegalArgumentException.class, () -> new ParamStore.Context().maxArenaBytes(100).conclude());
        assertEquals(1_000_000, new ParamStore.Context().conclude().maxParams());
    }

    @Test
    void closeIsIdempotent()
    {
        final ParamStore s = new ParamStore(new ParamStore.Context().maxParams(4));
        s.close();
        s.close();
    }

    private static byte[] filled(final int length, final byte fill)
    {
        final byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, fill);
        return bytes;
    }
}
