package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * GET 0x22.
 */
public record GetMessage(String address) implements Message
{
    @Override
    public int type()
    {
        return MessageType.GET;
    }
}
