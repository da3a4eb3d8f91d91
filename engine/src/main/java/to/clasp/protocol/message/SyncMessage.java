package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * SYNC 0x40: t1 and optional t2, t3 (null = absent).
 */
public record SyncMessage(long t1, Long t2, Long t3) implements Message
{
    @Override
    public int type()
    {
        return MessageType.SYNC;
    }
}
