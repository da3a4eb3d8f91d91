package to.clasp.transport.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP response of an {@link HttpEndpointServer} route: status, content type and body bytes.
 *
 * @param status      HTTP status code.
 * @param contentType the {@code Content-Type} header.
 * @param body        the body (sent for GET, left out for HEAD).
 * @param headers     further response headers (CORS, {@code Allow}, ...).
 */
public record HttpAnswer(int status, String contentType, byte[] body, Map<String, String> headers)
{
    /** Plain text, UTF-8. */
    public static final String TEXT = "text/plain; charset=utf-8";

    public HttpAnswer
    {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    /** An answer with no further headers. */
    public HttpAnswer(final int status, final String contentType, final byte[] body)
    {
        this(status, contentType, body, Map.of());
    }

    /**
     * @return a plain-text answer; a newline is appended to {@code text}.
     */
    public static HttpAnswer text(final int status, final String text)
    {
        return new HttpAnswer(status, TEXT, (text + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
