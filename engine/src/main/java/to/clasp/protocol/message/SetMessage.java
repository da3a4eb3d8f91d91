package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * SET 0x21: address, value (heap form, see {@link to.clasp.protocol.ValueView#toObject()}), optional revision and ttl
 * (null = absent), lock and unlock bits.
 */
public record SetMessage(String address, Object value, Long revision, boolean lock, boolean unlock, Long ttl) implements Message
{
    @Override
    public int type()
    {
        return MessageType.SET;
    }
}
