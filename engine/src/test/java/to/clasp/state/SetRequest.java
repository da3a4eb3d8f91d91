package to.clasp.state;

import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressView;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Test helper that fills a {@link ParamWrite} from readable values and applies or checks it. Reusable:
 * {@link #reset()} clears every field, and after the first use the buffers are reused, so the allocation test can
 * drive it in a loop.
 */
final class SetRequest
{
    private final ParamStore store;
    private final UnsafeBuffer address = new UnsafeBuffer(new byte[2 * ParamStore.MAX_ADDRESS_LENGTH]);
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[ParamStore.MAX_VALUE_LENGTH + 1]);
    private final UnsafeBuffer writer = new UnsafeBuffer(new byte[2 * ParamStore.MAX_WRITER_LENGTH]);
    private final AddressView view = new AddressView();
    private final ParamWrite write = new ParamWrite();
    private final WriteResult result = new WriteResult();
    private int addressLength;
    private int session;
    private int writerLength;

    SetRequest(final ParamStore store)
    {
        this.store = store;
        reset();
    }

    /** No address, an empty value, session 0 with no writer id, no conditions, time 0. */
    SetRequest reset()
    {
        addressLength = 0;
        session = 0;
        writerLength = 0;
        write.reset().value(value, 0, 0).at(0);
        return this;
    }

    /** Start a SET to {@code address} from session 0 / writer "w0" with a null value. */
    SetRequest set(final String address)
    {
        reset();
        address(address);
        writer("w0");
        value.putByte(0, (byte)0x00);
        write.value(value, 0, 1);
        return this;
    }

    int address(final String address)
    {
        final byte[] bytes = address.getBytes(StandardCharsets.UTF_8);
        address(bytes);
        return bytes.length;
    }

    SetRequest address(final byte[] bytes)
    {
        this.address.putBytes(0, bytes);
        addressLength = bytes.length;
        return this;
    }

    /** Canonical f64 value: type 0x07 then 8 bytes big-endian, as the codec writes it. */
    SetRequest f64(final double v)
    {
        value.putByte(0, (byte)0x07);
        value.putDouble(1, v, ByteOrder.BIG_ENDIAN);
        write.value(value, 0, 9);
        return this;
    }

    SetRequest value(final byte[] bytes)
    {
        value.putBytes(0, bytes);
        write.value(value, 0, bytes.length);
        return this;
    }

    /** A value of {@code length} bytes, each {@code fill}. */
    SetRequest value(final int length, final byte fill)
    {
        value.setMemory(0, length, fill);
        write.value(value, 0, length);
        return this;
    }

    SetRequest writer(final String id)
    {
        final byte[] bytes = id.getBytes(StandardCharsets.US_ASCII);
        writer.putBytes(0, bytes);
        writerLength = bytes.length;
        return this;
    }

    SetRequest session(final int session)
    {
        this.session = session;
        return this;
    }

    SetRequest from(final int session, final String writerId)
    {
        return session(session).writer(writerId);
    }

    SetRequest expect(final long revision)
    {
        write.expectRevision(revision);
        return this;
    }

    SetRequest lock()
    {
        write.lock(true);
        return this;
    }

    SetRequest unlock()
    {
        write.unlock(true);
        return this;
    }

    SetRequest ttl(final long raw)
    {
        write.ttl(raw);
        return this;
    }

    SetRequest at(final long micros)
    {
        write.at(micros);
        return this;
    }

    /** Entries before this one in a bundle that write the same address (for {@link #check()}). */
    SetRequest pending(final int earlierWrites)
    {
        write.pendingWrites(earlierWrites);
        return this;
    }

    /** The write was checked with its bundle: it may use the arena's headroom. */
    SetRequest inCheckedBundle()
    {
        write.checkedInBundle(true);
        return this;
    }

    /** @return the param id when {@link ParamStore#write} accepted the write, else the negated refusal code. */
    int apply()
    {
        final int code = store.write(fill(), result);
        return WriteResult.OK == code ? result.id() : -code;
    }

    /** @return what {@link ParamStore#check} answers for this write. */
    int check()
    {
        return store.check(fill(), result);
    }

    /** The store's last answer (for the actual revision of a conflict). */
    WriteResult result()
    {
        return result;
    }

    private ParamWrite fill()
    {
        return write.address(view.wrapValid(address, 0, addressLength)).writer(session, writer, 0, writerLength);
    }
}
