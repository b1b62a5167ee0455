package io.h2relay.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One object of the configuration with typed reads whose failures name the file, the line and the full key.
 * Typesafe Config's own getters would name the key relative to the sub-config and truncate {@code 1.5} to an int,
 * so values are read here one by one.
 *
 * @param object the values, defaults merged in
 * @param origin where the object itself was written, blamed for keys that are missing
 * @param path the full key of the object, as the user would write it
 */
record Section(ConfigObject object, ConfigOrigin origin, String path) {

    /** A value with the full key it was read under ({@code ...endpoints[2]}). */
    record Item(ConfigValue value, String path) {}

    /** A named member of a map such as {@code h2relay.clusters}, its own object and where it was written. */
    record Member(String name, ConfigObject object, String path) {}

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    String pathOf(String key) {
        return path + "." + ConfigUtil.joinPath(key);
    }

    boolean isSet(String key) {
        ConfigValue v = object.get(key);
        return v != null && v.valueType() != ConfigValueType.NULL;
    }

    Item item(String key) {
        if (!isSet(key)) {
            throw fail(origin, pathOf(key), "missing; this setting has no default");
        }
        return new Item(object.get(key), pathOf(key));
    }

    Optional<Item> optionalItem(String key) {
        return isSet(key) ? Optional.of(new Item(object.get(key), pathOf(key))) : Optional.empty();
    }

    String string(String key) {
        return string(item(key));
    }

    Optional<String> optionalString(String key) {
        return optionalItem(key).map(Section::string);
    }

    boolean bool(String key) {
        Item it = item(key);
        try {
            return it.value().atKey("v").getBoolean("v");
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw fail(it, "expected true or false, got " + describe(it.value()));
        }
    }

    long whole(String key, long min, long max) {
        Item it = item(key);
        ConfigValue v = it.value();
        long n;
        if (v.valueType() == ConfigValueType.NUMBER && (v.unwrapped() instanceof Integer || v.unwrapped() instanceof Long)) {
            n = ((Number) v.unwrapped()).longValue();
        } else if (v.valueType() == ConfigValueType.STRING && ((String) v.unwrapped()).trim().matches("-?[0-9]{1,18}")) {
            n = Long.parseLong(((String) v.unwrapped()).trim());
        } else {
            throw fail(it, "expected a whole number, got " + describe(v));
        }
        return inRange(it, n, min, max, String.valueOf(n));
    }

    int integer(String key, int min, int max) {
        return (int) whole(key, min, max);
    }

    /** A size: a number of bytes or HOCON's size units ({@code 64 KiB}, {@code 1 MiB}). */
    long bytes(String key, long min, long max) {
        Item it = item(key);
        long n;
        try {
            n = it.value().atKey("v").getBytes("v");
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw fail(it, "expected a size such as 65536 or 64 KiB, got " + describe(it.value()));
        }
        return inRange(it, n, min, max, n + " bytes");
    }

    int bytesInt(String key, int min, int max) {
        return (int) bytes(key, min, max);
    }

    /** A duration ({@code 30s}, {@code 500ms}, {@code 5m}; a bare number is milliseconds). */
    Duration duration(String key, boolean zeroAllowed) {
        return duration(item(key), zeroAllowed);
    }

    Optional<Duration> optionalDuration(String key, boolean zeroAllowed) {
        return optionalItem(key).map(it -> duration(it, zeroAllowed));
    }

    private static Duration duration(Item it, boolean zeroAllowed) {
        Duration d;
        try {
            d = it.value().atKey("v").getDuration("v");
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw fail(it, "expected a duration such as 30s or 500ms, got " + describe(it.value()));
        }
        if (d.isNegative() || d.isZero() && !zeroAllowed) {
            throw fail(it, "must be " + (zeroAllowed ? "0 (off) or positive" : "positive") + ", got " + show(d));
        }
        return d;
    }

