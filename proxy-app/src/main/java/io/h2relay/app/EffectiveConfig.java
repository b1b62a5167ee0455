package io.h2relay.app;

import com.typesafe.config.ConfigUtil;
import io.h2relay.config.AuthorityPattern;
import io.h2relay.config.Endpoint;
import io.h2relay.config.ForwardingConfig;
import io.h2relay.config.HeaderEdits;
import io.h2relay.config.ProxyConfig;
import io.h2relay.hpack.Header;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A parsed {@link ProxyConfig} written back as HOCON under {@code h2relay}, with the keys of {@code reference.conf}
 * and every default filled in: what {@code check-config} prints. Loading the text again gives an equal
 * configuration, so what is printed is exactly what would run.
 *
 * <p>The records are walked generically (component {@code maxConcurrentStreams} is key
 * {@code max-concurrent-streams}), so a key added to the records shows up here without a change. The few places
 * where records and keys differ in shape are spelled out: members keyed by name, {@code host}+{@code port} written
 * as {@code address}, a route's {@code authorities} as {@code authority}, and values with a textual form.
 */
final class EffectiveConfig {

    private static final String INDENT = "  ";

    /** Shown instead of a secret's value by {@link #masked}. */
    static final String MASK = "******";

    private final StringBuilder out = new StringBuilder();
    private final boolean maskSecrets;

    private EffectiveConfig(boolean maskSecrets) {
        this.maskSecrets = maskSecrets;
    }

    static String render(ProxyConfig config) {
        return render(config, false);
    }

    /**
     * As {@link #render(ProxyConfig)}, with the value of every secret key (a name with password, passphrase, secret
     * or token in it, and header fields named authorization) replaced by {@link #MASK}: what the admin listener's
     * {@code /config} shows.
     */
    static String masked(ProxyConfig config) {
        return render(config, true);
    }

    private static String render(ProxyConfig config, boolean maskSecrets) {
        EffectiveConfig r = new EffectiveConfig(maskSecrets);
        r.out.append("h2relay {\n");
        r.fields(config, 1);
        r.out.append("}\n");
        return r.out.toString();
    }

