package to.clasp.benchmarks.matcher;

import to.clasp.address.Pattern;
import to.clasp.address.SubscriptionIndex;

/**
 * The subscription set of the matcher benchmarks: 10 000 subscriptions from 1 000 sessions over 10 zones × 100
 * devices — 40 % literal ({@code /zoneZ/deviceD/paramP}), 20 % with a {@code *} segment, 20 % ending in {@code **},
 * 20 % with in-segment globs ({@code /zoneZ/deviceN*&#47;param*}) — and type masks that vary.
 */
final class BenchmarkSubscriptions
{
    static final int SUBSCRIPTIONS = 10_000;
    static final int SESSIONS = 1_000;
    static final int ZONES = 10;
    static final int DEVICES = 100;

    private BenchmarkSubscriptions()
    {
    }

    /** Add the set to every index given (the same handles in each). */
    static void addTo(final SubscriptionIndex... indexes)
    {
        for (int i = 0; i < SUBSCRIPTIONS; i++)
        {
            final int zone = i % ZONES;
            final int device = (i / ZONES) % DEVICES;
            final int param = i % 7;
            final String pattern;
            switch (i % 5)
            {
                case 0:
                case 1:
                    pattern = "/zone" + zone + "/device" + device + "/param" + param;
                    break;
                case 2:
                    pattern = "/zone" + zone + "/*/param" + param;
                    break;
                case 3:
                    pattern = "/zone" + zone + "/device" + device + "/**";
                    break;
                default:
                    pattern = "/zone" + zone + "/device" + (device % 10) + "*/param*";
                    break;
            }
            final Pattern compiled = Pattern.compile(pattern);
            for (final SubscriptionIndex index : indexes)
            {
                index.add(i % SESSIONS, i, compiled, i % 3 == 0 ? 0 : 1 << (i % 5));
            }
        }
    }
}
