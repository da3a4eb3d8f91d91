package to.clasp.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import to.clasp.server.Main;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration file, the CLASP_* environment and their precedence, read generically from picocli's option model
 * of {@code clasp server}; the shipped template generated from that same model.
 */
final class ConfigFileTest
{
    @TempDir
    Path dir;

    @Test
    void unknownKeysAreAnErrorWithTheirLine() throws IOException
    {
        final Path file = write("# studio router\nport = 7400\n\nmax-sesions = 5\n");
        final ConfigFile.ConfigException ex = assertThrows(ConfigFile.ConfigException.class,
            () -> ConfigFile.load(file, keys(), Set.of()));
        assertEquals(file + " line 4: unknown key 'max-sesions' (keys are the 'clasp server' flags without the " +
            "dashes; see 'clasp server --help')", ex.getMessage());
    }

    @Test
    void syntaxErrorsTablesAndArraysNameTheirLine() throws IOException
    {
        final Path syntax = write("port = 7400\nname = = \"x\"\n");
        final String syntaxError = assertThrows(ConfigFile.ConfigException.class,
            () -> ConfigFile.load(syntax, keys(), Set.of())).getMessage();
        assertEquals(syntax + " line 2: Unknown token", syntaxError);

        final Path table = write("port = 7400\n\n[server]\nport = 1\n");
        final String tableError = assertThrows(ConfigFile.ConfigException.class,
            () -> ConfigFile.load(table, keys(), Set.of())).getMessage();
        assertTrue(tableError.startsWith(table + " line 3: [server]: tables are not used"), tableError);

        final Path array = write("name = \"a\"\nport = [1, 2]\n");
        assertEquals(array + " line 2: 'port' takes one value, not an array",
            assertThrows(ConfigFile.ConfigException.class, () -> ConfigFile.load(array, keys(), Set.of()))
                .getMessage());

        final Path duplicate = write("port = 1\nport = 2\n");
        assertEquals(duplicate + " line 2: Duplicate key", assertThrows(ConfigFile.ConfigException.class,
            () -> ConfigFile.load(duplicate, keys(), Set.of())).getMessage());
    }

    @Test
    void aKeyInsideAMultiLineStringIsNotWhereTheKeyIs()
    {
        final String[] lines = {"name = \"\"\"", "port = not a key", "\"\"\"", "port = 1"};
        assertEquals(4, ConfigFile.lineOf(lines, "port", false));
    }

    @Test
    void precedenceIsFlagThenEnvironmentThenFileThenDefault() throws IOException
    {
        final Path file = write("port = 7400\nname = \"From File\"\nmax-sessions = 50\nidle-timeout = 90\n");
        final Map<String, String> env = Map.of("CLASP_NAME", "From Env", "CLASP_MAX_SESSIONS", "60");

        final String printed = printConfig(env, "server", "--config", file.toString(), "--max-sessions", "70");
        assertTrue(printed.contains("port = 7400"), printed);
        assertTrue(printed.contains("# " + file + " line 1"), printed);
        assertTrue(printed.contains("name = \"From Env\""), printed);
        assertTrue(printed.contains("# env CLASP_NAME"), printed);
        assertTrue(printed.contains("max-sessions = 70"), printed);
        assertTrue(printed.contains("# flag"), printed);
        assertTrue(printed.contains("idle-timeout = \"90\""), printed);
        assertTrue(printed.contains("host = \"0.0.0.0\""), printed);
        assertTrue(printed.contains("# health-port ="), "unset options are listed commented out: " + printed);
        assertTrue(printed.matches("(?s).*host = \"0\\.0\\.0\\.0\"\\s+# default\n.*"), printed);
    }

    @Test
    void badValuesFromTheFileOrEnvironmentSayWhereTheyCameFrom() throws IOException
    {
        final Path file = write("\nport = 70000\n");
        final StringWriter err = new StringWriter();
        assertEquals(2, run(Map.of(), err, "server", "--config", file.toString(), "--print-config"));
        assertEquals("clasp: Invalid value for option '--port': '70000' is not a port number (0..65535) (from " +
            file + " line 2) (see 'clasp server --help')", err.toString().trim());

        final StringWriter envErr = new StringWriter();
        assertEquals(2, run(Map.of("CLASP_WAIT", "nap"), envErr, "server", "--print-config"));
        assertTrue(envErr.toString().contains("'nap' is not one of block, sleep, yield, spin (from env CLASP_WAIT)"),
            envErr.toString());

        final StringWriter unknown = new StringWriter();
        assertEquals(2, run(Map.of(), unknown, "server", "--config=" + write("colour = 1\n"), "--print-config"));
        assertTrue(unknown.toString().startsWith("clasp: "), unknown.toString());
        assertTrue(unknown.toString().contains("line 1: unknown key 'colour'"), unknown.toString());

        final StringWriter missing = new StringWriter();
        assertEquals(2, run(Map.of(), missing, "server", "--config", dir.resolve("nope.toml").toString()));
        assertTrue(missing.toString().contains("nope.toml: cannot read"), missing.toString());
    }

