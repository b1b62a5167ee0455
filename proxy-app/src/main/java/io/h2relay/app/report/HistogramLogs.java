package io.h2relay.app.report;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

/**
 * {@code .hlog} files: HdrHistogram's interval log format ({@link HistogramLogWriter}), one tagged histogram per
 * {@link Interval} tag per interval, microsecond values, so any HdrHistogram tool (HistogramLogProcessor,
 * HdrHistogramVisualizer) reads them too. What histograms cannot hold travels as comment lines those tools skip:
 * {@code #h2relay title=...} at the start and {@code #h2relay bytes-sent=N bytes-received=N asked-rate=R} at the end.
 */
public final class HistogramLogs {

    private static final String META = "h2relay ";

    private HistogramLogs() {}

    /** Writes a run's intervals as they are cut. Owned by one thread. */
    public static final class Sink implements Closeable {
        private final PrintStream out;
        private final HistogramLogWriter writer;

        public Sink(Path file, long startMs, String title) throws IOException {
            try {
                this.out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8);
            } catch (FileNotFoundException e) {
                throw new IOException(e);
            }
            this.writer = new HistogramLogWriter(out);
            writer.outputComment(META + "title=" + title.replace('\n', ' '));
            writer.outputLogFormatVersion();
            writer.outputStartTime(startMs);
            writer.setBaseTime(startMs);
            writer.outputBaseTime(startMs);
            writer.outputLegend();
        }

        public void write(Interval interval) {
            for (Map.Entry<String, Histogram> e : interval.byTag().entrySet()) {
                Histogram h = e.getValue();
                h.setStartTimeStamp(interval.startMs());
                h.setEndTimeStamp(interval.endMs());
                h.setTag(e.getKey());
                writer.outputIntervalHistogram(h);
            }
            out.flush();
        }

        public void finish(long bytesSent, long bytesReceived, double askedRate) {
            writer.outputComment(META + "bytes-sent=" + bytesSent + " bytes-received=" + bytesReceived
                    + " asked-rate=" + askedRate);
            out.flush();
        }

        @Override
        public void close() {
            out.close();
        }
    }

    /**
     * Reads {@code .hlog} files (shards of one run, usually) into one {@link RunData}: histograms whose intervals
     * start in the same wall-clock second are added together, byte counts and asked rates summed.
     */
    public static RunData merge(List<Path> files) throws IOException {
        Map<Long, Map<String, Histogram>> bySecond = new TreeMap<>();
        Map<Long, Long> ends = new HashMap<>();
        long sent = 0;
        long received = 0;
        double rate = 0;
        List<String> titles = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new IOException("no such file: " + file);
            }
            HistogramLogReader reader = new HistogramLogReader(file.toFile());
            EncodableHistogram next;
            int read = 0;
            while ((next = reader.nextIntervalHistogram()) != null) {
                if (!(next instanceof Histogram h)) {
                    continue;
                }
                read++;
                String tag = h.getTag() == null ? Interval.CORRECTED : h.getTag();
                long second = Math.floorDiv(h.getStartTimeStamp(), 1000);
                bySecond.computeIfAbsent(second, s -> new HashMap<>())
                        .computeIfAbsent(tag, t -> new Histogram(3)).add(h);
                ends.merge(second, h.getEndTimeStamp(), Math::max);
            }
            if (read == 0 && !Files.readString(file, StandardCharsets.UTF_8).contains("#[StartTime")) {
                throw new IOException(file + " is not an HdrHistogram log");
            }
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.startsWith("#" + META)) {
                    continue;
                }
                String meta = line.substring(1 + META.length());
                if (meta.startsWith("title=")) {
                    titles.add(meta.substring(6));
                }
                for (String kv : meta.split(" ")) {
                    String[] p = kv.split("=", 2);
                    if (p.length == 2) {
                        switch (p[0]) {
                            case "bytes-sent" -> sent += Long.parseLong(p[1]);
                            case "bytes-received" -> received += Long.parseLong(p[1]);
                            case "asked-rate" -> rate += Double.parseDouble(p[1]);
                            default -> { }
                        }
                    }
                }
            }
        }
        List<Interval> intervals = new ArrayList<>();
        for (Map.Entry<Long, Map<String, Histogram>> e : bySecond.entrySet()) {
            long start = e.getKey() * 1000;
            intervals.add(new Interval(start, Math.max(start + 1, ends.get(e.getKey())), e.getValue()));
        }
        String title = files.size() == 1 && !titles.isEmpty() ? titles.get(0)
                : files.size() + " logs merged" + (titles.isEmpty() ? "" : ": " + titles.get(0)
                        + (titles.size() > 1 ? " and others" : ""));
        return new RunData(title, intervals, sent, received, rate);
    }
}
