package dev.baton.ops.deploy;

import dev.baton.ops.ExternalTool;

import dev.baton.api.rest.BatonServer;
import dev.baton.server.BatonApplication;
import dev.baton.server.ConfigVariables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile and deploy/k8s checked without a container engine: yamllint over deploy/, and the
 * manifests read back to make sure they agree with the server (probe paths answer, the container port is
 * PORT's default, every environment variable is one application.yml maps or a documented launcher/JVM one).
 */
class DeploymentManifestsTest {
    static final Path ROOT = BatonServer.PROJECT_ROOT;
    static final Path K8S = ROOT.resolve("deploy/k8s");
    static final Path DOCKERFILE = ROOT.resolve("Dockerfile");
    /** Variables that are not server settings: the CLI's (BATON_TOKEN, BATON_SERVER), the launcher's and the JVM's. */
    static final Set<String> NOT_SERVER_SETTINGS = Set.of("BATON_TOKEN", "BATON_SERVER", "BATON_JAVA_OPTS", "JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS",
            "BATON_WORKER_TOKEN", "BATON_WORKER_SERVER", "BATON_WORKER_SPOOL_DIR", "POD_NAME", "POD_NAMESPACE", "NODE_NAME");

    @TempDir
    Path data;

    @Test
    void yamllintAcceptsDeploy() {
        run("yamllint", "-s", "deploy/");
    }

    @Test
    void containerPortsAreTheServersPort() {
        String port = ConfigVariables.fromClasspath().defaults().get("PORT");
        String grpc = ConfigVariables.fromClasspath().defaults().get("GRPC_PORT");
        assertThat(port).isEqualTo("3000");
        assertThat(grpc).isEqualTo("9090");
        Map<String, Object> server = container("baton-server");
        assertThat(ports(server)).containsEntry("http", Integer.valueOf(port)).containsEntry("grpc", Integer.valueOf(grpc));
        assertThat(exposedPorts()).containsExactly(Integer.valueOf(port), Integer.valueOf(grpc));
        assertThat(configMap().get("PORT")).isEqualTo(port);
        Map<String, Object> service = resource("Service", "baton-server");
        assertThat(get(service, "spec.ports[0].port")).isEqualTo(Integer.valueOf(port));
        assertThat(get(service, "spec.ports[0].targetPort")).isEqualTo("http");
        assertThat(get(service, "spec.ports[1].port")).isEqualTo(Integer.valueOf(grpc));
        assertThat(get(service, "spec.ports[1].targetPort")).isEqualTo("grpc");
        // Workers dial the Service's gRPC port.
        List<String> args = ((List<?>) get(container("baton-worker"), "args")).stream().map(String::valueOf).toList();
        assertThat(args).contains("worker", "baton-server.baton.svc:" + grpc);
        // ...and keep their own copies of the repositories, so no volume is shared with the server.
        String workdir = args.get(args.indexOf("--workdir") + 1);
        List<?> mounts = (List<?>) get(container("baton-worker"), "volumeMounts");
        assertThat(mounts).anySatisfy(m -> assertThat(((Map<?, ?>) m).get("mountPath")).isEqualTo(workdir));
        assertThat(String.valueOf(get(resource("Deployment", "baton-worker"), "spec.template.spec.volumes"))).doesNotContain("persistentVolumeClaim");
    }

    @Test
    void probesAndHealthcheckUseTheServersEndpoints() throws Exception {
        Map<String, Object> server = container("baton-server");
        assertThat(get(server, "livenessProbe.httpGet.path")).isEqualTo("/health");
        assertThat(get(server, "readinessProbe.httpGet.path")).isEqualTo("/ready");
        assertThat(ports(server)).containsKey((String) get(server, "livenessProbe.httpGet.port"));
        assertThat(ports(server)).containsKey((String) get(server, "readinessProbe.httpGet.port"));
        Matcher hc = Pattern.compile("(?s)HEALTHCHECK.*?CMD\\s+curl\\s[^\\n]*http://localhost:\\$\\{PORT}(/\\w+)").matcher(dockerfile());
        assertThat(hc.find()).as("the Dockerfile's HEALTHCHECK curls http://localhost:${PORT}/...").isTrue();
        assertThat(hc.group(1)).isEqualTo("/health");

        // The paths answer on a real server: /health 200, /ready 200 or 503 (never 404).
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(BatonApplication.class).web(WebApplicationType.SERVLET)
                .properties(Map.of("BATON_DATA_DIR", data.toString(), "BATON_HOME", ROOT.toString(), "PORT", "0")).run()) {
            int port = Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of((String) get(server, "livenessProbe.httpGet.path"), (String) get(server, "readinessProbe.httpGet.path"))) {
                int status = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                assertThat(status).as("GET %s", path).isIn(200, 503);
            }
        }
    }

    @Test
    void everyEnvironmentVariableIsOneTheServerMaps() throws IOException {
        Set<String> mapped = ConfigVariables.fromClasspath().defaults().keySet();
        Set<String> used = new TreeSet<>(configMap().keySet());
        for (Map<String, Object> doc : manifests())
            collectEnvNames(doc, used);
        Matcher env = Pattern.compile("(?m)^(?:ENV|ARG)\\s+(.*?)(?<!\\\\)$").matcher(dockerfile().replaceAll("\\\\\\n", " "));
        while (env.find())
            for (Matcher kv = Pattern.compile("(?:^|\\s)([A-Z][A-Z0-9_]*)(?==|\\s|$)").matcher(env.group(1)); kv.find(); )
                used.add(kv.group(1));
        assertThat(used).contains("DATABASE_URL", "NATS_URL", "BATON_API_TOKEN", "BATON_DATA_DIR");
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(mapped);
        unknown.removeAll(NOT_SERVER_SETTINGS);
        assertThat(unknown).as("variables in deploy/k8s or the Dockerfile that application.yml does not map").isEmpty();
        String readme = Files.readString(ROOT.resolve("README.md"));
        for (String v : NOT_SERVER_SETTINGS)
            if (used.contains(v)) assertThat(readme.contains("`" + v + "`")).as("README documents `%s`", v).isTrue();
    }

    @Test
    void theDataVolumeIsMountedWhereBatonDataDirPoints() {
        assertThat(configMap().get("BATON_DATA_DIR")).isEqualTo("/data");
        assertThat(dockerfile()).contains("BATON_DATA_DIR=/data").contains("VOLUME [\"/data\"]").containsPattern("(?m)^USER baton$")
                .contains("apt-get install -y --no-install-recommends git");
        assertThat(get(container("baton-server"), "volumeMounts[0].mountPath")).isEqualTo("/data");
        assertThat(get(resource("Deployment", "baton-server"), "spec.template.spec.volumes[0].persistentVolumeClaim.claimName"))
                .isEqualTo(get(resource("PersistentVolumeClaim", "baton-data"), "metadata.name"));
    }

    @Test
    void theKedaScaledObjectTargetsTheWorkerDeployment() throws IOException {
        Map<String, Object> scaled = load(ROOT.resolve("deploy/keda/worker-scaledobject.yaml")).getFirst();
        assertThat(get(scaled, "spec.scaleTargetRef.name")).isEqualTo(get(resource("Deployment", "baton-worker"), "metadata.name"));
        assertThat(get(scaled, "metadata.namespace")).isEqualTo("baton");
        String url = (String) get(scaled, "spec.triggers[0].metadata.url");
        assertThat(url).startsWith("http://baton-server.baton.svc:" + ConfigVariables.fromClasspath().defaults().get("PORT") + "/");
    }

    @Test
    void natsFollowsSeed000() {
        List<?> command = (List<?>) get(container("nats"), "command");
        assertThat(String.join(" ", command.stream().map(String::valueOf).toList()))
                .contains("--max_payload 1MB").contains("--max_connections 100").contains("--http_port 8222");
    }

    // ---- reading the manifests

    static List<Map<String, Object>> manifests() {
        try (Stream<Path> files = Files.list(K8S)) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) out.addAll(load(f));
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> load(Path file) {
        try {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object doc : new Yaml().loadAll(Files.readString(file)))
                if (doc != null) out.add((Map<String, Object>) doc);
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, Object> resource(String kind, String name) {
        return manifests().stream().filter(d -> kind.equals(d.get("kind")) && name.equals(get(d, "metadata.name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " under deploy/k8s"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> container(String deployment) {
        return (Map<String, Object>) get(resource("Deployment", deployment), "spec.template.spec.containers[0]");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> configMap() {
        return (Map<String, Object>) get(resource("ConfigMap", "baton-config"), "data");
    }

    /** name → containerPort of a container. */
    @SuppressWarnings("unchecked")
    static Map<String, Integer> ports(Map<String, Object> container) {
        Map<String, Integer> out = new java.util.HashMap<>();
        for (Map<String, Object> p : (List<Map<String, Object>>) container.get("ports"))
            out.put((String) p.get("name"), (Integer) p.get("containerPort"));
        return out;
    }

    /** A dotted path with list indexes: {@code spec.ports[0].port}. */
    static Object get(Object node, String path) {
        for (String part : path.split("\\.")) {
            Matcher m = Pattern.compile("([^\\[]+)(?:\\[(\\d+)])?").matcher(part);
            if (!m.matches() || !(node instanceof Map<?, ?> map)) throw new AssertionError("no " + path);
            node = map.get(m.group(1));
            if (m.group(2) != null) node = ((List<?>) node).get(Integer.parseInt(m.group(2)));
            if (node == null) throw new AssertionError("no " + path);
        }
        return node;
    }

    /** Names of every {@code env: [{name: ...}]} entry, at any depth. */
    static void collectEnvNames(Object node, Set<String> out) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("env") instanceof List<?> env)
                for (Object e : env) if (e instanceof Map<?, ?> m && m.get("name") instanceof String n) out.add(n);
            for (Object v : map.values()) collectEnvNames(v, out);
        } else if (node instanceof List<?> list) {
            for (Object v : list) collectEnvNames(v, out);
        }
    }

    static String dockerfile() {
        try {
            return Files.readString(DOCKERFILE);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static List<Integer> exposedPorts() {
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^EXPOSE\\s+(.+)$").matcher(dockerfile());
        while (m.find())
            for (String p : m.group(1).trim().split("\\s+")) out.add(Integer.valueOf(p.replace("/tcp", "")));
        return out;
    }

    /** Runs a tool (argv, no shell) in the project root; fails with its output when it exits non-zero. */
    static String run(String... argv) {
        return ExternalTool.run(ROOT, argv[0], argv);
    }
}
