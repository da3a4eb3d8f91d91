package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * REPLAY 0x24: pattern, optional from/to (µs) and limit (null = absent), type mask.
 */
public record ReplayMessage(String pattern, Long from, Long to, Long limit, int typeMask) implements Message
{
    @Override
    public int type()
    {
        return MessageType.REPLAY;
    }
}
