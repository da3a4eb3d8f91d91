package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

import java.util.List;

/**
 * ANNOUNCE 0x03: namespace and signal definitions.
 */
public record AnnounceMessage(String namespace, List<SignalInfo> signals) implements Message
{
    @Override
    public int type()
    {
        return MessageType.ANNOUNCE;
    }
}
