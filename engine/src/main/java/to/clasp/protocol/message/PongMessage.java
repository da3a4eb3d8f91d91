package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * PONG 0x42.
 */
public record PongMessage() implements Message
{
    @Override
    public int type()
    {
        return MessageType.PONG;
    }
}
