package to.clasp.core;

import org.agrona.DirectBuffer;

import to.clasp.address.AddressRules;
import to.clasp.address.Pattern;
import to.clasp.address.PatternCache;
import to.clasp.address.SubscriptionIndex;
import to.clasp.protocol.SubscribeDecoder;

/**
 * SUBSCRIBE and UNSUBSCRIBE. A subscription is (session, id) → pattern, type mask and options; re-using an id
 * replaces it completely. After subscribing, params matching the pattern are sent as a SNAPSHOT (the type mask does
 * not filter it); nothing is sent when none match, and never an ACK. {@code history} and {@code window} are accepted
 * and ignored (no journal to replay from).
 */
final class SubscribeHandler
{
    private final SubscriptionIndex index;
    private final SubscriptionFilters filters;
    private final SnapshotSender snapshots;
    private final Replies replies;
    private final SessionAuth auth;
    private final int maxPerSession;
    private final PatternCache patterns = new PatternCache();

    SubscribeHandler(final SubscriptionIndex index, final SubscriptionFilters filters,
        final SnapshotSender snapshots, final Replies replies, final SessionAuth auth, final int maxPerSession)
    {
        this.auth = auth;
        this.index = index;
        this.filters = filters;
        this.snapshots = snapshots;
        this.replies = replies;
        this.maxPerSession = maxPerSession;
    }

    void onSubscribe(final Session s, final SubscribeDecoder sub, final DirectBuffer payload, final long nowNs)
    {
        final int offset = sub.patternOffset();
        final int length = sub.patternLength();
        if (AddressRules.VALID != AddressRules.validatePattern(payload, offset, length))
        {
            replies.error(s, 202, Replies.INVALID_PATTERN, payload, offset, length);
            return;
        }
        final Pattern pattern = patterns.compile(payload, offset, length);
        if (!s.scopes.canSubscribe(pattern))
        {
            // One read scope must cover the whole pattern (read:/a/* allows /a/b and /a/*, not /a/**); an existing
            // subscription with the same id is left as it was.
            auth.forbiddenRead(s, nowNs, "SUBSCRIBE", SessionAuth.FORBIDDEN_PATTERN, payload, offset, length);
            return;
        }
        final long id = sub.id();
        final int existing = index.handle(s.index, id);
        if (existing < 0 && maxPerSession > 0 && index.subscriptionCount(s.index) >= maxPerSession)
        {
            replies.error(s, 429, Replies.SUBSCRIPTION_LIMIT, payload, offset, length);
            return;
        }
        if (existing >= 0)
        {
            dropFilter(s, existing);
        }
        final int handle = index.add(s.index, id, pattern, sub.typeMask());
        final long maxRate = sub.hasMaxRate() ? sub.maxRate() : 0;
        final double epsilon = sub.hasEpsilon() && sub.epsilon() > 0 ? sub.epsilon() : Double.NaN;
        if (filters.register(handle, s.index, maxRate, epsilon))
        {
            s.filteredSubscriptions++;
            s.filterHandles.addInt(handle);
        }
        snapshots.start(s, pattern, false);
    }

    void onUnsubscribe(final Session s, final long id)
    {
        final int handle = index.handle(s.index, id);
        if (handle < 0)
        {
            return; // unknown ids are ignored silently
        }
        dropFilter(s, handle);
        index.remove(s.index, id);
    }

    private void dropFilter(final Session s, final int handle)
    {
        if (filters.clear(handle))
        {
            s.filteredSubscriptions--;
            final int i = s.filterHandles.indexOf(handle);
            if (i >= 0)
            {
                s.filterHandles.fastUnorderedRemove(i);
            }
        }
    }
}
