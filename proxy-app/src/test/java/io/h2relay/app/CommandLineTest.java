package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.config.CommandLineOverrides;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class CommandLineTest {

    private static final Path HOME = Path.of("/opt/h2relay");

    private static <T> T parsed(Class<T> type, String... args) {
        CommandLine cl = H2relay.commandLine(HOME, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<CommandLine> chain = cl.parseArgs(args).asCommandLineList();
        return type.cast(chain.get(chain.size() - 1).getCommand());
    }

    @Test
    void repeatedListenAndUpstreamFlagsBecomeCommandLineOverridesInOrder() {
        ServeCommand serve = parsed(ServeCommand.class, "serve", "--listen", "127.0.0.1:9080", "--listen=[::1]:9081",
                "--upstream", "h2c://127.0.0.1:9000", "--upstream", "h2c://127.0.0.1:9001");
        assertEquals(new CommandLineOverrides(List.of("127.0.0.1:9080", "[::1]:9081"),
                List.of("h2c://127.0.0.1:9000", "h2c://127.0.0.1:9001")), serve.options.overrides(false));
    }

    @Test
    void upstreamWithoutConfigReadsNoFileAndListensOnTheDefaultAddress() {
        ServeCommand serve = parsed(ServeCommand.class, "serve", "--upstream", "h2c://127.0.0.1:9000");
        assertEquals(Optional.empty(), serve.options.file(HOME));
        assertEquals(List.of(ConfigOptions.DEFAULT_LISTEN), serve.options.overrides(false).listen());
    }

    @Test
    void withoutFlagsServeReadsTheDefaultFileUnderTheInstallationDirectory() {
        ServeCommand serve = parsed(ServeCommand.class, "serve");
        assertEquals(Optional.of(HOME.resolve("conf/h2relay.conf")), serve.options.file(HOME));
        assertEquals(CommandLineOverrides.NONE, serve.options.overrides(true));
    }

    @Test
    void listenAloneKeepsTheDefaultFileAndReplacesItsListeners() {
        ServeCommand serve = parsed(ServeCommand.class, "serve", "--listen", "127.0.0.1:9080");
        assertEquals(Optional.of(HOME.resolve("conf/h2relay.conf")), serve.options.file(HOME));
        assertEquals(List.of("127.0.0.1:9080"), serve.options.overrides(true).listen());
    }

    @Test
    void configFlagNamesTheFileEvenWithUpstreams() {
        ServeCommand serve = parsed(ServeCommand.class, "serve", "--config", "site.conf", "--upstream", "h2c://a:1");
        assertEquals(Optional.of(Path.of("site.conf")), serve.options.file(HOME));
        assertEquals(List.of(), serve.options.overrides(true).listen());
    }

    @Test
    void logLevelIsReadInAnyCaseAndDefaultsToInfo() {
        assertEquals(LogLevel.DEBUG, parsed(ServeCommand.class, "serve", "--log-level", "debug").log.level);
        assertEquals(LogLevel.WARN, parsed(OriginCommand.class, "origin", "--log-level=Warn").log.level);
        assertEquals(LogLevel.INFO, parsed(ServeCommand.class, "serve").log.level);
    }

    @Test
    void logLevelsMapToPekkoNames() {
        assertEquals("WARNING", LogLevel.WARN.pekkoLevel());
        assertEquals("DEBUG", LogLevel.TRACE.pekkoLevel());
        assertEquals("OFF", LogLevel.OFF.pekkoLevel());
    }

    @Test
    void originListensOnPort8081ByDefault() {
        assertEquals("127.0.0.1:8081", parsed(OriginCommand.class, "origin").listen);
        assertEquals("[::1]:0", parsed(OriginCommand.class, "origin", "--listen", "[::1]:0").listen);
    }

    @Test
    void unknownLogLevelIsAUsageErrorNamingTheChoices() {
        Run run = Run.of(HOME, "serve", "--log-level", "loud");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("--log-level"), run.err());
        assertTrue(run.err().contains("TRACE, DEBUG, INFO, WARN, ERROR, OFF"), run.err());
    }

    @Test
    void unknownFlagIsAUsageError() {
        Run run = Run.of(HOME, "serve", "--listn", "127.0.0.1:1");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("'--listn'"), run.err());
        assertTrue(run.err().contains("Possible solutions: --listen"), run.err());
    }

    @Test
    void noCommandIsAUsageErrorThatListsTheCommands() {
        Run run = Run.of(HOME);
        assertEquals(2, run.status());
        for (String command : List.of("serve", "origin", "check-config")) {
            assertTrue(run.err().contains(command), run.err());
        }
    }

    @Test
    void versionPrintsTheProjectVersion() {
        Run run = Run.of(HOME, "--version");
        assertEquals(0, run.status());
        assertTrue(run.out().startsWith("h2relay " + Version.current() + "\n"), run.out());
        assertFalse(Version.current().contains("${"), "version.properties was not filtered: " + Version.current());
        assertTrue(run.out().contains("Pekko 1.7"), run.out());
    }

    @Test
    void topLevelHelpListsEveryCommand() {
        Run run = Run.of(HOME, "--help");
        assertEquals(0, run.status());
        CommandLine cl = H2relay.commandLine(HOME, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        for (String command : cl.getSubcommands().keySet()) {
            assertTrue(run.out().contains("\n  " + command + " "), "--help does not list " + command + ":\n" + run.out());
        }
    }

    /** Every flag of every command appears in that command's --help with a description. */
    @Test
    void helpDescribesEveryFlagOfEveryCommand() {
        CommandLine cl = H2relay.commandLine(HOME, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<CommandSpec> specs = new ArrayList<>();
        specs.add(cl.getCommandSpec());
        cl.getSubcommands().values().forEach(sub -> specs.add(sub.getCommandSpec()));
        int checked = 0;
        for (CommandSpec spec : specs) {
            List<String> args = new ArrayList<>(List.of(spec.qualifiedName(" ").split(" ")));
            args.remove(0); // "h2relay"
            args.add("--help");
            Run run = Run.of(HOME, args.toArray(String[]::new));
            assertEquals(0, run.status(), spec.qualifiedName());
            for (OptionSpec option : spec.options()) {
                assertTrue(run.out().contains(option.longestName()),
                        spec.qualifiedName() + " --help lacks " + option.longestName() + ":\n" + run.out());
                assertTrue(option.description().length > 0 && !option.description()[0].isBlank(),
                        spec.qualifiedName() + " " + option.longestName() + " has no description");
                checked++;
            }
        }
        // serve: config, listen, upstream, log-level, help, version; origin: listen, log-level, help, version; ...
        assertTrue(checked >= 16, "only " + checked + " options checked");
    }

    @Test
    void serveHelpShowsTheNoConfigExampleAndTheDrain() {
        String help = Run.of(HOME, "serve", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("serve --listen 127.0.0.1:9080 --upstream h2c://127.0.0.1:9000"), help);
        assertTrue(help.contains("SIGTERM or SIGINT drains"), help);
    }
}
