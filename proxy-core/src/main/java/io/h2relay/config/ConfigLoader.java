package io.h2relay.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads {@code h2relay.*} into a {@link ProxyConfig}: the given HOCON laid over this module's {@code reference.conf},
 * substitutions resolved, every key checked against the reference (a typo is an error, not a silently ignored
 * setting), then each value parsed and the whole checked. Failures are {@link InvalidConfigException}s naming file,
 * line and key.
 *
 * <p>Keys outside {@code h2relay} are not looked at. Java system properties are not applied: the file and the
 * command line are the only sources, so what runs is what the file says.
 */
public final class ConfigLoader {

    /** The maps whose members are checked against {@code h2relay.defaults.<kind>}. */
    private static final Map<String, String> MEMBER_TEMPLATES =
            Map.of("listeners", "listener", "routes", "route", "clusters", "cluster");

    private ConfigLoader() {}

    /** A configuration file over the defaults. */
    public static ProxyConfig load(Path file) {
        return load(file, CommandLineOverrides.NONE);
    }

    /** A configuration file over the defaults, with command-line flags over the file. */
    public static ProxyConfig load(Path file, CommandLineOverrides overrides) {
        Config parsed = typesafe(() -> ConfigFactory.parseFile(file.toFile(),
                ConfigParseOptions.defaults().setAllowMissing(false)));
        return fromConfig(overrides.applyTo(parsed));
    }

    /** Command-line flags over the defaults, no file. */
    public static ProxyConfig fromCommandLine(CommandLineOverrides overrides) {
        return fromConfig(overrides.applyTo(ConfigFactory.empty()));
    }

    /** HOCON text over the defaults; {@code sourceName} names it in errors. */
    public static ProxyConfig parse(String hocon, String sourceName) {
        return fromConfig(typesafe(() -> ConfigFactory.parseString(hocon,
                ConfigParseOptions.defaults().setOriginDescription(sourceName))));
    }

    /** {@code reference.conf} alone. */
    public static ProxyConfig defaults() {
        return fromConfig(ConfigFactory.empty());
    }

    /** An already parsed, possibly unresolved, configuration over the defaults. */
    public static ProxyConfig fromConfig(Config config) {
        ConfigObject template = reference().getObject("h2relay");
        Config full = typesafe(() -> config.withFallback(reference()).resolve());
        ConfigValue h2relay = full.root().get("h2relay");
        if (h2relay.valueType() != ConfigValueType.OBJECT) {
            throw Section.fail(h2relay.origin(), "h2relay", "expected an object { ... }, got " + Section.describe(h2relay));
        }
        List<InvalidConfigException.Problem> unknown = new ArrayList<>();
        checkKeys((ConfigObject) h2relay, template, "h2relay", true, template, unknown);
        if (!unknown.isEmpty()) {
            unknown.sort(Comparator.comparing(InvalidConfigException.Problem::source)
                    .thenComparingInt(InvalidConfigException.Problem::line));
            throw new InvalidConfigException(unknown);
        }
        return new ConfigParser((ConfigObject) h2relay).parse();
    }

    /** This module's reference.conf (with those of the other libraries on the class path). */
    static Config reference() {
        return ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader());
    }

    /**
     * Every key of {@code actual} must be a key of {@code template}. Objects recurse; an empty template object is a
     * map of free names (header fields), and the members of listeners, routes and clusters follow their defaults.
     */
    private static void checkKeys(ConfigObject actual, ConfigObject template, String path, boolean top,
            ConfigObject h2relayTemplate, List<InvalidConfigException.Problem> out) {
        for (String key : new TreeSet<>(actual.keySet())) {
            ConfigValue value = actual.get(key);
            ConfigValue expected = template.get(key);
            String keyPath = path + "." + ConfigUtil.joinPath(key);
            if (expected == null) {
                out.add(Section.problem(value.origin(), keyPath, unknownKeyMessage(key, template.keySet())));
                continue;
            }
            if (value.valueType() != ConfigValueType.OBJECT || expected.valueType() != ConfigValueType.OBJECT) {
                continue; // a wrong type is the parser's to report
            }
            ConfigObject object = (ConfigObject) value;
            if (top && MEMBER_TEMPLATES.containsKey(key)) {
                ConfigObject defaults = (ConfigObject) h2relayTemplate.get("defaults");
                ConfigObject memberTemplate = (ConfigObject) defaults.get(MEMBER_TEMPLATES.get(key));
                for (String name : new TreeSet<>(object.keySet())) {
                    ConfigValue member = object.get(name);
                    if (member.valueType() == ConfigValueType.OBJECT) {
                        checkKeys((ConfigObject) member, memberTemplate, keyPath + "." + ConfigUtil.joinPath(name),
                                false, h2relayTemplate, out);
                    }
                }
            } else if (!((ConfigObject) expected).isEmpty()) {
                checkKeys(object, (ConfigObject) expected, keyPath, false, h2relayTemplate, out);
            }
        }
    }

    private static String unknownKeyMessage(String key, Set<String> known) {
        String closest = null;
        int best = 3; // suggest only near misses
        for (String k : known) {
            int d = editDistance(key, k);
            if (d < best) {
                best = d;
                closest = k;
            }
        }
        return closest != null
                ? "unknown key '" + key + "' (did you mean '" + closest + "'?)"
                : "unknown key '" + key + "' (known here: " + String.join(", ", new TreeSet<>(known)) + ")";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Runs a Typesafe Config call, turning its exceptions (syntax, I/O, substitution) into located problems. */
    private static <T> T typesafe(Supplier<T> call) {
        try {
            return call.get();
        } catch (ConfigException e) {
            String message = e.getMessage();
            if (e.origin() != null && message.startsWith(e.origin().description() + ": ")) {
                message = message.substring(e.origin().description().length() + 2);
            }
            if (e instanceof ConfigException.IO && e.getCause() instanceof FileNotFoundException) {
                message = "no such file, or it cannot be read";
            }
            throw new InvalidConfigException(Section.problem(e.origin(), "", message));
        }
    }
}
