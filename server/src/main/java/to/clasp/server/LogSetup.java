package to.clasp.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.net.URL;

/**
 * Chooses the log format once, before the server starts: {@code logback.xml} (text) is logback's default; JSON
 * swaps in {@code logback-json.xml}, whose encoder writes one JSON object per line.
 */
public final class LogSetup
{
    enum Format
    {
        TEXT("logback.xml"),
        JSON("logback-json.xml"),
        /** The client commands: warnings and errors only, on stderr (stdout carries their output). */
        CLIENT("logback-client.xml");

        final String resource;

        Format(final String resource)
        {
            this.resource = resource;
        }

        public String toString()
        {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private LogSetup()
    {
    }

    /** Logging for a client command ({@code clasp sub}, …): warnings on stderr, nothing on stdout. */
    public static void clientCommand()
    {
        configure(Format.CLIENT);
    }

    static void configure(final Format format)
    {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext))
        {
            return; // another SLF4J binding (e.g. in an embedding application): leave it alone
        }
        final LoggerContext context = (LoggerContext)LoggerFactory.getILoggerFactory();
        final URL config = LogSetup.class.getClassLoader().getResource(format.resource);
        if (config == null)
        {
            throw new IllegalStateException("missing " + format.resource + " on the class path");
        }
        final JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        context.reset();
        try
        {
            configurator.doConfigure(config);
        }
        catch (final JoranException ex)
        {
            throw new IllegalStateException("bad logging configuration " + format.resource, ex);
        }
    }
}
