package to.clasp.protocol;

/**
 * Message type codes: the first byte of a compact-binary payload (wire-protocol.md §5.1).
 */
public final class MessageType
{
    public static final int HELLO = 0x01;
    public static final int WELCOME = 0x02;
    public static final int ANNOUNCE = 0x03;
    public static final int FEDERATION_SYNC = 0x04;
    public static final int SUBSCRIBE = 0x10;
    public static final int UNSUBSCRIBE = 0x11;
    public static final int PUBLISH = 0x20;
    public static final int SET = 0x21;
    public static final int GET = 0x22;
    public static final int SNAPSHOT = 0x23;
    public static final int REPLAY = 0x24;
    public static final int BUNDLE = 0x30;
    public static final int SYNC = 0x40;
    public static final int PING = 0x41;
    public static final int PONG = 0x42;
    public static final int ACK = 0x50;
    public static final int ERROR = 0x51;
    public static final int QUERY = 0x60;
    public static final int RESULT = 0x61;

    private MessageType()
    {
    }

    /**
     * @return the upper-case name used by the spec and by MessagePack's {@code "type"} key, or {@code "UNKNOWN"}.
     */
    public static String name(final int type)
    {
        switch (type)
        {
            case HELLO: return "HELLO";
            case WELCOME: return "WELCOME";
            case ANNOUNCE: return "ANNOUNCE";
            case FEDERATION_SYNC: return "FEDERATION_SYNC";
            case SUBSCRIBE: return "SUBSCRIBE";
            case UNSUBSCRIBE: return "UNSUBSCRIBE";
            case PUBLISH: return "PUBLISH";
            case SET: return "SET";
            case GET: return "GET";
            case SNAPSHOT: return "SNAPSHOT";
            case REPLAY: return "REPLAY";
            case BUNDLE: return "BUNDLE";
            case SYNC: return "SYNC";
            case PING: return "PING";
            case PONG: return "PONG";
            case ACK: return "ACK";
            case ERROR: return "ERROR";
            case QUERY: return "QUERY";
            case RESULT: return "RESULT";
            default: return "UNKNOWN";
        }
    }

    /**
     * @return the type code for an upper-case name, or -1 when the name is not a CLASP message type.
     */
    public static int fromName(final String name)
    {
        switch (name)
        {
            case "HELLO": return HELLO;
            case "WELCOME": return WELCOME;
            case "ANNOUNCE": return ANNOUNCE;
            case "FEDERATION_SYNC": return FEDERATION_SYNC;
            case "SUBSCRIBE": return SUBSCRIBE;
            case "UNSUBSCRIBE": return UNSUBSCRIBE;
            case "PUBLISH": return PUBLISH;
            case "SET": return SET;
            case "GET": return GET;
            case "SNAPSHOT": return SNAPSHOT;
            case "REPLAY": return REPLAY;
            case "BUNDLE": return BUNDLE;
            case "SYNC": return SYNC;
            case "PING": return PING;
            case "PONG": return PONG;
            case "ACK": return ACK;
            case "ERROR": return ERROR;
            case "QUERY": return QUERY;
            case "RESULT": return RESULT;
            default: return -1;
        }
    }
}
