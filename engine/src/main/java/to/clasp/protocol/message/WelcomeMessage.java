package to.clasp.protocol.message;

import to.clasp.protocol.MessageType;

/**
 * WELCOME 0x02: version, router feature bits, router time (µs), session id, router name, token.
 */
public record WelcomeMessage(int version, int features, long time, String session, String name, String token) implements Message
{
    @Override
    public int type()
    {
        return MessageType.WELCOME;
    }
}
