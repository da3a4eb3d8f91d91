package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * PING 0x41.
 */
public record PingMessage() implements Message
{
    @Override
    public int type()
    {
        return MessageType.PING;
    }
}
