package to.clasp.core;

import java.util.LinkedHashMap;

import org.agrona.DirectBuffer;

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
 * addresses are ignored. A RESULT holds what fits one frame (≤ 65 535 payload bytes).
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

    private final LinkedHashMap<String, Definition> definitions = new LinkedHashMap<>();
    private final Replies replies;
    private final ResultEncoder result = new ResultEncoder();

    AnnounceRegistry(final Replies replies)
    {
        this.replies = replies;
    }

    void onAnnounce(final Session s, final AnnounceDecoder announce, final DirectBuffer payload, final int qos)
    {
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

    void onQuery(final Session s, final DirectBuffer payload, final int patternOffset, final int patternLength)
    {
        if (AddressRules.VALID != AddressRules.validatePattern(payload, patternOffset, patternLength))
        {
            replies.error(s, 202, Replies.INVALID_PATTERN, payload, patternOffset, patternLength);
            return;
        }
        final Pattern pattern = Pattern.compile(payload, patternOffset, patternLength);
        result.begin(replies.scratch(), 0, Qos.FIRE);
        for (final Definition d : definitions.values())
        {
            if (pattern.matches(d.address) && !result.addEntry(d.address, d.signal, d.datatype, d.access))
            {
                break;
            }
        }
        replies.send(s, result.finish());
    }

    int size()
    {
        return definitions.size();
    }
}
