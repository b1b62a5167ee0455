package io.h2relay.hpack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the http2jp hpack-test-case corpus ({@code <shared>/data/hpack-test-case}): one directory per encoder plus
 * {@code raw-data}, each holding {@code story_NN.json}. A story is a sequence of cases sharing one compression
 * context; a case has the header list and, except in raw-data, the encoder's wire bytes and optionally the
 * {@code header_table_size} acknowledged just before it.
 */
public final class HpackCorpus {

    /** One header block of a story. {@code wire} is null in raw-data; {@code headerTableSize} null when absent. */
    public record Case(int seqno, Integer headerTableSize, byte[] wire, List<Header> headers) {
    }

    public record Story(String directory, String name, List<Case> cases) {
        @Override
        public String toString() {
            return directory + "/" + name;
        }
    }

    public static final String RAW_DATA = "raw-data";

    private static final ObjectMapper JSON = new ObjectMapper();

    private HpackCorpus() {
    }

    /**
     * The shared data directory: system property {@code h2relay.shared.dir} (Surefire sets it), else
     * {@code ../../shared} relative to the module directory. Fails, naming the path, when the corpus is missing.
     */
    public static Path root() {
        String shared = System.getProperty("h2relay.shared.dir", "../../shared");
        return root(Path.of(shared, "data", "hpack-test-case"));
    }

    /** {@code dir} itself, failing with its path when it holds no corpus. */
    public static Path root(Path dir) {
        Path raw = dir.resolve(RAW_DATA);
        if (!Files.isDirectory(raw)) {
            throw new IllegalStateException("HPACK corpus missing: no directory " + raw.toAbsolutePath().normalize()
                    + " (set -Dh2relay.shared.dir to the shared data checkout)");
        }
        return dir;
    }

    /** Every encoder directory (every subdirectory holding stories, except raw-data), sorted. */
    public static List<String> encoderDirectories(Path root) {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory)
                    .filter(d -> !d.getFileName().toString().equals(RAW_DATA))
                    .filter(d -> !storyFiles(d).isEmpty())
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stories of one directory, in file-name order. */
    public static List<Story> stories(Path root, String directory) {
        Path dir = root.resolve(directory);
        List<Path> files = storyFiles(dir);
        if (files.isEmpty()) {
            throw new IllegalStateException("no story_*.json in " + dir.toAbsolutePath().normalize());
        }
        List<Story> stories = new ArrayList<>();
        for (Path f : files) {
            stories.add(read(directory, f));
        }
        return stories;
    }

    private static List<Path> storyFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("story_\\d+\\.json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Story read(String directory, Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable story " + file, e);
        }
        List<Case> cases = new ArrayList<>();
        int n = 0;
        for (JsonNode c : root.get("cases")) {
            JsonNode seq = c.get("seqno");
            JsonNode size = c.get("header_table_size");
            JsonNode wire = c.get("wire");
            List<Header> headers = new ArrayList<>();
            for (JsonNode h : c.get("headers")) {
                // Each header is a one-member object; the array keeps their order.
                for (Map.Entry<String, JsonNode> f : h.properties()) {
                    headers.add(Header.of(f.getKey(), f.getValue().asText()));
                }
            }
            cases.add(new Case(
                    seq == null ? n : seq.asInt(),
                    size == null || size.isNull() ? null : size.asInt(),
                    wire == null ? null : HexFormat.of().parseHex(wire.asText()),
                    List.copyOf(headers)));
            n++;
        }
        return new Story(directory, file.getFileName().toString(), List.copyOf(cases));
    }
}
