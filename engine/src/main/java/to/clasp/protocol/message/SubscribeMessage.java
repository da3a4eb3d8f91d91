package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * SUBSCRIBE 0x10: id (u32), pattern, type mask, options (null = absent).
 */
public record SubscribeMessage(long id, String pattern, int typeMask, Long maxRate, Double epsilon, Long history, Long window) implements Message
{
    @Override
    public int type()
    {
        return MessageType.SUBSCRIBE;
    }
}
