package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * QUERY 0x60.
 */
public record QueryMessage(String pattern) implements Message
{
    @Override
    public int type()
    {
        return MessageType.QUERY;
    }
}
