package io.h2relay.app;

import io.h2relay.config.InvalidConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top command: {@code h2relay serve | origin | check-config | help}, with {@code --help} and {@code --version}. */
@Command(
        name = "h2relay",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "An HTTP/2 reverse proxy: it accepts HTTP/2 clients and forwards each request to a cluster of backends, "
                    + "with flow control held end to end.",
            "",
            "Run `h2relay COMMAND --help` for a command's flags."
        },
        subcommands = {ServeCommand.class, OriginCommand.class, CheckConfigCommand.class, ReplayCommand.class,
            ReportCommand.class, CommandLine.HelpCommand.class},
        footer = {
            "",
            "Exit status: 0 done (and after a drained SIGTERM), 1 failed while running, 2 wrong command line or "
                    + "configuration.",
            "Configuration keys: docs/configuration.md."
        })
final class H2relay implements Callable<Integer> {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    private final Path home;

    H2relay(Path home) {
        this.home = home;
    }

    /** Where the default configuration file is looked for ({@code conf/h2relay.conf} under it). */
    Path home() {
        return home;
    }

    /** {@code h2relay} alone: a usage error that lists the commands. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing a command: serve, origin, check-config, replay or report");
    }

    /** The command line, writing to {@code out} and {@code err}; configuration errors print as located lines. */
    static CommandLine commandLine(Path home, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new H2relay(home));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            PrintWriter to = command.getErr();
            if (e instanceof InvalidConfigException invalid) {
                // One "file:line: key: message" line per problem, no stack trace: the user's file is at fault.
                invalid.problems().forEach(to::println);
                to.flush();
                return EXIT_USAGE;
            }
            if (e instanceof CommandFailure failure) {
                to.println(command.getCommandSpec().qualifiedName() + ": " + failure.getMessage());
                to.flush();
                return failure.status();
            }
            e.printStackTrace(to);
            to.flush();
            return EXIT_FAILED;
        });
        return cl;
    }
}
