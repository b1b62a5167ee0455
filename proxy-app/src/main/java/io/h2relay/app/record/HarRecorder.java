package io.h2relay.app.record;

import io.h2relay.app.har.Har;
import io.h2relay.app.har.HarFileAppender;
import io.h2relay.config.ProxyConfig;
import io.h2relay.config.RecordConfig;
import io.h2relay.config.RouteConfig;
import io.h2relay.proxy.ExchangeObserver;
import io.h2relay.proxy.ExchangeRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes exchanges to a HAR file ({@code h2relay.record}, {@code serve --record}). The proxy's Stream actors hand
 * records to a bounded queue and return at once; when it is full the record is dropped and counted, so a slow disk
 * never slows proxying. One writer thread drains the queue in batches and appends each batch with
 * {@link HarFileAppender}, which rewrites the closing {@code ]}}} after every batch: the file is a complete HAR
 * document whenever a batch is done, and readable (or replayable) while the proxy runs.
 */
public final class HarRecorder implements ExchangeObserver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HarRecorder.class);
    private static final int BATCH = 256;

    private final RecordConfig config;
    private final Set<String> routes;
    private final BlockingQueue<ExchangeRecord> queue;
    private final HarFileAppender appender;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile boolean closing;
    private volatile IOException failure;

    private HarRecorder(RecordConfig config, Set<String> routes, HarFileAppender appender) {
        this.config = config;
        this.routes = routes;
        this.queue = new ArrayBlockingQueue<>(config.queueSize());
        this.appender = appender;
        this.writer = new Thread(this::drain, "h2relay-har-recorder");
        writer.setDaemon(true);
    }

    /** Creates the file (an empty log) and starts the writer; null when the configuration records nothing. */
    public static HarRecorder start(ProxyConfig proxy, String version) throws IOException {
        RecordConfig config = proxy.record();
        if (!config.enabled()) {
            return null;
        }
        Set<String> routes = proxy.routes().stream().filter(RouteConfig::record).map(RouteConfig::name)
                .collect(Collectors.toUnmodifiableSet());
        HarRecorder recorder = create(config, routes, version);
        recorder.writer.start();
        return recorder;
    }

    /** The file created, the writer not started yet (tests fill the queue first). */
    static HarRecorder create(RecordConfig config, Set<String> routes, String version) throws IOException {
        HarFileAppender appender = HarFileAppender.create(Path.of(config.file()), new Har.Creator("h2relay",
                version, null));
        return new HarRecorder(config, routes, appender);
    }

    void startWriter() {
        writer.start();
    }

    private boolean recorded(String route) {
        return config.allRoutes() || route != null && routes.contains(route);
    }

    @Override
    public int captureLimit(String routeName) {
        return recorded(routeName) ? config.maxBodySize() : 0;
    }

    /** On a Stream actor's thread: queue or drop, never wait. */
    @Override
    public void exchangeEnded(ExchangeRecord record) {
        if (closing || !recorded(record.route())) {
            return;
        }
        if (!queue.offer(record)) {
            dropped.incrementAndGet();
        }
    }

    /** Exchanges dropped because the queue was full (or the file could not be written). */
    public long dropped() {
        return dropped.get();
    }

    /** Exchanges in the file. */
    public long written() {
        return written.get();
    }

    public Path file() {
        return Path.of(config.file());
    }

    private void drain() {
        List<ExchangeRecord> batch = new ArrayList<>(BATCH);
        List<Har.Entry> entries = new ArrayList<>(BATCH);
        while (true) {
            try {
                ExchangeRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
            } catch (InterruptedException e) {
                queue.drainTo(batch);
                closing = true;
            }
            for (ExchangeRecord r : batch) {
                try {
                    entries.add(HarEntries.of(r, config.includeSensitiveHeaders()));
                } catch (RuntimeException e) {
                    dropped.incrementAndGet();
                    LOG.warn("record: cannot convert an exchange of route {}: {}", r.route(), e.toString());
                }
            }
            if (failure == null) {
                try {
                    appender.append(entries);
                    written.addAndGet(entries.size());
                } catch (IOException e) {
                    failure = e;
                    LOG.error("record: writing {} failed, recording stops: {}", config.file(), e.toString());
                }
            }
            if (failure != null) {
                dropped.addAndGet(entries.size());
            }
            batch.clear();
            entries.clear();
            if (closing && queue.isEmpty()) {
                return;
            }
        }
    }

    /** Writes what is queued, then closes the file (complete HAR either way). */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            appender.close();
        } catch (IOException e) {
            LOG.warn("record: closing {}: {}", config.file(), e.toString());
        }
        if (dropped.get() > 0) {
            LOG.warn("record: {} exchanges written to {}, {} dropped (queue full or write failed; "
                    + "h2relay.record.queue-size = {})", written.get(), config.file(), dropped.get(),
                    config.queueSize());
        } else {
            LOG.info("record: {} exchanges written to {}", written.get(), config.file());
        }
    }
}
