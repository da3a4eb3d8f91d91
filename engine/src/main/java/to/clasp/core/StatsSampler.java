package to.clasp.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import to.clasp.address.SubscriptionIndex;
import to.clasp.protocol.MessageType;
import to.clasp.state.ParamStore;

/**
 * Builds {@link RouterStats.Snapshot}s on the core thread, once a second, while someone reads them (see
 * {@link RouterStats}); otherwise its timer only reschedules itself. Rates come from counters the core keeps anyway
 * (messages by type, per-session inbound frames) and from param revisions (a revision is the count of accepted
 * writes), so sampling adds nothing to the path of a message.
 * <p>
 * Busiest addresses: each tick looks at up to {@link #SCAN_BUDGET} params from a cursor, compares each revision with
 * the one seen on its previous visit and keeps the top {@link RouterStats#TOP_ADDRESSES}; a full pass publishes them.
 * With up to 65 536 params that is every second; a million params are covered in 16 s, so one tick costs the core
 * the same bounded time whatever the store's size.
 */
final class StatsSampler extends CoreTimer
{
    static final int SCAN_BUDGET = 65_536;

    /** The types a client sends, in the order the inspector shows them. */
    private static final int[] TYPES = {MessageType.SET, MessageType.PUBLISH, MessageType.GET, MessageType.SUBSCRIBE,
        MessageType.UNSUBSCRIBE, MessageType.BUNDLE, MessageType.HELLO, MessageType.PING, MessageType.SYNC,
        MessageType.QUERY, MessageType.ANNOUNCE};

    private final RouterStats stats;
    private final SessionTable table;
    private final SubscriptionIndex subscriptions;
    private final ParamStore store;
    private final RouterMetrics metrics;
    private final TimerQueue timers;
    private final RouterClock clock;

    private final long[] lastTypeCounts = new long[TYPES.length];
    private final double[][] history = new double[TYPES.length][RouterStats.HISTORY];
    private int historyHead;
    private long lastSampleNs;

    // Busiest-address scan state.
    private long[] seenRevision = new long[0];
    private long[] seenAtNs = new long[0];
    private int cursor;
    private final int[] topIds = new int[RouterStats.TOP_ADDRESSES];
    private final double[] topRates = new double[RouterStats.TOP_ADDRESSES];
    private int topCount;
    private List<RouterStats.AddressRate> published = List.of();

    StatsSampler(final RouterStats stats, final SessionTable table, final SubscriptionIndex subscriptions,
        final ParamStore store, final RouterMetrics metrics, final TimerQueue timers, final RouterClock clock)
    {
        this.stats = stats;
        this.table = table;
        this.subscriptions = subscriptions;
        this.store = store;
        this.metrics = metrics;
        this.timers = timers;
        this.clock = clock;
    }

    void start(final long nowNs)
    {
        timers.schedule(this, nowNs + RouterStats.INTERVAL_NS);
    }

    void onTimer(final long nowNs)
    {
        timers.schedule(this, nowNs + RouterStats.INTERVAL_NS);
        if (!stats.isWanted(nowNs))
        {
            lastSampleNs = 0; // the next sample starts afresh: no rate over a gap nobody watched
            return;
        }
        sample(nowNs);
    }

    void sample(final long nowNs)
    {
        final boolean first = lastSampleNs == 0;
        final double seconds = first ? 0 : (nowNs - lastSampleNs) / 1e9;
        lastSampleNs = nowNs;

        final Map<String, Double> rates = new LinkedHashMap<>();
        for (int i = 0; i < TYPES.length; i++)
        {
            final long count = metrics.messagesIn(TYPES[i]);
            final double rate = first ? 0 : (count - lastTypeCounts[i]) / seconds;
            lastTypeCounts[i] = count;
            history[i][historyHead] = rate;
            rates.put(MessageType.name(TYPES[i]), rate);
        }
        historyHead = (historyHead + 1) % RouterStats.HISTORY;
        final Map<String, double[]> histories = new LinkedHashMap<>();
        for (int i = 0; i < TYPES.length; i++)
        {
            final double[] ordered = new double[RouterStats.HISTORY];
            for (int k = 0; k < RouterStats.HISTORY; k++)
            {
                ordered[k] = history[i][(historyHead + k) % RouterStats.HISTORY];
            }
            histories.put(MessageType.name(TYPES[i]), ordered);
        }

        final List<RouterStats.SessionInfo> sessions = new ArrayList<>();
        for (final Session s : table.all())
        {
            if (!s.isOpen())
            {
                continue;
            }
            final double perSecond = first ? 0 : (s.messagesIn - s.messagesInSampled) / seconds;
            s.messagesInSampled = s.messagesIn;
            sessions.add(new RouterStats.SessionInfo(s.id, s.clientName, s.connection.transport(),
                s.connection.remoteAddress(), subscriptions.subscriptionCount(s.index), s.queue.queuedBytes(),
                s.messagesIn, perSecond));
        }

        scanAddresses(nowNs);
        stats.publish(new RouterStats.Snapshot(clock.epochMicros() / 1000, Math.round(seconds * 1000), sessions,
            store.size(), subscriptions.size(), rates, histories, published));
    }

    private void scanAddresses(final long nowNs)
    {
        int id = cursor;
        for (int visited = 0; visited < SCAN_BUDGET; visited++)
        {
            id = store.nextLive(id);
            if (ParamStore.NULL_ID == id)
            {
                publishTop();
                cursor = 0;
                return;
            }
            visit(id, nowNs);
            id++;
        }
        cursor = id;
    }

    private void visit(final int id, final long nowNs)
    {
        if (id >= seenRevision.length)
        {
            final int length = Math.max(id + 1, seenRevision.length * 2);
            seenRevision = Arrays.copyOf(seenRevision, length);
            seenAtNs = Arrays.copyOf(seenAtNs, length);
        }
        final long revision = store.revision(id);
        final long before = seenRevision[id];
        final long at = seenAtNs[id];
        seenRevision[id] = revision;
        seenAtNs[id] = nowNs;
        if (at == 0 || nowNs <= at)
        {
            return;
        }
        // A smaller revision means the id was reused by a new param since: count its writes from zero.
        final long writes = revision >= before ? revision - before : revision;
        if (writes == 0)
        {
            return;
        }
        offer(id, writes * 1e9 / (nowNs - at));
    }

    private void offer(final int id, final double rate)
    {
        if (topCount < topIds.length)
        {
            topIds[topCount] = id;
            topRates[topCount++] = rate;
            return;
        }
        int min = 0;
        for (int i = 1; i < topCount; i++)
        {
            min = topRates[i] < topRates[min] ? i : min;
        }
        if (rate > topRates[min])
        {
            topIds[min] = id;
            topRates[min] = rate;
        }
    }

    private void publishTop()
    {
        final List<RouterStats.AddressRate> top = new ArrayList<>(topCount);
        for (int i = 0; i < topCount; i++)
        {
            if (store.isLive(topIds[i]))
            {
                top.add(new RouterStats.AddressRate(store.address(topIds[i]), topRates[i],
                    store.revision(topIds[i])));
            }
        }
        top.sort((a, b) -> Double.compare(b.writesPerSecond(), a.writesPerSecond()));
        published = List.copyOf(top);
        topCount = 0;
    }
}
