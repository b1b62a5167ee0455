package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ListenerConfig;
import io.h2relay.config.ProxyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/*.yaml, checked without a cluster: each document parsed, its apiVersion and kind known, the
 * fields we use checked against the Kubernetes API's (a typo such as {@code readinesProbe} fails), required fields
 * present, and the parts that must agree across files agreeing: selectors and labels, probe and Service ports and
 * the container's ports, the ConfigMap's h2relay.conf (loaded with the real loader) and those ports, the grace
 * period and the drain.
 */
class DeployManifestsTest {

    private static final Path DIR = Repo.home().resolve("deploy/kubernetes");

    /** apiVersion of each kind we ship, as served by Kubernetes 1.25+ (policy/v1 PDBs are GA since 1.21). */
    private static final Map<String, String> API_VERSIONS = Map.of(
            "ConfigMap", "v1",
            "Service", "v1",
            "Deployment", "apps/v1",
            "PodDisruptionBudget", "policy/v1",
            "Job", "batch/v1",
            "Kustomization", "kustomize.config.k8s.io/v1beta1");

    /** Fields of the API objects we write (a subset of the Kubernetes API reference), by object type. */
    private static final Map<String, Set<String>> FIELDS = Map.ofEntries(
            Map.entry("object", Set.of("apiVersion", "kind", "metadata", "spec", "data")),
            Map.entry("metadata", Set.of("name", "namespace", "labels", "annotations")),
            Map.entry("deploymentSpec", Set.of("replicas", "selector", "strategy", "template", "minReadySeconds",
                    "revisionHistoryLimit", "progressDeadlineSeconds")),
            Map.entry("podSpec", Set.of("containers", "volumes", "securityContext", "terminationGracePeriodSeconds",
                    "serviceAccountName", "affinity", "topologySpreadConstraints", "nodeSelector", "tolerations")),
            Map.entry("container", Set.of("name", "image", "imagePullPolicy", "command", "args", "ports", "env",
                    "startupProbe", "readinessProbe", "livenessProbe", "lifecycle", "resources", "securityContext",
                    "volumeMounts")),
            Map.entry("containerPort", Set.of("name", "containerPort", "protocol")),
            Map.entry("probe", Set.of("httpGet", "tcpSocket", "exec", "grpc", "initialDelaySeconds", "periodSeconds",
                    "timeoutSeconds", "successThreshold", "failureThreshold", "terminationGracePeriodSeconds")),
            Map.entry("httpGet", Set.of("path", "port", "host", "scheme", "httpHeaders")),
            Map.entry("resources", Set.of("requests", "limits")),
            Map.entry("quantities", Set.of("cpu", "memory", "ephemeral-storage")),
            Map.entry("serviceSpec", Set.of("type", "selector", "ports", "clusterIP", "sessionAffinity",
                    "internalTrafficPolicy")),
            Map.entry("servicePort", Set.of("name", "port", "targetPort", "protocol", "appProtocol", "nodePort")),
            Map.entry("pdbSpec", Set.of("minAvailable", "maxUnavailable", "selector", "unhealthyPodEvictionPolicy")),
            Map.entry("jobSpec", Set.of("completionMode", "completions", "parallelism", "backoffLimit",
                    "backoffLimitPerIndex", "activeDeadlineSeconds", "ttlSecondsAfterFinished", "template",
                    "podFailurePolicy", "suspend", "selector", "manualSelector")),
            Map.entry("jobPodSpec", Set.of("containers", "volumes", "securityContext", "restartPolicy",
                    "serviceAccountName", "affinity", "nodeSelector", "tolerations", "terminationGracePeriodSeconds")),
            Map.entry("podSecurityContext", Set.of("runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup",
                    "seccompProfile", "supplementalGroups")),
            Map.entry("envVar", Set.of("name", "value", "valueFrom")),
            Map.entry("volume", Set.of("name", "configMap", "emptyDir", "persistentVolumeClaim", "secret")),
            Map.entry("volumeMount", Set.of("name", "mountPath", "readOnly", "subPath")));

    /** Manifests applied on their own (`kubectl apply -f`), not through kustomization.yaml. */
    private static final Set<String> STANDALONE = Set.of("replay-job.yaml");

