package io.h2relay.app.replay;

import io.h2relay.client.Headers;
import io.h2relay.client.Request;
import io.h2relay.client.RequestBody;
import java.util.List;
import java.util.Locale;

/**
 * How recorded requests are aimed at the target: the target's authority replaces the recorded one (unless
 * {@code authority} names another, or {@code keepAuthority}), then headers are removed and set in that order.
 *
 * @param authority sent as {@code :authority}/{@code Host}; null: the target's
 * @param keepAuthority send each request's recorded authority (virtual hosts behind one address)
 * @param set fields set (replacing any recorded ones of that name)
 * @param remove names of fields removed
 */
public record Rewrite(String authority, boolean keepAuthority, List<Header> set, List<String> remove) {

    public record Header(String name, String value) {

        /** {@code "name: value"} (curl's -H syntax). */
        public static Header parse(String spec) {
            int colon = spec.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header '" + spec + "' is not NAME: VALUE");
            }
            return new Header(spec.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    spec.substring(colon + 1).trim());
        }
    }

    public Rewrite {
        set = List.copyOf(set);
        remove = remove.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }

    public static Rewrite none() {
        return new Rewrite(null, false, List.of(), List.of());
    }

    /** The client request for a recorded one; the body buffer is shared, read-only. */
    Request apply(ReplayRequest r) {
        Headers headers = r.headers();
        for (String name : remove) {
            headers = headers.without(name);
        }
        for (Header h : set) {
            headers = headers.without(h.name()).with(h.name(), h.value());
        }
        String auth = keepAuthority && r.authority() != null ? r.authority() : authority;
        return Request.builder(r.method(), r.path()).authority(auth).headers(headers)
                .body(r.body().length == 0 ? RequestBody.empty() : RequestBody.of(r.body())).build();
    }
}
