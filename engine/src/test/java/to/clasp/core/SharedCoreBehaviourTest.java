package to.clasp.core;

import org.junit.jupiter.api.Nested;

/**
 * The behaviour suites again with the core on a host thread ({@link CoreThreading#SHARED}): the same rules must hold
 * whichever thread runs the duty cycle, including the timers (hello timeout, TTL, bundles) that the host's wait must
 * not oversleep.
 */
class SharedCoreBehaviourTest
{
    @Nested
    class Handshake extends HandshakeTest
    {
        Handshake()
        {
            sharedCore = true;
        }
    }

    @Nested
    class Subscriptions extends SubscriptionBehaviourTest
    {
        Subscriptions()
        {
            sharedCore = true;
        }
    }

    @Nested
    class Params extends ParamBehaviourTest
    {
        Params()
        {
            sharedCore = true;
        }
    }

    @Nested
    class Signals extends SignalBehaviourTest
    {
        Signals()
        {
            sharedCore = true;
        }
    }

    @Nested
    class Bundles extends BundleBehaviourTest
    {
        Bundles()
        {
            sharedCore = true;
        }
    }

    @Nested
    class SlowConsumers extends SlowConsumerTest
    {
        SlowConsumers()
        {
            sharedCore = true;
        }
    }
}
