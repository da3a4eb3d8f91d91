package to.clasp.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * Values on the command line and on stdout. In: {@code 42} is an integer (I64), {@code 4.2} a float (F64),
 * {@code true}/{@code false}/{@code null} and JSON arrays and objects are themselves (integers inside stay integers),
 * a JSON string is its text, and anything that is not JSON is taken as text, as the reference CLI does. Out: JSON,
 * integers without a decimal point and floats with one ({@code 42} vs {@code 42.0}), bytes as base64.
 */
final class Values
{
    private static final ObjectMapper JSON = JsonMapper.builder()
        .enable(DeserializationFeature.USE_LONG_FOR_INTS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();

    private Values()
    {
    }

    /**
     * @param text        the argument.
     * @param forceString {@code --string}: the argument is the text, whatever it looks like.
     * @return the value to send.
     */
    static Object parse(final String text, final boolean forceString)
    {
        if (forceString)
        {
            return text;
        }
        final Object parsed;
        try
        {
            parsed = JSON.readValue(text, Object.class);
        }
        catch (final com.fasterxml.jackson.core.exc.InputCoercionException ex)
        {
            throw new IllegalArgumentException("'" + text + "': a number beyond 64 bits (use --string to send text)");
        }
        catch (final JsonProcessingException ex)
        {
            return text;
        }
        checkRange(parsed, text);
        return parsed;
    }

    private static void checkRange(final Object value, final String text)
    {
        if (value instanceof BigInteger || value instanceof BigDecimal)
        {
            throw new IllegalArgumentException("'" + text + "': a number beyond 64 bits (use --string to send text)");
        }
        if (value instanceof Iterable)
        {
            for (final Object element : (Iterable<?>)value)
            {
                checkRange(element, text);
            }
        }
        else if (value instanceof Map)
        {
            for (final Object element : ((Map<?, ?>)value).values())
            {
                checkRange(element, text);
            }
        }
    }

    /** @return the value as JSON on one line. */
    static String json(final Object value)
    {
        try
        {
            return JSON.writeValueAsString(value);
        }
        catch (final JsonProcessingException ex)
        {
            return String.valueOf(value);
        }
    }
}
