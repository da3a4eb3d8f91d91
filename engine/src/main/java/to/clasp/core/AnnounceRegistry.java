package to.clasp.core;

import java.util.LinkedHashMap;

import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.address.AddressRules;
import to.clasp.address.Pattern;
import to.clasp.protocol.AnnounceDecoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.ResultEncoder;
import to.clasp.protocol.SignalEntryDecoder;

/**
 * Signal definitions registered by ANNOUNCE, answered by QUERY with a RESULT of the definitions whose address
 * matches the pattern (the same matcher as subscriptions). Definitions outlive the announcing session, as in the
 * reference; re-announcing an address replaces its definition. Bounded: past {@link #MAX_DEFINITIONS} new
 * addresses are ignored.
 * <p>
 * A QUERY is answered by exactly one RESULT frame: the Python client resolves one pending query per RESULT, so
 * splitting an answer over several frames would break it. When the matching definitions do not fit one frame
 * (payload ≤ 65 535 bytes, ≤ 65 535 entries), the RESULT holds the first ones in announce order that fit; the
 * truncation is counted ({@link RouterMetrics#queryResultsTruncated()}) and logged (at most one line per 10 s).
 */
final class AnnounceRegistry
{
    static final int MAX_DEFINITIONS = 100_000;

    private static final class Definition
    {
        final String address;
        final int signal;
        final String datatype;
        final String access;

        Definition(final String address, final int signal, final String datatype, final String access)
        {
            this.address = address;
            this.signal = signal;
            this.datatype = datatype;
            this.access = access;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(AnnounceRegistry.class);
    private static final long TRUNCATION_LOG_INTERVAL_NS = 10_000_000_000L;

    private final LinkedHashMap<String, Definition> definitions = new LinkedHashMap<>();
    private final Replies replies;
    private final RouterMetrics metrics;
    private final SessionAuth auth;
    private final ResultEncoder result = new ResultEncoder();
    private long lastTruncationLogNs;

    AnnounceRegistry(final Replies replies, final RouterMetrics metrics, final SessionAuth auth)
    {
        this.replies = replies;
        this.metrics = metrics;
        this.auth = auth;
    }

    /**
     * Register the definitions. With auth, every entry's address needs write scope (announcing a signal is writing
     * its definition); one that lacks it refuses the whole ANNOUNCE with {@code ERROR 301} naming it, and nothing is
     * registered.
     */
    void onAnnounce(final Session s, final AnnounceDecoder announce, final DirectBuffer payload, final int qos,
        final long nowNs)
    {
        if (!s.scopes.writesEverything())
        {
            for (int i = 0, n = announce.count(); i < n; i++)
            {
                final SignalEntryDecoder e = announce.entry(i);
                final String address = e.address();
                if (AddressRules.isValidAddress(address) &&
                    !s.scopes.allows(to.clasp.security.ScopeAction.WRITE, address))
                {
                    final byte[] bytes = address.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    auth.forbiddenWrite(s, qos, nowNs, "ANNOUNCE", new org.agrona.concurrent.UnsafeBuffer(bytes), 0,
                        bytes.length);
                    return;
                }
            }
        }
        for (int i = 0, n = announce.count(); i < n; i++)
        {
            final SignalEntryDecoder e = announce.entry(i);
            final String address = e.address();
            if (!AddressRules.isValidAddress(address))
            {
                continue;
            }
            if (definitions.size() >= MAX_DEFINITIONS && !definitions.containsKey(address))
            {
                continue;
            }
            definitions.put(address, new Definition(address, e.signal(),
                e.hasDatatype() ? e.datatype() : null, e.hasAccess() ? e.access() : null));
        }
        if (qos >= Qos.CONFIRM)
        {
            replies.ack(s, payload, announce.namespaceOffset(), announce.namespaceLength(), false, 0);
        }
    }

    void onQuery(final Session s, final DirectBuffer payload, final int patternOffset, final int patternLength,
        final long nowNs)
    {
        if (AddressRules.VALID != AddressRules.validatePattern(payload, patternOffset, patternLength))
        {
            replies.error(s, 202, Replies.INVALID_PATTERN, payload, patternOffset, patternLength);
            return;
        }
        final Pattern pattern = Pattern.compile(payload, patternOffset, patternLength);
        result.begin(replies.scratch(), 0, Qos.FIRE);
        int omitted = 0;
        final boolean readsAll = s.scopes.readsEverything();
        for (final Definition d : definitions.values())
        {
            // Only definitions the session may read (with auth): a RESULT names no address it could not subscribe to.
            if (pattern.matches(d.address) &&
                (readsAll || s.scopes.allows(to.clasp.security.ScopeAction.READ, d.address)) &&
                (omitted > 0 || !result.addEntry(d.address, d.signal, d.datatype, d.access)))
            {
                omitted++; // keep counting, for the log line
            }
        }
        replies.send(s, result.finish());
        if (omitted > 0)
        {
            // One RESULT per QUERY, always: the Python client resolves one pending query per RESULT frame, so a
            // second frame would answer its next query. What does not fit one frame is left out, counted and logged.
            metrics.queryResultTruncated();
            if (0 == lastTruncationLogNs || nowNs - lastTruncationLogNs >= TRUNCATION_LOG_INTERVAL_NS)
            {
                lastTruncationLogNs = nowNs;
                LOG.warn("QUERY {} from session {}: RESULT holds {} of {} matching definitions (one frame, " +
                    "payload <= 65535 bytes); at most one such line per 10 s", pattern.text(), s.id,
                    result.count(), result.count() + omitted);
            }
        }
    }

    int size()
    {
        return definitions.size();
    }
}