    /** A list; a lone value is taken as a list of one when {@code loneAllowed}. */
    List<Item> items(String key, boolean loneAllowed) {
        Item it = item(key);
        if (it.value().valueType() != ConfigValueType.LIST) {
            if (loneAllowed && it.value().valueType() != ConfigValueType.OBJECT) {
                return List.of(new Item(it.value(), it.path()));
            }
            throw fail(it, "expected a list, got " + describe(it.value()));
        }
        ConfigList list = (ConfigList) it.value();
        List<Item> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(new Item(list.get(i), it.path() + "[" + i + "]"));
        }
        return out;
    }

    Section section(String key) {
        Item it = item(key);
        return new Section(object(it), it.value().origin(), it.path());
    }

    /** The members of a map keyed by name, sorted by name; names are letters, digits, '-' and '_'. */
    List<Member> members(String key) {
        Item it = item(key);
        ConfigObject map = object(it);
        List<Member> out = new ArrayList<>();
        for (var e : new TreeMap<>(map).entrySet()) {
            Item member = new Item(e.getValue(), it.path() + "." + ConfigUtil.joinPath(e.getKey()));
            if (!NAME.matcher(e.getKey()).matches()) {
                throw fail(member, "names are letters, digits, '-' and '_'");
            }
            out.add(new Member(e.getKey(), object(member), member.path()));
        }
        return out;
    }

    /** A member merged over its defaults; the member's own origin is blamed for missing keys. */
    static Section of(Member member, Section defaults) {
        return new Section(member.object().withFallback(defaults.object()), member.object().origin(), member.path());
    }

    static ConfigObject object(Item it) {
        if (it.value().valueType() != ConfigValueType.OBJECT) {
            throw fail(it, "expected an object { ... }, got " + describe(it.value()));
        }
        return (ConfigObject) it.value();
    }

    static String string(Item it) {
        if (it.value().valueType() != ConfigValueType.STRING) {
            throw fail(it, "expected a string, got " + describe(it.value()));
        }
        return (String) it.value().unwrapped();
    }

    /** Converts a string item; the converter's {@link IllegalArgumentException} message becomes the problem. */
    static <T> T convert(Item it, Function<String, T> converter) {
        String text = string(it);
        try {
            return converter.apply(text);
        } catch (IllegalArgumentException e) {
            throw fail(it, e.getMessage());
        }
    }

    private static long inRange(Item it, long n, long min, long max, String shown) {
        if (n < min || n > max) {
            throw fail(it, shown + " out of range " + min + ".." + max);
        }
        return n;
    }

    static InvalidConfigException fail(Item it, String message) {
        return fail(it.value().origin(), it.path(), message);
    }

    static InvalidConfigException fail(ConfigOrigin origin, String path, String message) {
        return new InvalidConfigException(problem(origin, path, message));
    }

    static InvalidConfigException.Problem problem(ConfigOrigin origin, String path, String message) {
        if (origin == null) {
            return new InvalidConfigException.Problem("configuration", -1, path, message);
        }
        int line = origin.lineNumber();
        String source;
        if (origin.filename() != null) {
            source = origin.filename();
        } else if (origin.resource() != null) {
            source = origin.resource();
        } else {
            // The description ends in ": <line>" or ": <first>-<last>" when there is a line; the line is kept apart.
            source = origin.description().replaceFirst(": [0-9]+(-[0-9]+)?$", "");
        }
        return new InvalidConfigException.Problem(source, line, path, message);
    }

    /** A duration as it would be written in HOCON: {@code 1500ms}, {@code 30s}, {@code -1s}. */
    static String show(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    static String describe(ConfigValue v) {
        return switch (v.valueType()) {
            case STRING -> "string '" + v.unwrapped() + "'";
            case NUMBER -> "number " + v.unwrapped();
            case BOOLEAN -> "boolean " + v.unwrapped();
            case LIST -> "a list";
            case OBJECT -> "an object";
            case NULL -> "null";
        };
    }
}
