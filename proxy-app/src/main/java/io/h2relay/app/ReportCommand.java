package io.h2relay.app;

import io.h2relay.app.report.HistogramLogs;
import io.h2relay.app.report.HtmlReport;
import io.h2relay.app.report.RunData;
import io.h2relay.app.report.TextReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code h2relay report merge *.hlog}: one report from the histogram logs of replay shards. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        usageHelpAutoWidth = true,
        description = "Reports from replay histogram logs (--hlog).",
        subcommands = {ReportCommand.Merge.class})
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing a subcommand: merge");
    }

    @Command(
            name = "merge",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            sortOptions = false,
            usageHelpAutoWidth = true,
            description = {
                "Merge the .hlog files of replay shards (or one run) into one report: intervals starting in the "
                        + "same second are added, byte counts and asked rates summed.",
                "Example: h2relay report merge shard-*.hlog --html report.html"
            })
    static final class Merge implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE.hlog", description = "Histogram logs written by replay --hlog.")
        List<Path> files;

        @Option(names = "--html", paramLabel = "FILE", description = "Write the HTML report here.")
        Path html;

        @Override
        public Integer call() throws IOException {
            RunData run;
            try {
                run = HistogramLogs.merge(files);
            } catch (IOException | RuntimeException e) {
                throw new CommandFailure(H2relay.EXIT_USAGE, e.getMessage(), e);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(TextReport.render(run));
            if (html != null) {
                Files.writeString(html, HtmlReport.render(run), StandardCharsets.UTF_8);
                out.println("report       " + html);
            }
            out.flush();
            return H2relay.EXIT_OK;
        }
    }

}
