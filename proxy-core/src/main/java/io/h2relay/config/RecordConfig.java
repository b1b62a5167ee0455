package io.h2relay.config;

import java.util.Objects;

/**
 * Recording exchanges to a HAR file ({@code h2relay.record}); the app's HAR recorder reads it.
 *
 * @param file where the HAR file is written; "" records nothing
 * @param allRoutes record every exchange (also those no route took); otherwise only routes with {@code record = true}
 * @param maxBodySize body bytes kept per direction per exchange (0: none)
 * @param includeSensitiveHeaders keep the values of authorization, proxy-authorization, cookie and set-cookie
 * @param queueSize exchanges waiting for the writer at most; beyond it they are dropped and counted
 */
public record RecordConfig(String file, boolean allRoutes, int maxBodySize, boolean includeSensitiveHeaders,
        int queueSize) {

    public static final RecordConfig OFF = new RecordConfig("", false, 65536, false, 10000);

    public RecordConfig {
        Objects.requireNonNull(file, "file");
        if (maxBodySize < 0 || queueSize < 1) {
            throw new IllegalArgumentException("record: max-body-size >= 0 and queue-size >= 1");
        }
    }

    public boolean enabled() {
        return !file.isEmpty();
    }

    /** The same settings writing {@code newFile}, recording every exchange ({@code serve --record FILE}). */
    public RecordConfig everythingTo(String newFile) {
        return new RecordConfig(newFile, true, maxBodySize, includeSensitiveHeaders, queueSize);
    }
}
