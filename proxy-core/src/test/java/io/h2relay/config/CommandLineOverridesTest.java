package io.h2relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.h2relay.config.Endpoint.Scheme;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineOverridesTest {

    @Test
    void listenAndUpstreamsAloneMakeAListenerARoundRobinClusterAndACatchAllRoute() {
        ProxyConfig c = ConfigLoader.fromCommandLine(new CommandLineOverrides(List.of("127.0.0.1:9080"),
                List.of("h2c://127.0.0.1:9000", "h2c://127.0.0.1:9001")));
        assertEquals(List.of(new ListenerConfig("listen-1", "127.0.0.1", 9080, ListenerConfig.allProtocols())),
                c.listeners());
        ClusterConfig upstream = c.clusters().get(CommandLineOverrides.UPSTREAM_CLUSTER);
        assertEquals(List.of(new Endpoint(Scheme.H2C, "127.0.0.1", 9000), new Endpoint(Scheme.H2C, "127.0.0.1", 9001)),
                upstream.endpoints());
        assertEquals(ClusterConfig.LoadBalancing.ROUND_ROBIN, upstream.loadBalancing());
        assertEquals(List.of(RouteConfig.catchAll("default", "upstream")), c.routes());
        assertEquals(false, c.origin().enabled());
    }

    @Test
    void flagsReplaceTheFilesListenersRoutesAndClustersAndKeepTheRest() {
        ProxyConfig c = ConfigLoader.load(ConfigLoaderTest.repo().resolve("conf/h2relay.conf"),
                new CommandLineOverrides(List.of("127.0.0.1:9080", "[::1]:9080"), List.of("http://backend:8000")));
        assertEquals(List.of("listen-1", "listen-2"), c.listeners().stream().map(ListenerConfig::name).toList());
        assertEquals(List.of("upstream"), List.copyOf(c.clusters().keySet()));
        assertEquals(List.of("default"), c.routes().stream().map(RouteConfig::name).toList());
        assertEquals(true, c.origin().enabled()); // the file's, untouched
        assertEquals(true, c.admin().enabled());
    }

    @Test
    void onlyListenKeepsTheFilesRouting() {
        ProxyConfig c = ConfigLoader.load(ConfigLoaderTest.repo().resolve("conf/h2relay.conf"),
                new CommandLineOverrides(List.of("127.0.0.1:9080"), List.of()));
        assertEquals(Map.of("origin", c.clusters().get("origin")), c.clusters());
        assertEquals(9080, c.listeners().get(0).port());
    }

    @Test
    void badFlagValuesNameTheFlag() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.fromCommandLine(
                new CommandLineOverrides(List.of("127.0.0.1:9080"), List.of("h2c://a:1", "ftp://b"))));
        assertEquals("command line --upstream: h2relay.clusters.upstream.endpoints[1]: unsupported scheme 'ftp' "
                + "(use h2c://, http://, h2:// or https://)", e.getMessage());
        InvalidConfigException l = assertThrows(InvalidConfigException.class, () -> ConfigLoader.fromCommandLine(
                new CommandLineOverrides(List.of("localhost"), List.of())));
        assertEquals("command line --listen: h2relay.listeners.listen-1.address: 'localhost': missing ':port'",
                l.getMessage());
    }

    @Test
    void repeatedListenAddressesClash() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.fromCommandLine(
                new CommandLineOverrides(List.of("127.0.0.1:9080", "127.0.0.1:9080"), List.of())));
        assertEquals("command line --listen: h2relay.listeners.listen-2.address: 127.0.0.1:9080 is already used by "
                + "h2relay.listeners.listen-1 (command line --listen)", e.getMessage());
    }
}
