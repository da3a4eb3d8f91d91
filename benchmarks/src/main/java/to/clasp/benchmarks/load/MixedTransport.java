package to.clasp.benchmarks.load;

/**
 * Publishers through one protocol, subscribers through another, against one router: MQTT or OSC senders to CLASP
 * WebSocket subscribers, so a run measures the path between two edges of the same core (or one transport under
 * another name). A connection is a publisher when it is opened without a receiver (how {@link ScenarioRunner} opens
 * publishers).
 */
final class MixedTransport implements Transport
{
    private final String name;
    private final Transport publishers;
    private final Transport subscribers;

    MixedTransport(final String name, final Transport publishers, final Transport subscribers)
    {
        this.name = name;
        this.publishers = publishers;
        this.subscribers = subscribers;
    }

    public String name()
    {
        return name;
    }

    public Endpoint connect(final Receiver receiver) throws Exception
    {
        return receiver == Receiver.NONE ? publishers.connect(receiver) : subscribers.connect(receiver);
    }

    /**
     * The publishers' sending loop when both sides are one transport under another name (so its subscribers can share
     * the loop as they would unnamed: {@code clasp-mqtt} must send as {@code mosquitto} does); none across two
     * transports, whose subscribers cannot live on the other's loop.
     */
    public SendingLoop sendingLoop()
    {
        return subscribers == publishers ? publishers.sendingLoop() : null;
    }

    public void subscribersOnSendingLoop(final boolean shared)
    {
        if (subscribers == publishers)
        {
            publishers.subscribersOnSendingLoop(shared);
        }
    }

    public long errors()
    {
        return publishers.errors() + subscribers.errors();
    }

    public void close()
    {
        try
        {
            publishers.close();
        }
        finally
        {
            if (subscribers != publishers)
            {
                subscribers.close();
            }
        }
    }
}
