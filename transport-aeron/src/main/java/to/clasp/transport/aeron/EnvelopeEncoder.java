package to.clasp.transport.aeron;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.transport.aeron.sbe.ConnectAckEncoder;
import to.clasp.transport.aeron.sbe.ConnectEncoder;
import to.clasp.transport.aeron.sbe.DisconnectEncoder;
import to.clasp.transport.aeron.sbe.HeartbeatEncoder;
import to.clasp.transport.aeron.sbe.MessageHeaderEncoder;
import to.clasp.transport.aeron.sbe.RejectEncoder;

/**
 * Encodes the envelope's control messages (everything but {@code Frames}, see {@link FrameBatch}) into one reused
 * buffer. Owned by one thread; the returned bytes are valid until the next call.
 */
final class EnvelopeEncoder
{
    /** Protocol version sent in Connect; the router rejects others. */
    static final int PROTOCOL_VERSION = 1;
    /** Longest text (channel, name, reason) the schema allows, in bytes. */
    static final int MAX_TEXT = 1024;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4 * MAX_TEXT]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ConnectEncoder connect = new ConnectEncoder();
    private final ConnectAckEncoder connectAck = new ConnectAckEncoder();
    private final RejectEncoder reject = new RejectEncoder();
    private final DisconnectEncoder disconnect = new DisconnectEncoder();
    private final HeartbeatEncoder heartbeat = new HeartbeatEncoder();

    MutableDirectBuffer buffer()
    {
        return buffer;
    }

    int connect(final String responseChannel, final int responseStreamId, final String clientName)
    {
        return connect.wrapAndApplyHeader(buffer, 0, header)
            .responseStreamId(responseStreamId)
            .protocolVersion(PROTOCOL_VERSION)
            .responseChannel(clip(responseChannel))
            .clientName(clip(clientName))
            .limit();
    }

    int connectAck(final int heartbeatIntervalMs, final int heartbeatTimeoutMs)
    {
        connectAck.wrapAndApplyHeader(buffer, 0, header)
            .heartbeatIntervalMs(heartbeatIntervalMs)
            .heartbeatTimeoutMs(heartbeatTimeoutMs);
        return MessageHeaderEncoder.ENCODED_LENGTH + ConnectAckEncoder.BLOCK_LENGTH;
    }

    int reject(final int code, final String reason)
    {
        return reject.wrapAndApplyHeader(buffer, 0, header).code(code).reason(clip(reason)).limit();
    }

    int disconnect(final int code, final String reason)
    {
        return disconnect.wrapAndApplyHeader(buffer, 0, header).code(code).reason(clip(reason)).limit();
    }

    int heartbeat(final long timestampNs)
    {
        heartbeat.wrapAndApplyHeader(buffer, 0, header).timestampNs(timestampNs);
        return MessageHeaderEncoder.ENCODED_LENGTH + HeartbeatEncoder.BLOCK_LENGTH;
    }

    /** Cut text to what the schema carries, on a character boundary. */
    static String clip(final String text)
    {
        if (null == text)
        {
            return "";
        }
        String s = text;
        while (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_TEXT)
        {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
