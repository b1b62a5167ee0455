package io.h2relay.app;

import io.h2relay.config.AccessLogConfig;
import io.h2relay.proxy.ExchangeObserver;
import io.h2relay.proxy.ExchangeRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: an {@link ExchangeObserver} that queues each record (never blocking the Stream actor: a full queue
 * drops the line and counts it) for one writer thread, which formats and writes lines in batches to standard output
 * or to a file rotated by size ({@code file} → {@code file.1} → ... → {@code file.<max-files>}).
 */
final class AccessLog implements ExchangeObserver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    private static final int BATCH = 512;

    private final AccessLogConfig config;
    private final AccessLogFormat format;
    private final BlockingQueue<ExchangeRecord> queue;
    private final Counter dropped;
    private final Counter written;
    private final Thread writer;
    private final PrintStream stdout;
    private OutputStream file;
    private long fileSize;
    private volatile boolean closing;

    private AccessLog(AccessLogConfig config, MeterRegistry registry, PrintStream stdout) {
        this.config = config;
        this.format = AccessLogFormat.of(config);
        this.queue = new ArrayBlockingQueue<>(config.queueSize());
        this.stdout = stdout;
        this.dropped = Counter.builder("h2relay.access.log.dropped")
                .description("access log lines dropped because the writer fell behind").register(registry);
        this.written = Counter.builder("h2relay.access.log.lines").description("access log lines written")
                .register(registry);
        Gauge.builder("h2relay.access.log.queued", queue, BlockingQueue::size)
                .description("access log lines waiting for the writer").register(registry);
        this.writer = new Thread(this::run, "h2relay-access-log");
        this.writer.setDaemon(true);
    }

    /**
     * The access log {@code config} asks for, writing; null when {@code output = off}.
     *
     * @throws IOException when the file cannot be opened (its directory is created if missing)
     */
    static AccessLog start(AccessLogConfig config, MeterRegistry registry, PrintStream stdout) throws IOException {
        if (config.output() == AccessLogConfig.Output.OFF) {
            return null;
        }
        AccessLog log = new AccessLog(config, registry, stdout);
        if (config.output() == AccessLogConfig.Output.FILE) {
            log.openFile();
        }
        log.writer.start();
        return log;
    }

    @Override
    public void exchangeEnded(ExchangeRecord record) {
        if (closing || !queue.offer(record)) {
            dropped.increment();
        }
    }

    /** Writes what is queued, then stops the writer (waiting at most 5 s for it). */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<ExchangeRecord> batch = new ArrayList<>(BATCH);
        StringBuilder text = new StringBuilder(BATCH * 256);
        while (true) {
            ExchangeRecord first;
            try {
                // A timed wait, not an interrupt, ends the loop: an interrupted write would lose lines.
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (closing) {
                    break;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, BATCH - 1);
            write(batch, text);
            batch.clear();
        }
        closeFile();
    }

    private void write(List<ExchangeRecord> batch, StringBuilder text) {
        try {
            if (file == null && config.output() == AccessLogConfig.Output.FILE) {
                openFile(); // after a failed rotation
            }
            for (ExchangeRecord r : batch) {
                text.setLength(0);
                format.append(r, text);
                byte[] line = text.toString().getBytes(StandardCharsets.UTF_8);
                if (file != null) {
                    if (fileSize > 0 && fileSize + line.length > config.maxFileSize()) {
                        rotate();
                    }
                    file.write(line);
                    fileSize += line.length;
                } else {
                    stdout.write(line);
                }
                written.increment();
            }
            if (file != null) {
                file.flush();
            } else {
                stdout.flush();
            }
        } catch (IOException | RuntimeException e) {
            dropped.increment(batch.size());
            LOG.warn("access log: cannot write {} lines: {}", batch.size(), e.toString());
            closeFile();
        }
    }

    private void openFile() throws IOException {
        Path path = Path.of(config.file());
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        file = new BufferedOutputStream(new FileOutputStream(path.toFile(), true), 64 * 1024);
        fileSize = Files.size(path);
    }

    /** file.N-1 → file.N, ..., file → file.1; the oldest beyond max-files goes. */
    private void rotate() throws IOException {
        closeFile();
        Path path = Path.of(config.file());
        int keep = config.maxFiles();
        if (keep == 0) {
            Files.deleteIfExists(path);
        } else {
            Files.deleteIfExists(Path.of(config.file() + "." + keep));
            for (int i = keep - 1; i >= 1; i--) {
                Path from = Path.of(config.file() + "." + i);
                if (Files.exists(from)) {
                    Files.move(from, Path.of(config.file() + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(path, Path.of(config.file() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        openFile();
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.warn("access log: closing {} failed: {}", config.file(), e.toString());
            }
            file = null;
        }
    }
}
