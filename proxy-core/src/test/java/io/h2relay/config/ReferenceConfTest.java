package io.h2relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** reference.conf is the schema: every key is commented, documented in docs/configuration.md and actually read. */
class ReferenceConfTest {

    private static final Path REFERENCE = ConfigLoaderTest.repo().resolve("proxy-core/src/main/resources/reference.conf");

    /** Every key below h2relay, objects included, as full paths; leaves flagged. */
    private record Key(String path, ConfigValue value) {}

    private static List<Key> keys() {
        assertTrue(Files.isRegularFile(REFERENCE), "missing " + REFERENCE);
        ConfigObject root = ConfigFactory.parseFile(REFERENCE.toFile()).getObject("h2relay");
        List<Key> out = new ArrayList<>();
        collect(root, "h2relay", out);
        return out;
    }

    private static void collect(ConfigObject object, String path, List<Key> out) {
        for (String k : object.keySet()) {
            ConfigValue v = object.get(k);
            String p = path + "." + ConfigUtil.joinPath(k);
            out.add(new Key(p, v));
            if (v.valueType() == ConfigValueType.OBJECT) {
                collect((ConfigObject) v, p, out);
            }
        }
    }

    private static boolean isLeaf(Key k) {
        return k.value().valueType() != ConfigValueType.OBJECT || ((ConfigObject) k.value()).isEmpty();
    }

    @Test
    void everyKeyHasAComment() {
        List<String> bare = keys().stream().filter(k -> k.value().origin().comments().stream().allMatch(String::isBlank))
                .map(Key::path).toList();
        assertEquals(List.of(), bare, "keys without a comment in reference.conf");
    }

    @Test
    void everyKeyIsInTheConfigurationReference() throws IOException {
        Path doc = ConfigLoaderTest.repo().resolve("docs/configuration.md");
        assertTrue(Files.isRegularFile(doc), "missing " + doc);
        String text = Files.readString(doc);
        List<String> missing = new ArrayList<>();
        for (Key k : keys()) {
            if (!isLeaf(k)) {
                continue;
            }
            String[] parts = k.path().split("\\.");
            // h2relay.<section>.<key...> or h2relay.defaults.<kind>.<key...>
            int keyStart = parts[1].equals("defaults") ? 3 : 2;
            if (parts.length <= keyStart && k.value().valueType() != ConfigValueType.OBJECT) {
                if (!text.contains("| `" + parts[1] + "` |")) { // a top-level setting such as state-directory
                    missing.add(k.path());
                }
                continue;
            }
            if (parts.length <= keyStart) {
                assertTrue(text.contains("`" + k.path() + ".<name>`"), k.path() + " has no section in " + doc);
                continue;
            }
            String key = String.join(".", Arrays.copyOfRange(parts, keyStart, parts.length));
            String section = String.join(".", Arrays.copyOfRange(parts, 0, keyStart));
            if (!text.contains("| `" + key + "` |") || !text.contains(section)) {
                missing.add(k.path());
            }
        }
        assertEquals(List.of(), missing, "keys without a row in " + doc);
    }

    /**
     * Each leaf in turn is given a value of the wrong type; the parse must fail on that key. A key the parser never
     * read would parse fine, so this proves reference.conf holds no dead settings.
     */
    @Test
    void everyKeyIsReadByTheParser() {
        String members = """
                h2relay.listeners.l.address = "127.0.0.1:0"
                h2relay.clusters.c.endpoints = ["h2c://127.0.0.1:1"]
                h2relay.routes.r.cluster = c
                """;
        ConfigLoader.parse(members, "members.conf");
        List<String> unread = new ArrayList<>();
        for (Key k : keys()) {
            if (!isLeaf(k) || List.of("h2relay.listeners", "h2relay.routes", "h2relay.clusters").contains(k.path())) {
                continue;
            }
            if (List.of("h2relay.defaults.listener.address", "h2relay.defaults.cluster.endpoints",
                    "h2relay.defaults.route.cluster").contains(k.path())) {
                continue; // every member sets these itself, so their defaults are never consulted
            }
            boolean object = k.value().valueType() == ConfigValueType.OBJECT;
            String wrong = k.path() + " = " + (object ? "[1]" : "{ wrong-type = 1 }");
            String lastKey = k.path().substring(k.path().lastIndexOf('.') + 1);
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> ConfigLoader.parse(members + wrong, "members.conf"), k.path() + " was not read");
            String path = e.problems().get(0).path();
            if (!path.endsWith("." + lastKey)) {
                unread.add(k.path() + " -> " + e.getMessage());
            }
        }
        assertEquals(List.of(), unread);
    }

    @Test
    void membersAreEmptyByDefault() {
        ConfigObject root = ConfigFactory.parseFile(REFERENCE.toFile()).getObject("h2relay");
        for (String map : List.of("listeners", "routes", "clusters")) {
            assertFalse(root.get(map) == null, map);
            assertTrue(((ConfigObject) root.get(map)).isEmpty(), map + " must be empty: members merge into user maps");
        }
    }
}
