package to.clasp.protocol;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: turns records, byte arrays, lists and maps into a structure whose equals() is deep and value-based
 * (records compare byte[] by identity otherwise). Map key order is part of the result, as the codec keeps it.
 */
public final class Canonical
{
    private Canonical()
    {
    }

    public record Bytes(String hex)
    {
    }

    public record OrderedMap(List<Map.Entry<String, Object>> entries)
    {
    }

    /**
     * Stands for a null map value (Map.entry refuses null).
     */
    public record NullValue()
    {
    }

    public static Object of(final Object o)
    {
        if (o instanceof byte[] b)
        {
            return new Bytes(HexFormat.of().formatHex(b));
        }
        if (o instanceof List<?> list)
        {
            final List<Object> out = new ArrayList<>();
            for (final Object e : list)
            {
                out.add(of(e));
            }
            return out;
        }
        if (o instanceof Map<?, ?> map)
        {
            final List<Map.Entry<String, Object>> out = new ArrayList<>();
            for (final Map.Entry<?, ?> e : map.entrySet())
            {
                final Object value = of(e.getValue());
                out.add(Map.entry(String.valueOf(e.getKey()), value == null ? new NullValue() : value));
            }
            return new OrderedMap(out);
        }
        if (o instanceof Record r)
        {
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("@", r.getClass().getSimpleName());
            for (final RecordComponent c : r.getClass().getRecordComponents())
            {
                try
                {
                    out.put(c.getName(), of(c.getAccessor().invoke(r)));
                }
                catch (final ReflectiveOperationException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }
            return out;
        }
        return o;
    }
}
