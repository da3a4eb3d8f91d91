package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

import java.util.List;

/**
 * BUNDLE 0x30: optional timestamp (µs, null = absent) and inner messages (no bundles).
 */
public record BundleMessage(Long timestamp, List<Message> messages) implements Message
{
    @Override
    public int type()
    {
        return MessageType.BUNDLE;
    }
}