    @Test
    void flagsWithoutAValueTakeTrueOrFalse() throws IOException
    {
        final String fromEnv = printConfig(Map.of("CLASP_NO_INSPECTOR", "true"), "server");
        assertTrue(fromEnv.matches("(?s).*\nno-inspector = true +# env CLASP_NO_INSPECTOR\n.*"), fromEnv);
        final String fromFile = printConfig(Map.of(), "server", "--config", write("no-inspector = true\n").toString());
        assertTrue(fromFile.matches("(?s).*\nno-inspector = true +# [^\n]* line 1\n.*"), fromFile);
        final String flag = printConfig(Map.of(), "server", "--no-inspector");
        assertTrue(flag.matches("(?s).*\nno-inspector = true +# flag\n.*"), flag);
        assertTrue(printConfig(Map.of(), "server").matches("(?s).*\nno-inspector = false +# default\n.*"));
    }

    @Test
    void theConfigFileCanBeNamedInTheEnvironment() throws IOException
    {
        final Path file = write("rate-limit = 250\n");
        final String printed = printConfig(Map.of("CLASP_CONFIG", file.toString()), "server");
        assertTrue(printed.contains("rate-limit = 250"), printed);
    }

    @Test
    void everyOptionOfTheServerIsConfigurableWithNoCodePerFlag() throws IOException
    {
        // Every configurable option, set from the file to a value that differs from its default where one exists,
        // must come back from --print-config as coming from the file: a flag added later needs nothing here.
        final CommandSpec server = serverSpec();
        final StringBuilder toml = new StringBuilder();
        final List<OptionSpec> options = ConfigDefaults.configurable(server);
        assertTrue(options.size() >= 19, "the server's flags: " + options.size());
        for (final OptionSpec option : options)
        {
            final String value = option.defaultValue() != null ? option.defaultValue() :
                option.arity().max() == 0 ? "false" : null;
            if (value != null)
            {
                toml.append(ConfigPrinter.assignment(option, value)).append('\n');
            }
        }
        final Path file = write(toml.toString());
        final String printed = printConfig(Map.of(), "server", "--config", file.toString());
        for (final OptionSpec option : options)
        {
            if (option.defaultValue() != null || option.arity().max() == 0)
            {
                assertTrue(printed.matches("(?s).*\n" + java.util.regex.Pattern.quote(ConfigDefaults.key(option)) +
                    " = [^\n]*# " + java.util.regex.Pattern.quote(file.toString()) + " line [0-9]+\n.*"),
                    ConfigDefaults.key(option) + " not taken from the file: " + printed);
            }
        }
    }

    @Test
    void theTemplateListsEveryOptionAndUncommentedLoadsAsTheDefaults() throws IOException
    {
        final CommandSpec server = serverSpec();
        final String template = ConfigPrinter.template(server);
        for (final OptionSpec option : ConfigDefaults.configurable(server))
        {
            assertTrue(template.contains("\n# " + ConfigDefaults.key(option) + " = "),
                ConfigDefaults.key(option) + " missing from the template");
            assertTrue(template.contains("# Environment: " + ConfigDefaults.envName(option) + "\n"));
        }
        // The template as shipped sets nothing; uncommenting every line that has a default sets the defaults.
        assertTrue(printConfig(Map.of(), "server", "--config", write(template).toString())
            .matches("(?s)[^\n]*\n([^\n]*# (default|default: not set)\n)+"));
        final StringBuilder uncommented = new StringBuilder();
        for (final String line : template.split("\n"))
        {
            if (line.matches("# [a-z-]+ = .*") && !line.contains("(not set by default)"))
            {
                uncommented.append(line.substring(2)).append('\n');
            }
        }
        final String printed = printConfig(Map.of(), "server", "--config", write(uncommented.toString()).toString());
        final String defaults = printConfig(Map.of(), "server");
        assertEquals(defaults.replaceAll(" *# [^\n]*", ""), printed.replaceAll(" *# [^\n]*", ""));
    }

    @Test
    void theGeneratedTemplateFileIsTheTemplate() throws IOException
    {
        final Path out = dir.resolve("conf/clasp.toml");
        ConfigPrinter.main(new String[] {out.toString()});
        assertEquals(ConfigPrinter.template(serverSpec()), Files.readString(out));
    }

    private static CommandSpec serverSpec()
    {
        return new CommandLine(new Main()).getSubcommands().get("server").getCommandSpec();
    }

    private static Set<String> keys()
    {
        final Set<String> keys = new HashSet<>();
        for (final OptionSpec option : ConfigDefaults.configurable(serverSpec()))
        {
            keys.add(ConfigDefaults.key(option));
        }
        return keys;
    }

    private String printConfig(final Map<String, String> env, final String... args)
    {
        final String[] withPrint = java.util.Arrays.copyOf(args, args.length + 1);
        withPrint[args.length] = "--print-config";
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), new HashMap<>(env), withPrint);
        assertEquals(0, code, err.toString());
        assertNotNull(out.toString());
        return out.toString();
    }

    private static int run(final Map<String, String> env, final StringWriter err, final String... args)
    {
        return Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), env, args);
    }

    private int files;

    private Path write(final String text) throws IOException
    {
        final Path file = dir.resolve("clasp-" + files++ + ".toml");
        Files.writeString(file, text);
        return file;
    }
}
