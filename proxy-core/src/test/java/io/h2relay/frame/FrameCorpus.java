package io.h2relay.frame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The http2jp/http2-frame-test-case corpus under {@code ${h2relay.shared.dir}/data/http2-frame-test-case}. */
final class FrameCorpus {

    /** One JSON case: {@code frame} is null for error cases, {@code errors} is empty for normal ones. */
    record Case(String name, byte[] wire, JsonNode frame, List<Integer> errors) {
        boolean isError() {
            return frame == null;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private FrameCorpus() {}

    static Path directory() {
        String shared = System.getProperty("h2relay.shared.dir", "../../shared");
        Path dir = Path.of(shared, "data", "http2-frame-test-case").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new AssertionError("frame test corpus missing: " + dir
                    + " (set -Dh2relay.shared.dir to the directory holding data/http2-frame-test-case)");
        }
        return dir;
    }

    static List<Case> cases() {
        Path dir = directory();
        ObjectMapper json = new ObjectMapper();
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode node = json.readTree(file.toFile());
                JsonNode frame = node.get("frame");
                List<Integer> errors = new ArrayList<>();
                JsonNode error = node.get("error");
                if (error != null && !error.isNull()) {
                    error.forEach(e -> errors.add(e.asInt()));
                }
                cases.add(new Case(dir.relativize(file).toString(), Recorder.bytes(node.get("wire").asText()),
                        frame == null || frame.isNull() ? null : frame, List.copyOf(errors)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + dir, e);
        }
        if (cases.isEmpty()) {
            throw new AssertionError("no JSON cases under " + dir);
        }
        return cases;
    }
}
