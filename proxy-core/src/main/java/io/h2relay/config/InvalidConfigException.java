package io.h2relay.config;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The configuration cannot be used. Each problem names where it was written and the full key, one per line:
 * {@code conf/h2relay.conf:12: h2relay.clusters.api.endpoints[0]: unsupported scheme 'ftp' (use h2c://, ...)}.
 * Unknown keys are all reported together; otherwise the first problem found stops the parse.
 */
public final class InvalidConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param source the file, resource or other origin (such as {@code command line --upstream}) the value came from
     * @param line its line, or -1 when the origin has none
     * @param path the full key ({@code h2relay.routes.api.cluster}), list elements as {@code [i]}; empty for a
     *     problem with the file itself (syntax)
     */
    public record Problem(String source, int line, String path, String message) {

        public Problem {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(message, "message");
        }

        /** {@code source:line}, or just the source when there is no line. */
        public String location() {
            return line >= 0 ? source + ":" + line : source;
        }

        @Override
        public String toString() {
            return location() + ": " + (path.isEmpty() ? "" : path + ": ") + message;
        }
    }

    private final List<Problem> problems;

    public InvalidConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid configuration has at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public InvalidConfigException(Problem problem) {
        this(List.of(problem));
    }

    public List<Problem> problems() {
        return problems;
    }
}
