package to.clasp.benchmarks.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable result: the settings and machine it ran on, and every {@link ScenarioResult}. One file per
 * run, so runs can be diffed and plotted later.
 */
public final class JsonReport
{
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport()
    {
    }

    public static Map<String, Object> document(final Map<String, Object> settings, final List<ScenarioResult> results)
    {
        final Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        // Other work on the machine moves every figure on 2 cores: keep the load next to them.
        machine.put("loadAverageAtStart", settings.remove("loadAverageAtStart"));
        machine.put("loadAverageAtEnd", loadAverage());
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("generator", "clasp bench");
        doc.put("startedAt", settings.remove("startedAt"));
        doc.put("machine", machine);
        doc.put("settings", settings);
        doc.put("results", results);
        return doc;
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown". */
    public static String loadAverage()
    {
        try
        {
            final String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }

    public static void write(final Path file, final Map<String, Object> document) throws IOException
    {
        MAPPER.writeValue(file.toFile(), document);
    }

    public static String toJson(final Map<String, Object> document) throws IOException
    {
        return MAPPER.writeValueAsString(document);
    }
}
