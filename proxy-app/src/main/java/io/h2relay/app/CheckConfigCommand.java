package io.h2relay.app;

import io.h2relay.config.ProxyConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code h2relay check-config}: reads the configuration exactly as {@code serve} would, without starting anything. */
@Command(
        name = "check-config",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Read the configuration as `serve` would with the same flags, and print it with every default filled in "
                    + "(HOCON that loads back to the same settings), or print the problems found, one per line as "
                    + "FILE:LINE: KEY: MESSAGE.",
        },
        footer = {"", "Exit status: 0 valid, 2 invalid (or a wrong command line)."})
final class CheckConfigCommand implements Callable<Integer> {

    @ParentCommand
    H2relay parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() {
        ProxyConfig config = options.load(parent.home());
        PrintWriter out = spec.commandLine().getOut();
        out.println("# h2relay " + Version.current() + ": valid configuration from " + options.describe(parent.home()));
        out.print(EffectiveConfig.render(config));
        out.flush();
        return H2relay.EXIT_OK;
    }
}
