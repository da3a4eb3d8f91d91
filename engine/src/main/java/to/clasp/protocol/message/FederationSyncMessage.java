package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

import java.util.List;

/**
 * FEDERATION_SYNC 0x04: op, patterns, revision entries, optional since revision and origin (null = absent).
 */
public record FederationSyncMessage(int op, List<String> patterns, List<RevisionEntry> revisions, Long since, String origin) implements Message
{
    @Override
    public int type()
    {
        return MessageType.FEDERATION_SYNC;
    }
}
