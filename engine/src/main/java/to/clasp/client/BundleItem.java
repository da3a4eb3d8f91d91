package to.clasp.client;

import java.util.Objects;

/**
 * One message inside a BUNDLE: a SET or an event.
 */
public final class BundleItem
{
    private final boolean set;
    private final String address;
    private final Object value;

    private BundleItem(final boolean set, final String address, final Object value)
    {
        this.set = set;
        this.address = Objects.requireNonNull(address, "address");
        this.value = value;
    }

    /** A param write. */
    public static BundleItem set(final String address, final Object value)
    {
        return new BundleItem(true, address, value);
    }

    /** An event; a null payload is sent as "no value". */
    public static BundleItem emit(final String address, final Object payload)
    {
        return new BundleItem(false, address, payload);
    }

    public boolean isSet()
    {
        return set;
    }

    public String address()
    {
        return address;
    }

    public Object value()
    {
        return value;
    }

    public String toString()
    {
        return (set ? "set " : "emit ") + address + "=" + value;
    }
}
