package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * UNSUBSCRIBE 0x11: id (u32).
 */
public record UnsubscribeMessage(long id) implements Message
{
    @Override
    public int type()
    {
        return MessageType.UNSUBSCRIBE;
    }
}
