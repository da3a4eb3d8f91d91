package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

import java.util.List;

/**
 * SNAPSHOT 0x23.
 */
public record SnapshotMessage(List<SnapshotEntry> entries) implements Message
{
    @Override
    public int type()
    {
        return MessageType.SNAPSHOT;
    }
}
