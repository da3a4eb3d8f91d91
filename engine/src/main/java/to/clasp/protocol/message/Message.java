package to.clasp.protocol.message;

/**
 * Heap model of every CLASP message, for clients and tests (allocating). Values use the heap forms of
 * {@link to.clasp.protocol.ValueView#toObject()}: null, Boolean, Long (Int), Double (Float), String, byte[],
 * List&lt;Object&gt;, Map&lt;String, Object&gt;. Encode with {@link MessageCodec#encode}, decode with
 * {@link MessageCodec#toMessage} on top of the flyweight views.
 */
public sealed interface Message permits
    HelloMessage, WelcomeMessage, AnnounceMessage, FederationSyncMessage, SubscribeMessage, UnsubscribeMessage,
    PublishMessage, SetMessage, GetMessage, SnapshotMessage, ReplayMessage, BundleMessage, SyncMessage, PingMessage,
    PongMessage, AckMessage, ErrorMessage, QueryMessage, ResultMessage
{
    /**
     * @return the {@link to.clasp.protocol.MessageType} code.
     */
    int type();
}