    /** The components of a record as {@code key = value} lines (a {@code name} component is the member's key). */
    private void fields(Record record, int depth) {
        Map<String, Object> fields = new LinkedHashMap<>();
        Set<String> memberLists = new HashSet<>();
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            fields.put(c.getName(), read(record, c));
            if (isNamedMemberList(c)) {
                memberLists.add(c.getName());
            }
        }
        fields.remove("name");
        if (fields.containsKey("host") && fields.containsKey("port") && hasAddress(record)) {
            // Listeners, the origin and admin are written "host:port", IPv6 in brackets.
            Object address = invoke(record, "address");
            Map<String, Object> replaced = new LinkedHashMap<>();
            fields.forEach((k, v) -> {
                if (k.equals("host")) {
                    replaced.put("address", address);
                } else if (!k.equals("port")) {
                    replaced.put(k, v);
                }
            });
            fields = replaced;
        }
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            String key = f.getKey().equals("authorities") ? "authority" : kebab(f.getKey());
            if (memberLists.contains(f.getKey())) {
                members(key, (List<?>) f.getValue(), depth);
            } else {
                entry(key, f.getValue(), depth);
            }
        }
    }

    /** Listeners and routes: a list of records with a {@code name}, written as an object keyed by it. */
    private void members(String key, List<?> members, int depth) {
        indent(depth);
        out.append(ConfigUtil.joinPath(key)).append(" {\n");
        for (Object m : members) {
            entry(invoke(m, "name").toString(), m, depth + 1);
        }
        indent(depth);
        out.append("}\n");
    }

    private static boolean isNamedMemberList(RecordComponent c) {
        if (c.getType() == List.class && c.getGenericType() instanceof ParameterizedType p
                && p.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
            for (RecordComponent e : element.getRecordComponents()) {
                if (e.getName().equals("name")) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean isSecret(String key) {
        return key.contains("password") || key.contains("passphrase") || key.contains("secret")
                || key.contains("token") || key.equals("authorization") || key.equals("proxy-authorization");
    }

    private void entry(String key, Object value, int depth) {
        indent(depth);
        out.append(ConfigUtil.joinPath(key));
        if (maskSecrets && value != null && !(value instanceof Optional<?> o && o.isEmpty()) && isSecret(key)) {
            out.append(" = ").append(ConfigUtil.quoteString(MASK)).append('\n');
        } else if (value instanceof Map<?, ?> m && m.isEmpty()) {
            out.append(" {}\n");
        } else if (isBlock(value)) {
            out.append(" {\n");
            block(value, depth + 1);
            indent(depth);
            out.append("}\n");
        } else {
            out.append(" = ").append(scalar(value)).append('\n');
        }
    }

    private static boolean isBlock(Object value) {
        return value instanceof Map<?, ?> || value instanceof HeaderEdits
                || value instanceof Record && !(value instanceof ForwardingConfig.Node) && !isScalarRecord(value);
    }

    private void block(Object value, int depth) {
        if (value instanceof HeaderEdits edits) {
            entry("remove", edits.remove(), depth);
            entry("set", byName(edits.set()), depth);
            entry("add", byName(edits.add()), depth);
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
                entry(e.getKey().toString(), e.getValue(), depth);
            }
        } else {
            fields((Record) value, depth);
        }
    }

    /** Header fields as HOCON wants them in {@code set} and {@code add}: {@code name = [values]}, in order. */
    private static Map<String, List<String>> byName(List<Header> headers) {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (Header h : headers) {
            grouped.computeIfAbsent(h.name(), n -> new ArrayList<>()).add(h.value());
        }
        return grouped;
    }

    private String scalar(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Optional<?> o) {
            return scalar(o.orElse(null));
        }
        if (value instanceof String s) {
            return ConfigUtil.quoteString(s);
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Duration d) {
            return duration(d);
        }
        if (value instanceof Endpoint || value instanceof AuthorityPattern) {
            return ConfigUtil.quoteString(value.toString());
        }
        if (value instanceof ForwardingConfig.Node node) {
            return ConfigUtil.quoteString(node(node));
        }
        if (value instanceof Enum<?> e) {
            return ConfigUtil.quoteString(enumName(e));
        }
        if (value instanceof Collection<?> c) {
            List<Object> items = new ArrayList<>(c);
            if (c instanceof Set<?>) {
                items.sort(Comparator.comparing(this::scalar)); // Set.copyOf has no order; print a stable one
                if (!items.isEmpty() && items.get(0) instanceof Enum<?>) {
                    items.sort(Comparator.comparingInt(i -> ((Enum<?>) i).ordinal()));
                }
            }
            List<String> shown = new ArrayList<>();
            for (Object i : items) {
                shown.add(scalar(i));
            }
            return "[" + String.join(", ", shown) + "]";
        }
        throw new IllegalArgumentException("no HOCON form for " + value.getClass().getName());
    }

    /** HOCON's duration units: h, m (minutes), s, ms, ns. */
    static String duration(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        long[] unit = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L};
        String[] name = {"h", "m", "s", "ms"};
        for (int i = 0; i < unit.length; i++) {
            if (nanos % unit[i] == 0) {
                return nanos / unit[i] + name[i];
            }
        }
        return nanos + "ns";
    }

    /** RFC 7239 node forms as {@code h2relay.forwarding.forwarded-for} spells them. */
    private static String node(ForwardingConfig.Node node) {
        if (node instanceof ForwardingConfig.Node.Omitted) {
            return "none";
        }
        if (node instanceof ForwardingConfig.Node.Ip ip) {
            return ip.withPort() ? "ip-and-port" : "ip";
        }
        if (node instanceof ForwardingConfig.Node.Unknown) {
            return "unknown";
        }
        return ((ForwardingConfig.Node.Obfuscated) node).identifier();
    }

    /** An enum's {@code configName()} where it has one, else its name in lower case. */
    private static String enumName(Enum<?> e) {
        try {
            return (String) e.getClass().getMethod("configName").invoke(e);
        } catch (NoSuchMethodException x) {
            return kebab(e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        } catch (IllegalAccessException | InvocationTargetException x) {
            throw new IllegalStateException(x);
        }
    }

    /** {@code maxConcurrentStreams} → {@code max-concurrent-streams}. */
    static String kebab(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                b.append('-').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Records written as one value: endpoints and authority patterns have a text form. */
    private static boolean isScalarRecord(Object value) {
        return value instanceof Endpoint || value instanceof AuthorityPattern || value instanceof Header;
    }

    private static boolean hasAddress(Record r) {
        try {
            return r.getClass().getMethod("address").getReturnType() == String.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static Object read(Record r, RecordComponent c) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c, e);
        }
    }

    private static Object invoke(Object target, String method) {
        try {
            return target.getClass().getMethod(method).invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call " + method + " on " + target.getClass().getName(), e);
        }
    }

    private void indent(int depth) {
        out.append(INDENT.repeat(depth));
    }
}
