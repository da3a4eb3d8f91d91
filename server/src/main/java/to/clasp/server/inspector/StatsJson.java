package to.clasp.server.inspector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import to.clasp.core.RouterStats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code GET /inspector/api/stats}: a {@link RouterStats.Snapshot} cut to what the caller may see
 * (sessions only for admin over everything, at most {@link #MAX_SESSIONS} of them, the busiest; busiest addresses
 * only where it may read).
 */
final class StatsJson
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most sessions listed (the busiest by messages/s); {@code sessionCount} counts them all. */
    static final int MAX_SESSIONS = 500;

    private StatsJson()
    {
    }

    static byte[] render(final RouterStats.Snapshot snapshot, final InspectorAccess.View view)
    {
        final Map<String, Object> out = new LinkedHashMap<>();
        if (snapshot == null)
        {
            out.put("ready", false); // the core takes its first sample within a second of the first read
            return bytes(out);
        }
        out.put("ready", true);
        out.put("takenAt", snapshot.takenAtMillis());
        out.put("intervalMillis", snapshot.intervalMillis());
        out.put("params", snapshot.params());
        out.put("subscriptions", snapshot.subscriptions());
        out.put("sessionCount", snapshot.sessions().size());
        out.put("rates", snapshot.rates());
        out.put("history", snapshot.history());
        final List<RouterStats.AddressRate> top = new ArrayList<>();
        for (final RouterStats.AddressRate rate : snapshot.topAddresses())
        {
            if (view.canRead(rate.address()))
            {
                top.add(rate);
            }
        }
        out.put("topAddresses", top);
        out.put("sessions", view.seesSessions() ? busiest(snapshot.sessions()) : null);
        return bytes(out);
    }

    private static List<RouterStats.SessionInfo> busiest(final List<RouterStats.SessionInfo> sessions)
    {
        if (sessions.size() <= MAX_SESSIONS)
        {
            return sessions;
        }
        final List<RouterStats.SessionInfo> sorted = new ArrayList<>(sessions);
        sorted.sort((a, b) -> Double.compare(b.messagesPerSecond(), a.messagesPerSecond()));
        return sorted.subList(0, MAX_SESSIONS);
    }

    static byte[] bytes(final Object value)
    {
        try
        {
            return JSON.writeValueAsBytes(value);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
