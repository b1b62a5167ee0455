package io.h2relay.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/**
 * The command-line flags that stand for configuration ({@code ./h2relay serve --listen HOST:PORT --upstream URL}),
 * turned into the same keys a file would set so that one parser checks both.
 *
 * <ul>
 *   <li>Each {@code --listen} becomes a listener {@code listen-1}, {@code listen-2}, ... with the default protocols;
 *       any {@code --listen} replaces the file's listeners.
 *   <li>The {@code --upstream} URLs form one round-robin cluster {@code upstream} taking every request through the
 *       catch-all route {@code default}; any {@code --upstream} replaces the file's routes and clusters.
 * </ul>
 *
 * Errors in flag values name the flag: {@code command line --upstream: h2relay.clusters.upstream.endpoints[0]: ...}.
 */
public record CommandLineOverrides(List<String> listen, List<String> upstreams) {

    public static final CommandLineOverrides NONE = new CommandLineOverrides(List.of(), List.of());

    /** The name of the cluster the {@code --upstream} URLs form. */
    public static final String UPSTREAM_CLUSTER = "upstream";

    /** The name of the catch-all route to it. */
    public static final String UPSTREAM_ROUTE = "default";

    public CommandLineOverrides {
        listen = List.copyOf(listen);
        upstreams = List.copyOf(upstreams);
    }

    public boolean isEmpty() {
        return listen.isEmpty() && upstreams.isEmpty();
    }

    /** The flags laid over {@code base} (a parsed file, or {@link ConfigFactory#empty()}). */
    public Config applyTo(Config base) {
        Config config = base;
        Config overlay = ConfigFactory.empty("command line");
        if (!listen.isEmpty()) {
            config = config.withoutPath("h2relay.listeners");
            for (int i = 0; i < listen.size(); i++) {
                overlay = overlay.withValue("h2relay.listeners.listen-" + (i + 1) + ".address",
                        ConfigValueFactory.fromAnyRef(listen.get(i), "command line --listen"));
            }
        }
        if (!upstreams.isEmpty()) {
            config = config.withoutPath("h2relay.routes").withoutPath("h2relay.clusters");
            overlay = overlay
                    .withValue("h2relay.clusters." + UPSTREAM_CLUSTER + ".endpoints",
                            ConfigValueFactory.fromIterable(upstreams, "command line --upstream"))
                    .withValue("h2relay.routes." + UPSTREAM_ROUTE + ".cluster",
                            ConfigValueFactory.fromAnyRef(UPSTREAM_CLUSTER, "command line --upstream"));
        }
        return overlay.withFallback(config);
    }
}