    private static final Map<String, JsonNode> BY_KIND = new HashMap<>();
    private static final List<Path> FILES = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        try (Stream<Path> files = Files.list(DIR)) {
            files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(FILES::add);
        }
        assertFalse(FILES.isEmpty(), "no manifests in " + DIR);
        for (Path file : FILES) {
            try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    String kind = doc.path("kind").asText();
                    assertTrue(API_VERSIONS.containsKey(kind), file + ": unexpected kind '" + kind + "'");
                    assertEquals(API_VERSIONS.get(kind), doc.path("apiVersion").asText(), file + ": " + kind);
                    assertTrue(BY_KIND.put(kind, doc) == null, file + ": a second " + kind);
                }
            }
        }
    }

    private static JsonNode kind(String kind) {
        JsonNode doc = BY_KIND.get(kind);
        assertNotNull(doc, "no " + kind + " in " + DIR);
        return doc;
    }

    /** Every field of {@code node} is one the API knows for {@code type}; {@code required} are present. */
    private static void fields(JsonNode node, String type, String where, String... required) {
        assertTrue(node.isObject(), where + ": expected an object");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            assertTrue(FIELDS.get(type).contains(f), where + ": unknown field '" + f + "' for " + type);
        }
        for (String r : required) {
            assertFalse(node.path(r).isMissingNode() || node.path(r).isNull(), where + ": missing " + r);
        }
    }

    private static JsonNode container() {
        JsonNode containers = kind("Deployment").path("spec").path("template").path("spec").path("containers");
        assertEquals(1, containers.size());
        return containers.get(0);
    }

    /** Container port name → number. */
    private static Map<String, Integer> containerPorts() {
        Map<String, Integer> ports = new HashMap<>();
        for (JsonNode p : container().path("ports")) {
            fields(p, "containerPort", "container port", "name", "containerPort");
            ports.put(p.path("name").asText(), p.path("containerPort").asInt());
        }
        return ports;
    }

    private static int resolvePort(JsonNode port, String where) {
        Map<String, Integer> ports = containerPorts();
        if (port.isInt()) {
            assertTrue(ports.containsValue(port.asInt()), where + ": port " + port + " is not a container port");
            return port.asInt();
        }
        assertTrue(ports.containsKey(port.asText()), where + ": no container port named " + port.asText());
        return ports.get(port.asText());
    }

    private static ProxyConfig shippedConfig() {
        JsonNode data = kind("ConfigMap").path("data");
        assertTrue(data.has("h2relay.conf"), "the ConfigMap holds no h2relay.conf");
        return ConfigLoader.parse(data.path("h2relay.conf").asText(), "configmap.yaml h2relay.conf");
    }

    @Test
    void everyObjectHasKnownTopLevelFieldsAndAName() {
        for (Map.Entry<String, JsonNode> e : BY_KIND.entrySet()) {
            if (!e.getKey().equals("Kustomization")) {
                fields(e.getValue(), "object", e.getKey(), "apiVersion", "kind", "metadata");
                fields(e.getValue().path("metadata"), "metadata", e.getKey() + ".metadata", "name");
            }
        }
    }

    @Test
    void deploymentFieldsMatchTheApi() {
        JsonNode spec = kind("Deployment").path("spec");
        fields(spec, "deploymentSpec", "Deployment.spec", "selector", "template");
        JsonNode pod = spec.path("template").path("spec");
        fields(pod, "podSpec", "pod spec", "containers");
        JsonNode c = container();
        fields(c, "container", "container", "name", "image", "ports", "readinessProbe", "livenessProbe", "resources");
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            fields(c.path(probe), "probe", probe, "httpGet");
            fields(c.path(probe).path("httpGet"), "httpGet", probe + ".httpGet", "path", "port");
        }
        fields(c.path("resources"), "resources", "resources", "requests", "limits");
        fields(c.path("resources").path("requests"), "quantities", "requests", "cpu", "memory");
        fields(c.path("resources").path("limits"), "quantities", "limits", "memory");
    }

    @Test
    void selectorsMatchThePodLabels() {
        JsonNode labels = kind("Deployment").path("spec").path("template").path("metadata").path("labels");
        JsonNode deploymentSelector = kind("Deployment").path("spec").path("selector").path("matchLabels");
        JsonNode serviceSelector = kind("Service").path("spec").path("selector");
        JsonNode pdbSelector = kind("PodDisruptionBudget").path("spec").path("selector").path("matchLabels");
        for (JsonNode selector : List.of(deploymentSelector, serviceSelector, pdbSelector)) {
            assertTrue(selector.size() > 0, "empty selector");
            selector.properties().forEach(e -> assertEquals(e.getValue(), labels.path(e.getKey()),
                    "selector " + e.getKey() + " does not match the pod template's label"));
        }
    }

    @Test
    void probesAskTheAdminPortForHealthAndReadiness() {
        JsonNode c = container();
        assertEquals("/readyz", c.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/healthz", c.path("livenessProbe").path("httpGet").path("path").asText());
        ProxyConfig config = shippedConfig();
        assertTrue(config.admin().enabled(), "the probes need h2relay.admin.enabled");
        // Kubelet connects to the pod's address, not loopback.
        assertEquals("0.0.0.0", config.admin().host());
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertEquals(config.admin().port(), resolvePort(c.path(probe).path("httpGet").path("port"), probe),
                    probe + " does not reach h2relay.admin.address");
        }
    }

    @Test
    void serviceSendsToTheProxyListener() {
        JsonNode spec = kind("Service").path("spec");
        fields(spec, "serviceSpec", "Service.spec", "selector", "ports");
        ProxyConfig config = shippedConfig();
        Set<Integer> listening = new HashSet<>();
        for (ListenerConfig l : config.listeners()) {
            assertEquals("0.0.0.0", l.host(), "listener " + l.name() + " must listen on the pod's address");
            listening.add(l.port());
        }
        for (JsonNode port : spec.path("ports")) {
            fields(port, "servicePort", "Service port", "port", "targetPort");
            int target = resolvePort(port.path("targetPort"), "Service targetPort");
            assertTrue(listening.contains(target), "Service targets " + target + ", where h2relay does not listen");
        }
        assertFalse(spec.path("ports").toString().contains("admin"), "the Service must not expose admin");
    }

    @Test
    void configMapIsMountedWhereTheContainerReadsItsConfig() {
        JsonNode pod = kind("Deployment").path("spec").path("template").path("spec");
        String configMap = kind("ConfigMap").path("metadata").path("name").asText();
        String volume = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("configMap").path("name").asText().equals(configMap)) {
                volume = v.path("name").asText();
            }
        }
        assertNotNull(volume, "no volume of ConfigMap " + configMap);
        String mountPath = null;
        for (JsonNode m : container().path("volumeMounts")) {
            if (m.path("name").asText().equals(volume)) {
                mountPath = m.path("mountPath").asText();
            }
        }
        assertNotNull(mountPath, "volume " + volume + " is not mounted");
        List<String> args = new ArrayList<>();
        container().path("args").forEach(a -> args.add(a.asText()));
        assertEquals("serve", args.get(0));
        assertEquals(mountPath + "/h2relay.conf", args.get(args.indexOf("--config") + 1));
    }

    @Test
    void gracePeriodOutlastsPreStopAndDrain() {
        JsonNode pod = kind("Deployment").path("spec").path("template").path("spec");
        long grace = pod.path("terminationGracePeriodSeconds").asLong(30);
        long preStop = 0;
        JsonNode command = container().path("lifecycle").path("preStop").path("exec").path("command");
        if (command.size() == 2 && command.get(0).asText().equals("sleep")) {
            preStop = command.get(1).asLong();
        }
        long drain = shippedConfig().timeouts().drain().toSeconds();
        assertTrue(grace >= preStop + drain + Lifecycle.STOP_MARGIN.toSeconds(),
                "terminationGracePeriodSeconds " + grace + " < preStop " + preStop + " + drain " + drain + " + margin");
    }

    @Test
    void podRunsAsTheImagesUnprivilegedUser() throws IOException {
        JsonNode security = kind("Deployment").path("spec").path("template").path("spec").path("securityContext");
        assertTrue(security.path("runAsNonRoot").asBoolean());
        String user = Files.readAllLines(Repo.file("deploy/Dockerfile")).stream()
                .filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow().substring(5).split(":")[0];
        assertEquals(Integer.parseInt(user), security.path("runAsUser").asInt(), "runAsUser differs from the image's USER");
        JsonNode c = container().path("securityContext");
        assertFalse(c.path("allowPrivilegeEscalation").asBoolean(true));
        assertTrue(c.path("readOnlyRootFilesystem").asBoolean());
    }

    @Test
    void disruptionBudgetLeavesAPodWhileAllowingDrains() {
        JsonNode spec = kind("PodDisruptionBudget").path("spec");
        fields(spec, "pdbSpec", "PodDisruptionBudget.spec", "selector");
        int replicas = kind("Deployment").path("spec").path("replicas").asInt(1);
        int minAvailable = spec.path("minAvailable").asInt();
        assertTrue(minAvailable >= 1 && minAvailable < replicas,
                "minAvailable " + minAvailable + " with " + replicas + " replicas blocks node drains or protects nothing");
    }

    @Test
    void kustomizationListsEveryManifestAndNamesTheContainerImage() {
        JsonNode k = kind("Kustomization");
        Set<String> listed = new TreeSet<>();
        k.path("resources").forEach(r -> listed.add(r.asText()));
        Set<String> files = new TreeSet<>();
        FILES.forEach(f -> files.add(f.getFileName().toString()));
        files.remove("kustomization.yaml");
        files.removeAll(STANDALONE);
        assertEquals(files, listed);
        assertEquals(container().path("image").asText(), k.path("images").get(0).path("name").asText());
    }

    /**
     * deploy/kubernetes/replay-job.yaml: an Indexed Job whose pod I replays shard I/N of one recording, N being
     * the Job's completions, with the index taken from the pod's annotation; its arguments parse as a replay
     * command line, and its histogram logs land on the shared volume, one file per shard.
     */
    @Test
    void replayJobRunsOneShardPerCompletionIndex() {
        JsonNode job = kind("Job");
        JsonNode spec = job.path("spec");
        fields(spec, "jobSpec", "Job.spec", "completionMode", "completions", "parallelism", "template");
        assertEquals("Indexed", spec.path("completionMode").asText());
        int n = spec.path("completions").asInt();
        assertTrue(n >= 1 && spec.path("parallelism").asInt() == n, "every shard runs at once");
        JsonNode pod = spec.path("template").path("spec");
        fields(pod, "jobPodSpec", "Job pod spec", "containers", "restartPolicy");
        fields(pod.path("securityContext"), "podSecurityContext", "Job securityContext", "runAsNonRoot");
        assertTrue(Set.of("Never", "OnFailure").contains(pod.path("restartPolicy").asText()));
        JsonNode c = pod.path("containers").get(0);
        fields(c, "container", "Job container", "name", "image", "args", "env");
        assertEquals(container().path("image").asText(), c.path("image").asText(), "the same image as the proxy");
        boolean indexFromAnnotation = false;
        for (JsonNode env : c.path("env")) {
            fields(env, "envVar", "Job env", "name");
            if (env.path("name").asText().equals("JOB_COMPLETION_INDEX")) {
                indexFromAnnotation = env.path("valueFrom").path("fieldRef").path("fieldPath").asText()
                        .equals("metadata.annotations['batch.kubernetes.io/job-completion-index']");
            }
        }
        assertTrue(indexFromAnnotation, "JOB_COMPLETION_INDEX must be defined for $(...) expansion in args");
        List<String> args = new ArrayList<>();
        c.path("args").forEach(a -> args.add(a.asText()));
        assertEquals("replay", args.get(0));
        assertEquals("$(JOB_COMPLETION_INDEX)/" + n, args.get(args.indexOf("--shard") + 1));
        String hlog = args.get(args.indexOf("--hlog") + 1);
        assertTrue(hlog.contains("$(JOB_COMPLETION_INDEX)"), "one histogram log per shard: " + hlog);
        Set<String> mounts = new HashSet<>();
        for (JsonNode m : c.path("volumeMounts")) {
            fields(m, "volumeMount", "Job volumeMount", "name", "mountPath");
            mounts.add(m.path("mountPath").asText());
        }
        for (JsonNode v : pod.path("volumes")) {
            fields(v, "volume", "Job volume", "name");
        }
        assertTrue(mounts.stream().anyMatch(m -> hlog.startsWith(m + "/")), hlog + " is not on a mounted volume");
        assertTrue(mounts.stream().anyMatch(m -> args.get(1).startsWith(m + "/")), "the HAR file is not mounted");
        // As each pod would run it (index 0): the command line parses.
        List<String> expanded = args.stream().map(a -> a.replace("$(JOB_COMPLETION_INDEX)", "0")).toList();
        H2relay.commandLine(Repo.home(), new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter())).parseArgs(expanded.toArray(new String[0]));
    }

    @Test
    void aFieldTheApiDoesNotKnowFails() {
        JsonNode typo = new YAMLMapper().createObjectNode().put("readinesProbe", "x");
        try {
            fields(typo, "container", "test");
        } catch (AssertionError expected) {
            assertTrue(expected.getMessage().contains("readinesProbe"));
            return;
        }
        fail("an unknown container field passed");
    }
}
