package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * HELLO 0x01: version, feature bits, client name, token ("" = none).
 */
public record HelloMessage(int version, int features, String name, String token) implements Message
{
    @Override
    public int type()
    {
        return MessageType.HELLO;
    }
}
