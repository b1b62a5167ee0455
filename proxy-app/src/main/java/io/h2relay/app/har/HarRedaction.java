package io.h2relay.app.har;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Credentials kept out of recordings: the values of {@code authorization}, {@code proxy-authorization},
 * {@code cookie} and {@code set-cookie} become {@value #REDACTED} unless the user opted in. The names stay, so a
 * replay still sees that the header was there.
 */
public final class HarRedaction {

    public static final String REDACTED = "[redacted]";

    public static final Set<String> SENSITIVE = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie");

    private HarRedaction() {}

    public static boolean sensitive(String name) {
        return SENSITIVE.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The list with sensitive values replaced, or as is when {@code include}. */
    public static List<Har.NameValue> apply(List<Har.NameValue> fields, boolean include) {
        if (include) {
            return fields;
        }
        List<Har.NameValue> out = new ArrayList<>(fields.size());
        for (Har.NameValue f : fields) {
            out.add(sensitive(f.name()) ? new Har.NameValue(f.name(), REDACTED, f.comment()) : f);
        }
        return out;
    }
}
