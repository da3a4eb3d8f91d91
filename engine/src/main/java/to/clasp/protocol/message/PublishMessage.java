package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

import java.util.List;

/**
 * PUBLISH 0x20. {@code indicator}: 0 nothing, 1 {@code value} (may be null), 2 {@code samples}.
 * Optional timestamp, gesture id and rate are null when absent.
 */
public record PublishMessage(String address, int signal, int phase, int indicator, Object value, List<Double> samples, Long timestamp, Long gestureId, Long rate) implements Message
{
    @Override
    public int type()
    {
        return MessageType.PUBLISH;
    }
}
