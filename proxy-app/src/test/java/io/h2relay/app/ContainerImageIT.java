package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/Dockerfile without a container engine (none runs here): its instructions read, its build step's
 * equivalent checked (the Maven command the launcher runs, which this very build has run to make the jar the image
 * copies), and the runtime stage's ENTRYPOINT and CMD run against a staged copy of what the image holds.
 */
class ContainerImageIT {

    /** One instruction: keyword and its (continuation-joined) arguments. */
    record Instruction(String keyword, String args) {}

    /** The instructions of each stage, in order; a stage is named by its {@code AS} name or its index. */
    static Map<String, List<Instruction>> stages() throws IOException {
        Map<String, List<Instruction>> stages = new LinkedHashMap<>();
        List<Instruction> current = null;
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(Repo.file("deploy/Dockerfile"))) {
            String t = line.strip();
            if (pending.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (t.startsWith("#")) {
                continue; // a comment inside a continued instruction
            }
            if (t.endsWith("\\")) {
                pending.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            String whole = pending.append(t).toString();
            pending.setLength(0);
            int space = whole.indexOf(' ');
            Instruction ins = new Instruction(whole.substring(0, space).toUpperCase(), whole.substring(space + 1).strip());
            if (ins.keyword().equals("FROM")) {
                String[] words = ins.args().split("\\s+");
                String name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : "" + stages.size();
                current = new ArrayList<>();
                stages.put(name, current);
            }
            current.add(ins);
        }
        return stages;
    }

    static List<Instruction> all(List<Instruction> stage, String keyword) {
        return stage.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    static Instruction one(List<Instruction> stage, String keyword) {
        List<Instruction> found = all(stage, keyword);
        assertEquals(1, found.size(), keyword + " in " + stage);
        return found.get(0);
    }

    static List<String> execForm(Instruction ins) throws IOException {
        return Arrays.asList(new ObjectMapper().readValue(ins.args(), String[].class));
    }

    static List<Instruction> runtime() throws IOException {
        List<List<Instruction>> stages = new ArrayList<>(stages().values());
        return stages.get(stages.size() - 1);
    }

    @Test
    void buildStageRunsTheLaunchersMavenCommandWhoseJarTheRuntimeCopies() throws IOException {
        Map<String, List<Instruction>> stages = stages();
        assertEquals(List.of("build", "1"), List.copyOf(stages.keySet()));
        List<Instruction> build = stages.get("build");
        assertTrue(one(build, "FROM").args().matches("maven:3\\.9-eclipse-temurin-17 AS build"), build.toString());
        String run = one(build, "RUN").args();
        String mvn = run.substring(run.indexOf("mvn "));
        assertEquals("mvn -B -q -pl proxy-app -am package -DskipTests", mvn);
        // The launcher runs the same goals on the same modules; this build ran them to make the jar under test.
        String launcher = Files.readString(Repo.file("h2relay"));
        assertTrue(launcher.contains("-pl proxy-app -am package -DskipTests"), "the launcher builds differently");
        JarIT.jar();

        Instruction copy = all(runtime(), "COPY").stream().filter(c -> c.args().startsWith("--from=build")).findFirst()
                .orElseThrow();
        String[] parts = copy.args().split("\\s+");
        assertEquals("/src/proxy-app/target/h2relay.jar", parts[1]);
        assertEquals("/opt/h2relay/h2relay.jar", parts[2]);
    }

    @Test
    void runtimeStageIsAJava17JreRunAsAnUnprivilegedUser() throws IOException {
        List<Instruction> runtime = runtime();
        assertEquals("eclipse-temurin:17-jre", one(runtime, "FROM").args());
        String user = one(runtime, "USER").args().split(":")[0];
        assertNotEquals("root", user);
        assertNotEquals("0", user);
        assertTrue(one(runtime, "RUN").args().contains("useradd --system --uid " + user), "USER " + user + " is not created");
    }

    @Test
    void exposesTheProxyTlsAndAdminPortsAndChecksHealthOnAdmin() throws IOException {
        List<Instruction> runtime = runtime();
        Set<String> exposed = new TreeSet<>(List.of(one(runtime, "EXPOSE").args().split("\\s+")));
        assertEquals(new TreeSet<>(List.of("8080", "8443", "9901")), exposed);
        ProxyConfig config = ConfigLoader.load(Repo.file("deploy/h2relay.conf"));
        String check = one(runtime, "HEALTHCHECK").args();
        assertTrue(check.contains("http://127.0.0.1:" + config.admin().port() + "/healthz"), check);
        assertTrue(config.admin().enabled());
        assertEquals(8080, config.listeners().get(0).port());
        assertEquals("0.0.0.0", config.listeners().get(0).host(), "published ports reach only all-interface listeners");
    }

    @Test
    void entrypointUsesTheLaunchersJvmFlags() throws IOException {
        List<String> entrypoint = execForm(one(runtime(), "ENTRYPOINT"));
        String launcher = Files.readString(Repo.file("h2relay"));
        Matcher exec = Pattern.compile("exec \"\\$java\" (.*)").matcher(launcher);
        assertTrue(exec.find());
        List<String> launcherFlags = Arrays.stream(exec.group(1).split("\\s+")).filter(f -> f.startsWith("-XX:")).toList();
        assertTrue(entrypoint.containsAll(launcherFlags), entrypoint + " lacks some of " + launcherFlags);
    }

    /**
     * ENTRYPOINT + CMD as the image runs them, with its paths mapped onto a staging directory holding what the COPY
     * instructions put there, and the configuration's ports moved to free ones: serves through the built-in origin.
     */
    @Test
    void entrypointAndCmdServeTheImagesConfiguration(@TempDir Path root) throws Exception {
        List<Instruction> runtime = runtime();
        Path opt = Files.createDirectories(root.resolve("opt/h2relay"));
        Files.copy(JarIT.jar(), opt.resolve("h2relay.jar"));
        int listen = Proc.freePort();
        int origin = Proc.freePort();
        String conf = Files.readString(Repo.file("deploy/h2relay.conf"))
                .replace("0.0.0.0:8080", "127.0.0.1:" + listen)
                .replace("127.0.0.1:8081", "127.0.0.1:" + origin)
                .replace("0.0.0.0:9901", "127.0.0.1:" + Proc.freePort());
        Files.writeString(Files.createDirectories(root.resolve("etc/h2relay")).resolve("h2relay.conf"), conf);

        List<String> command = new ArrayList<>();
        for (String arg : execForm(one(runtime, "ENTRYPOINT"))) {
            command.add(arg.equals("java") ? JarIT.java() : mapped(arg, root));
        }
        for (String arg : execForm(one(runtime, "CMD"))) {
            command.add(mapped(arg, root));
        }
        assertTrue(command.containsAll(List.of("serve", "--config", root + "/etc/h2relay/h2relay.conf")),
                command.toString());
        try (Proc image = Proc.start(opt, command)) {
            image.awaitLine(LauncherIT.READY);
            assertTrue(image.out().contains("listening on 127.0.0.1:" + listen), image.out());
            assertEquals("2 200 1000", LauncherIT.curl(root, "http://127.0.0.1:" + listen + "/bytes/1000"));
            assertEquals(0, image.terminate(), image.err());
        }
    }

    /** An absolute path in the image, as found under the staging root. */
    private static String mapped(String arg, Path root) {
        String[] kv = arg.split("=", 2);
        if (kv.length == 2 && kv[1].startsWith("/")) {
            return kv[0] + "=" + root + kv[1]; // -Dh2relay.home=/opt/h2relay
        }
        return arg.startsWith("/") ? root + arg : arg;
    }

    @Test
    void dockerignoreKeepsBuildOutputOutOfTheContext() throws IOException {
        Set<String> ignored = Files.readAllLines(Repo.file("deploy/Dockerfile.dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toSet());
        assertTrue(ignored.containsAll(Set.of(".git", "**/target")), ignored.toString());
    }
}
