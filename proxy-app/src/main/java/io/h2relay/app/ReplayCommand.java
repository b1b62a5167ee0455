package io.h2relay.app;

import io.h2relay.app.har.Har;
import io.h2relay.app.har.HarBodies;
import io.h2relay.app.har.HarFileAppender;
import io.h2relay.app.har.HarJson;
import io.h2relay.app.replay.ReplayRequest;
import io.h2relay.app.replay.Replayer;
import io.h2relay.app.replay.Rewrite;
import io.h2relay.app.replay.Schedule;
import io.h2relay.app.replay.Shard;
import io.h2relay.app.report.HistogramLogs;
import io.h2relay.app.report.HtmlReport;
import io.h2relay.app.report.RunData;
import io.h2relay.app.report.TextReport;
import io.h2relay.client.ClientConfig;
import io.h2relay.client.ConnectMode;
import io.h2relay.hpack.Header;
import io.h2relay.tls.ClientTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code h2relay replay FILE.har --target URL}: recorded traffic at a target, at a chosen rate, with a report. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Replay the requests of a HAR file (recorded by `serve --record`, or exported from Chromium or Firefox) "
                    + "against a target, then print a report.",
            "Load model: --rate (open, fixed arrival rate, optional --ramp), --speed (open, the recording's own "
                    + "timing scaled; the default, at 1x) or --concurrency (closed). Latency counts from each "
                    + "request's intended send time, so a stalled target cannot hide its stall (coordinated "
                    + "omission).",
            "Example: replay traffic.har --target h2c://127.0.0.1:8081 --rate 2000/s --duration 30s --hlog run.hlog",
        },
        footer = {"", "Exit status: 0 done (failed requests are reported, not fatal), 1 the target or a file failed, "
                + "2 wrong command line or HAR file."})
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.har", description = "The recording.")
    Path file;

    @Option(names = "--target", required = true, paramLabel = "URL",
            description = "Where requests go; the scheme picks the protocol: h2c (HTTP/2 prior knowledge), http "
                    + "(HTTP/1.1; with --h2c-upgrade, Upgrade: h2c), h2 (HTTP/2 over TLS), https (TLS, ALPN h2 then "
                    + "http/1.1).")
    String target;

    @Option(names = "--h2c-upgrade", description = "With an http:// target, ask for HTTP/2 by Upgrade: h2c.")
    boolean upgrade;

    @Option(names = "--insecure", description = "Trust any TLS certificate (self-signed staging servers).")
    boolean insecure;

    @Option(names = "--rate", paramLabel = "N/s", description = "Open model: N requests per second (e.g. 2000/s).")
    String rate;

    @Option(names = "--ramp", paramLabel = "DURATION", description = "With --rate: climb from 0 to the rate over "
            + "this long (e.g. 30s).")
    String ramp;

    @Option(names = "--ramp-steps", paramLabel = "N", defaultValue = "0",
            description = "With --ramp: climb in N equal steps instead of linearly.")
    int rampSteps;

    @Option(names = "--speed", paramLabel = "Nx", description = "Open model at the recording's own timing, N times "
            + "faster (e.g. 2x, 0.5x). The default: 1x.")
    String speed;

    @Option(names = "--concurrency", paramLabel = "N", description = "Closed model: N requests in flight.")
    Integer concurrency;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop sending after this long (e.g. 30s, "
            + "5m).")
    String duration;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "0",
            description = "Passes over the recording (default: 1, or unlimited with --duration).")
    long iterations;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "1", description = "Connections to the "
            + "target. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--streams-per-connection", paramLabel = "N", defaultValue = "100",
            description = "Requests in flight per connection at most (HTTP/1.1 sends one at a time regardless). "
                    + "Default: ${DEFAULT-VALUE}.")
    int streams;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "A request not done within this fails as 'timeout'. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", description = "Set a header on every request "
            + "(replacing recorded ones of that name). Repeatable.")
    List<String> setHeaders = new ArrayList<>();

    @Option(names = "--remove-header", paramLabel = "NAME", description = "Remove a recorded header. Repeatable.")
    List<String> removeHeaders = new ArrayList<>();

    @Option(names = "--authority", paramLabel = "HOST[:PORT]", description = "Send this :authority/Host instead "
            + "of the target's.")
    String authority;

    @Option(names = "--keep-authority", description = "Send each request's recorded authority.")
    boolean keepAuthority;

    @Option(names = "--shard", paramLabel = "I/N", defaultValue = "0/1",
            description = "Replay only the entries whose position in the file modulo N is I (0-based), so N "
                    + "machines share one recording. Rates apply per shard.")
    String shard;

    @Option(names = "--hlog", paramLabel = "FILE", description = "Write the latency histograms (HdrHistogram "
            + "interval log) for `h2relay report merge`.")
    Path hlog;

    @Option(names = "--html", paramLabel = "FILE", description = "Write the HTML report here.")
    Path html;

    @Option(names = "--save-responses", paramLabel = "FILE.har",
            description = "Write every replayed exchange, with its response body, as HAR.")
    Path saveResponses;

    @Mixin
    LogOptions log;

    @Override
    public Integer call() throws Exception {
        log.level.applyToLogback();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Replayer.Options options;
        List<ReplayRequest> plan;
        try {
            Har.File har = HarJson.read(file);
            plan = plan(har, Shard.parse(shard));
            options = options(plan);
        } catch (IOException e) {
            throw new CommandFailure(H2relay.EXIT_USAGE, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(H2relay.EXIT_USAGE, e.getMessage(), e);
        }
        if (plan.isEmpty()) {
            out.println("replay: shard " + shard + " of " + file + " has no entries; nothing to do");
            return H2relay.EXIT_OK;
        }
        String title = file.getFileName() + " -> " + target + " (" + describe() + ", shard " + shard + ")";
        HistogramLogs.Sink sink = hlog == null ? null : new HistogramLogs.Sink(hlog, System.currentTimeMillis(),
                title);
        boolean terminal = System.console() != null;
        long[] lastPlain = {0};
        Replayer.Listener listener = (interval, p) -> {
            if (sink != null) {
                sink.write(interval);
            }
            String line = progress(p);
            if (terminal) {
                err.print("\r" + line + "   ");
                err.flush();
            } else if (p.elapsed().toSeconds() - lastPlain[0] >= 5) {
                lastPlain[0] = p.elapsed().toSeconds();
                err.println(line);
                err.flush();
            }
        };
        RunData run;
        Replayer replayer;
        try (ResponseLog responses = saveResponses == null ? null : new ResponseLog(saveResponses)) {
            if (responses != null) {
                options = withResponses(options, responses);
            }
            replayer = new Replayer(plan, options, listener);
            run = replayer.run();
        }
        if (terminal) {
            err.println();
        }
        // The report counts errors by kind; the first of each kind says why (an untrusted certificate, a refused
        // connection...).
        replayer.firstErrors().forEach((kind, message) -> err.println("replay: first " + kind + " error: "
                + message));
        run = new RunData(title, run.intervals(), run.bytesSent(), run.bytesReceived(), run.askedRate());
        if (sink != null) {
            sink.finish(run.bytesSent(), run.bytesReceived(), run.askedRate());
            sink.close();
        }
        out.print(TextReport.render(run));
        if (html != null) {
            Files.writeString(html, HtmlReport.render(run), StandardCharsets.UTF_8);
            out.println("report       " + html);
        }
        out.flush();
        return H2relay.EXIT_OK;
    }

    private List<ReplayRequest> plan(Har.File har, Shard slice) {
        List<Har.Entry> entries = har.log().entries();
        List<ReplayRequest> plan = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (slice.includes(i)) {
                plan.add(ReplayRequest.of(i, entries.get(i)));
            }
        }
        if (rate == null && concurrency == null) {
            // Recorded timing wants the entries in time order (exports usually are, merged files may not be).
            plan.sort(Comparator.comparing(r -> r.started() == null ? java.time.Instant.EPOCH : r.started()));
        }
        return plan;
    }

    private Replayer.Options options(List<ReplayRequest> plan) {
        int models = (rate != null ? 1 : 0) + (speed != null ? 1 : 0) + (concurrency != null ? 1 : 0);
        if (models > 1) {
            throw new IllegalArgumentException("choose one of --rate, --speed and --concurrency");
        }
        if (ramp != null && rate == null) {
            throw new IllegalArgumentException("--ramp needs --rate");
        }
        Schedule schedule;
        if (rate != null) {
            schedule = new Schedule.OpenRate(rate(rate), ramp == null ? 0 : duration(ramp, "--ramp").toNanos(),
                    rampSteps);
        } else if (concurrency != null) {
            schedule = new Schedule.Closed(concurrency);
        } else {
            schedule = new Schedule.Recorded(speed == null ? 1 : speed(speed),
                    plan.isEmpty() ? new long[] {0} : Schedule.Recorded.offsets(
                            plan.stream().map(ReplayRequest::started).toList()));
        }
        URI uri = URI.create(target);
        ConnectMode mode = ConnectMode.forScheme(uri);
        if (upgrade) {
            if (mode != ConnectMode.HTTP_1_1) {
                throw new IllegalArgumentException("--h2c-upgrade needs an http:// target");
            }
            mode = ConnectMode.H2C_UPGRADE;
        }
        ClientConfig.Builder client = ClientConfig.builder().acceptEncoding(false).userAgent(null);
        if (insecure) {
            client.tls(ClientTls.Settings.defaults().withTrust(new ClientTls.Trust.Insecure()));
        }
        List<Rewrite.Header> set = setHeaders.stream().map(Rewrite.Header::parse).toList();
        return new Replayer.Options(uri, mode, client.build(), connections, streams, schedule,
                duration == null ? null : duration(duration, "--duration"), iterations,
                duration(timeout, "--timeout"), new Rewrite(authority, keepAuthority, set, removeHeaders), null);
    }

    private static Replayer.Options withResponses(Replayer.Options o, ResponseLog log) {
        return new Replayer.Options(o.target(), o.mode(), o.client(), o.connections(), o.streamsPerConnection(),
                o.schedule(), o.duration(), o.iterations(), o.timeout(), o.rewrite(), log::add);
    }

    private String describe() {
        if (rate != null) {
            return "rate " + rate + (ramp != null ? ", ramp " + ramp : "");
        }
        if (concurrency != null) {
            return "concurrency " + concurrency;
        }
        return "recorded timing at " + (speed == null ? "1x" : speed);
    }

    static String progress(Replayer.Progress p) {
        return String.format(Locale.ROOT, "replay: %5ds  sent %d  done %d  %.0f/s  errors %d  p50 %.2f ms  "
                + "p99 %.2f ms%s", p.elapsed().toSeconds(), p.sent(), p.completed(), p.ratePerSecond(), p.errors(),
                p.p50Micros() / 1000.0, p.p99Micros() / 1000.0,
                p.left() == null ? "" : "  left " + p.left().toSeconds() + "s");
    }

    /** {@code 2000/s}, {@code 2000}, {@code 120/m}. */
    static double rate(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        double per = 1;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            per = switch (s.substring(slash + 1)) {
                case "s" -> 1;
                case "m", "min" -> 60;
                case "h" -> 3600;
                default -> throw new IllegalArgumentException("--rate '" + spec + "': the unit is /s, /m or /h");
            };
            s = s.substring(0, slash);
        }
        try {
            double v = Double.parseDouble(s) / per;
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // Falls through.
        }
        throw new IllegalArgumentException("--rate '" + spec + "' is not a positive rate such as 2000/s");
    }

    /** {@code 2x}, {@code 0.5}. */
    static double speed(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("x")) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            double v = Double.parseDouble(s);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // Falls through.
        }
        throw new IllegalArgumentException("--speed '" + spec + "' is not a positive factor such as 2x");
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; a bare number is seconds. */
    static Duration duration(String spec, String flag) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            char unit = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
            String number = Character.isDigit(unit) ? s : s.substring(0, s.length() - 1);
            double v = Double.parseDouble(number);
            double seconds = switch (unit) {
                case 'h' -> v * 3600;
                case 'm' -> v * 60;
                case 's' -> v;
                default -> {
                    if (!Character.isDigit(unit)) {
                        throw new NumberFormatException();
                    }
                    yield v;
                }
            };
            if (seconds >= 0) {
                return Duration.ofNanos((long) (seconds * 1e9));
            }
        } catch (NumberFormatException e) {
            // Falls through.
        }
        throw new IllegalArgumentException(flag + " '" + spec + "' is not a duration such as 500ms, 30s or 5m");
    }

    /** --save-responses: replayed exchanges appended to a HAR file by whichever thread finishes one. */
    private static final class ResponseLog implements AutoCloseable {
        private final HarFileAppender appender;

        ResponseLog(Path file) throws IOException {
            appender = HarFileAppender.create(file, new Har.Creator("h2relay replay", Version.current(),
                    null));
        }

        synchronized void add(Replayer.Replayed r) {
            List<Har.NameValue> requestHeaders = new ArrayList<>();
            for (Header h : r.sent().headers()) {
                requestHeaders.add(Har.NameValue.of(h.name(), h.value()));
            }
            List<Har.NameValue> responseHeaders = new ArrayList<>();
            for (Header h : r.headers()) {
                responseHeaders.add(Har.NameValue.of(h.name(), h.value()));
            }
            byte[] sentBody = r.recorded().body();
            HarBodies.Encoded post = HarBodies.encode(sentBody);
            HarBodies.Encoded body = HarBodies.encode(r.body());
            String version = r.protocol() == null ? null : r.protocol().startsWith("h2") ? "h2" : r.protocol();
            double ms = r.nanos() / 1e6;
            Har.Entry entry = new Har.Entry(null, r.started().toString(), ms,
                    new Har.Request(r.recorded().method(), r.recorded().path(), version, List.of(), requestHeaders,
                            List.of(), sentBody.length == 0 ? null : new Har.PostData(null, null, post.text(), null,
                                    post.encoding()), -1L, (long) sentBody.length, null),
                    new Har.Response(r.status(), "", version, List.of(), responseHeaders,
                            new Har.Content((long) r.body().length, null, r.headers().first("content-type"),
                                    body.text(), body.encoding(), null), "", -1L, (long) r.body().length, null),
                    new Har.Timings(-1.0, -1.0, -1.0, 0.0, ms, 0.0, -1.0, null), null, null, r.error(),
                    new Har.Extension(r.streamId(), null, null, null, null, null, null, null, null,
                            r.error() == null ? "COMPLETED" : "FAILED", null, null, r.protocol()));
            try {
                appender.append(List.of(entry));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            appender.close();
        }
    }
}
