package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * ACK 0x50: every field optional (null = absent).
 */
public record AckMessage(String address, Long revision, Boolean locked, String holder, Long correlationId) implements Message
{
    @Override
    public int type()
    {
        return MessageType.ACK;
    }
}
