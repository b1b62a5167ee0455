package io.h2relay.app;

import io.h2relay.config.AccessLogConfig;
import io.h2relay.proxy.ExchangeRecord;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * Turns an {@link ExchangeRecord} into one access log line: JSON Lines, or a pattern with nghttpx-style variables
 * ({@link AccessLogConfig#VARIABLES}). A pattern is compiled once into literal and variable pieces.
 */
final class AccessLogFormat {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneId.systemDefault());

    /** A literal (variable null) or a variable (its name; for a request field "http_" and the field's name). */
    private record Piece(String literal, String variable) {}

    private final List<Piece> pieces;

    private AccessLogFormat(List<Piece> pieces) {
        this.pieces = pieces;
    }

    /** JSON Lines: one object per exchange. */
    static AccessLogFormat json() {
        return new AccessLogFormat(null);
    }

    static AccessLogFormat pattern(String pattern) {
        List<Piece> pieces = new ArrayList<>();
        Matcher m = AccessLogConfig.VARIABLE.matcher(pattern);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                pieces.add(new Piece(pattern.substring(at, m.start()), null));
            }
            pieces.add(new Piece(null, m.group(1) != null ? m.group(1) : m.group(2)));
            at = m.end();
        }
        if (at < pattern.length()) {
            pieces.add(new Piece(pattern.substring(at), null));
        }
        return new AccessLogFormat(List.copyOf(pieces));
    }

    static AccessLogFormat of(AccessLogConfig config) {
        return config.format() == AccessLogConfig.Format.JSON ? json() : pattern(config.pattern());
    }

    /** The line, with its newline. */
    void append(ExchangeRecord r, StringBuilder out) {
        if (pieces == null) {
            json(r, out);
        } else {
            for (Piece p : pieces) {
                if (p.literal() != null) {
                    out.append(p.literal());
                } else {
                    out.append(variable(r, p.variable()));
                }
            }
        }
        out.append('\n');
    }

    private static String variable(ExchangeRecord r, String name) {
        return switch (name) {
            case "remote_addr" -> r.client() == null ? "-" : r.client().getAddress().getHostAddress();
            case "remote_port" -> r.client() == null ? "-" : Integer.toString(r.client().getPort());
            case "time_local" -> LOCAL.format(r.started());
            case "time_iso8601" -> ISO.format(r.started());
            case "request" -> dash(r.requestField(":method")) + " " + dash(path(r)) + " " + httpVersion(r);
            case "method" -> dash(r.requestField(":method"));
            case "path" -> dash(path(r));
            case "authority" -> dash(authority(r));
            case "scheme" -> dash(r.requestField(":scheme"));
            case "protocol" -> r.protocol();
            case "status" -> r.status() == 0 ? "-" : Integer.toString(r.status());
            case "body_bytes_sent" -> Long.toString(r.responseBodyBytes());
            case "request_body_bytes" -> Long.toString(r.requestBodyBytes());
            case "request_time" -> seconds(r.durationNanos());
            case "upstream_time" -> r.upstreamNanos() < 0 ? "-" : seconds(r.upstreamNanos());
            case "listener" -> r.listener();
            case "stream_id" -> Integer.toString(r.streamId());
            case "route" -> dash(r.route());
            case "cluster" -> dash(r.cluster());
            case "upstream_addr" -> dash(r.upstream());
            case "outcome" -> r.outcome().name().toLowerCase(Locale.ROOT);
            case "reset_code" -> r.resetCode() < 0 ? "-" : Integer.toString(r.resetCode());
            case "tls" -> r.tls() ? "on" : "off";
            default -> dash(r.requestField(name.substring("http_".length()).replace('_', '-')));
        };
    }

    private static void json(ExchangeRecord r, StringBuilder out) {
        out.append("{\"time\":");
        string(out, r.started().toString());
        out.append(",\"remote_addr\":");
        string(out, r.client() == null ? null : r.client().getAddress().getHostAddress());
        out.append(",\"remote_port\":").append(r.client() == null ? 0 : r.client().getPort());
        out.append(",\"listener\":");
        string(out, r.listener());
        out.append(",\"protocol\":");
        string(out, r.protocol());
        out.append(",\"tls\":").append(r.tls());
        out.append(",\"stream_id\":").append(r.streamId());
        out.append(",\"method\":");
        string(out, r.requestField(":method"));
        out.append(",\"authority\":");
        string(out, authority(r));
        out.append(",\"path\":");
        string(out, path(r));
        out.append(",\"status\":").append(r.status());
        out.append(",\"request_body_bytes\":").append(r.requestBodyBytes());
        out.append(",\"body_bytes_sent\":").append(r.responseBodyBytes());
        out.append(",\"request_time\":").append(seconds(r.durationNanos()));
        out.append(",\"upstream_time\":").append(r.upstreamNanos() < 0 ? "null" : seconds(r.upstreamNanos()));
        out.append(",\"route\":");
        string(out, r.route());
        out.append(",\"cluster\":");
        string(out, r.cluster());
        out.append(",\"upstream_addr\":");
        string(out, r.upstream());
        out.append(",\"outcome\":");
        string(out, r.outcome().name().toLowerCase(Locale.ROOT));
        out.append(",\"reset_code\":").append(r.resetCode() < 0 ? "null" : Integer.toString(r.resetCode()));
        out.append(",\"user_agent\":");
        string(out, r.requestField("user-agent"));
        out.append('}');
    }

    private static String path(ExchangeRecord r) {
        return r.requestField(":path");
    }

    private static String authority(ExchangeRecord r) {
        String a = r.requestField(":authority");
        return a != null ? a : r.requestField("host");
    }

    private static String httpVersion(ExchangeRecord r) {
        return r.protocol().equals("http/1.1") ? "HTTP/1.1" : "HTTP/2";
    }

    /** Seconds with millisecond resolution, as nghttpx's $request_time. */
    static String seconds(long nanos) {
        long millis = Math.max(0, nanos) / 1_000_000;
        long frac = millis % 1000;
        return millis / 1000 + "." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + frac;
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    /** A JSON string (RFC 8259 §7), or null. Field values may hold any byte a client sent. */
    private static void string(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
