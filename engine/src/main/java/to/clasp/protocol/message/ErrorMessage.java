package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * ERROR 0x51: code, message, optional address and correlation id (null = absent).
 */
public record ErrorMessage(int code, String message, String address, Long correlationId) implements Message
{
    @Override
    public int type()
    {
        return MessageType.ERROR;
    }
}
