package io.h2relay.config;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The access log ({@code h2relay.access-log}): one line per exchange, written by the application.
 *
 * @param file where {@code output = file} writes (relative to the working directory); rotated to {@code file.1} ...
 *     {@code file.<maxFiles>} when it would pass {@code maxFileSize}
 * @param queueSize lines waiting for the writer thread; when it is full further lines are dropped (and counted)
 *     rather than slowing the proxy
 */
public record AccessLogConfig(Output output, Format format, String pattern, String file, long maxFileSize,
        int maxFiles, int queueSize) {

    /** Where lines go. */
    public enum Output {
        OFF, STDOUT, FILE;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Output byConfigName(String name) {
            return Arrays.stream(values()).filter(o -> o.configName().equals(name)).findFirst().orElse(null);
        }
    }

    /** What a line looks like. */
    public enum Format {
        /** One JSON object per line (JSON Lines). */
        JSON,
        /** {@code pattern} with its variables replaced, as nghttpx's {@code accesslog-format}. */
        PATTERN;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Format byConfigName(String name) {
            return Arrays.stream(values()).filter(o -> o.configName().equals(name)).findFirst().orElse(null);
        }
    }

    /**
     * The variables a pattern may use (written {@code $name} or {@code ${name}}), besides {@code $http_<field>}: the
     * request field of that name, '-' replaced by '_' ({@code $http_user_agent}).
     */
    public static final Set<String> VARIABLES = Set.of("remote_addr", "remote_port", "time_local", "time_iso8601",
            "request", "method", "path", "authority", "scheme", "protocol", "status", "body_bytes_sent",
            "request_body_bytes", "request_time", "upstream_time", "listener", "stream_id", "route", "cluster",
            "upstream_addr", "outcome", "reset_code", "tls");

    /** {@code $name} or {@code ${name}}: names are lowercase letters, digits and '_'. */
    public static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([a-z0-9_]+)}|([a-z0-9_]+))");

    public AccessLogConfig {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(file, "file");
        if (maxFileSize < 1 || maxFiles < 0 || queueSize < 1) {
            throw new IllegalArgumentException("sizes out of range");
        }
        String unknown = unknownVariable(pattern);
        if (unknown != null) {
            throw new IllegalArgumentException("unknown access log variable $" + unknown);
        }
    }

    /** The first variable of {@code pattern} that is neither in {@link #VARIABLES} nor {@code http_*}, or null. */
    public static String unknownVariable(String pattern) {
        Matcher m = VARIABLE.matcher(pattern);
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            if (!VARIABLES.contains(name) && !(name.startsWith("http_") && name.length() > 5)) {
                return name;
            }
        }
        return null;
    }
}
