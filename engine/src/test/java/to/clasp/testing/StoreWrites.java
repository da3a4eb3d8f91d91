package to.clasp.testing;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressView;
import to.clasp.state.ParamStore;
import to.clasp.state.ParamWrite;
import to.clasp.state.WriteResult;

/**
 * Writes to a {@link ParamStore} from readable values, for tests outside the store's package (journal, recovery,
 * replay): a {@link ParamWrite} as the core fills it from a SET, applied with {@link ParamStore#write}.
 */
public final class StoreWrites
{
    private StoreWrites()
    {
    }

    /**
     * A write of {@code value[0, valueLength)} (canonical bytes, type byte first) to {@code address} by session 0
     * with writer id {@code writer} at {@code micros}; no conditions, no TTL. Add those with the setters.
     */
    public static ParamWrite request(final String address, final DirectBuffer value, final int valueLength,
        final String writer, final long micros)
    {
        final UnsafeBuffer a = new UnsafeBuffer(address.getBytes(StandardCharsets.UTF_8));
        final UnsafeBuffer w = new UnsafeBuffer(writer.getBytes(StandardCharsets.US_ASCII));
        return new ParamWrite()
            .address(new AddressView().wrapValid(a, 0, a.capacity()))
            .value(value, 0, valueLength)
            .writer(0, w, 0, w.capacity())
            .at(micros);
    }

    /** @return the param id when the store accepted the write, else the negated {@link WriteResult} code. */
    public static int apply(final ParamStore store, final ParamWrite write)
    {
        final WriteResult result = new WriteResult();
        return WriteResult.OK == store.write(write, result) ? result.id() : -result.code();
    }
}
