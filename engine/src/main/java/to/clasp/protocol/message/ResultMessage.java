package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

import java.util.List;

/**
 * RESULT 0x61.
 */
public record ResultMessage(List<ResultEntry> entries) implements Message
{
    @Override
    public int type()
    {
        return MessageType.RESULT;
    }
}
