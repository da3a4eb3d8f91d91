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
