package io.h2relay.app;

import io.h2relay.config.CommandLineOverrides;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The flags that say which configuration to run, shared by {@code serve} and {@code check-config}. They map onto
 * {@link CommandLineOverrides}, so a flag is checked by the same parser as the key it stands for.
 *
 * <p>Which file is read: {@code --config FILE} when given; otherwise {@code conf/h2relay.conf} under the
 * installation directory, unless {@code --upstream} is given, in which case no file is read at all (the issue's
 * "proxies to any HTTP/2 backend with no config file"). The upstreams replace the file's routes and clusters
 * anyway, and the default file's built-in origin and admin ports would only be in the way of the user's backend.
 */
final class ConfigOptions {

    /** The listener {@code --upstream} without a file or {@code --listen} gets: the default file's. */
    static final String DEFAULT_LISTEN = "127.0.0.1:8080";

    static final String DEFAULT_FILE = "conf/h2relay.conf";

    @Option(names = "--config", paramLabel = "FILE",
            description = "HOCON configuration file (docs/configuration.md). Default: " + DEFAULT_FILE
                    + " in the installation directory, or none when --upstream is given.")
    Path config;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "Accept clients on HOST:PORT (IPv6 as [::1]:8080; port 0 takes any free port). "
                    + "Repeatable; replaces the file's listeners. Default without a file: " + DEFAULT_LISTEN + ".")
    List<String> listen = new ArrayList<>();

    @Option(names = "--upstream", paramLabel = "URL",
            description = "Send every request to this backend: h2c://HOST:PORT (HTTP/2 with prior knowledge), "
                    + "http://, h2:// or https://. Repeatable: several form one round-robin cluster. Replaces the "
                    + "file's routes and clusters.")
    List<String> upstreams = new ArrayList<>();

    /** The file that will be read, if any. */
    Optional<Path> file(Path home) {
        if (config != null) {
            return Optional.of(config);
        }
        return upstreams.isEmpty() ? Optional.of(home.resolve(DEFAULT_FILE)) : Optional.empty();
    }

    CommandLineOverrides overrides(boolean withFile) {
        List<String> listeners = listen;
        if (!withFile && listeners.isEmpty()) {
            listeners = List.of(DEFAULT_LISTEN);
        }
        return new CommandLineOverrides(listeners, upstreams);
    }

    /**
     * Reads and checks the configuration.
     *
     * @throws io.h2relay.config.InvalidConfigException naming file, line and key of each problem
     */
    ProxyConfig load(Path home) {
        Optional<Path> file = file(home);
        CommandLineOverrides overrides = overrides(file.isPresent());
        return file.isPresent() ? ConfigLoader.load(file.get(), overrides) : ConfigLoader.fromCommandLine(overrides);
    }

    /** Where the configuration came from, for the user: the file and the flags laid over it. */
    String describe(Path home) {
        Optional<Path> file = file(home);
        CommandLineOverrides o = overrides(file.isPresent());
        List<String> parts = new ArrayList<>();
        parts.add(file.map(f -> "file " + f).orElse("no file"));
        o.listen().forEach(l -> parts.add("--listen " + l));
        o.upstreams().forEach(u -> parts.add("--upstream " + u));
        return String.join(", ", parts);
    }
}
