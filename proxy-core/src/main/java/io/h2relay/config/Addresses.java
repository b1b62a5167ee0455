package io.h2relay.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** {@code host:port} text as written in the configuration: RFC 3986 §3.2.2 hosts, IPv6 literals in brackets. */
final class Addresses {

    /** A parsed {@code host[:port]}; {@code port} is -1 when none was written. IPv6 hosts are kept unbracketed. */
    record HostPort(String host, int port) {}

    private Addresses() {}

    /**
     * @param minPort the lowest port accepted (0 for listeners, which may ask for any free port; 1 for peers)
     * @throws IllegalArgumentException with a message fit for the user
     */
    static HostPort parse(String text, boolean portRequired, int minPort) {
        String host;
        String portText;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': IPv6 address without its closing ']'");
            }
            host = text.substring(1, close);
            checkIpv6(host, text);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new IllegalArgumentException("'" + text + "': expected ':port' after the IPv6 address");
            }
            portText = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = text.indexOf(':');
            if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("'" + text + "': write an IPv6 address in brackets, as [::1]:8080");
            }
            host = colon < 0 ? text : text.substring(0, colon);
            portText = colon < 0 ? null : text.substring(colon + 1);
            checkName(host, text);
        }
        if (portText == null) {
            if (portRequired) {
                throw new IllegalArgumentException("'" + text + "': missing ':port'");
            }
            return new HostPort(host, -1);
        }
        return new HostPort(host, port(portText, minPort, text));
    }

    static int port(String portText, int minPort, String whole) {
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + whole + "': port '" + portText + "' is not a number");
        }
        int port = Integer.parseInt(portText);
        if (port < minPort || port > 65535) {
            throw new IllegalArgumentException("'" + whole + "': port " + port + " out of range " + minPort + "..65535");
        }
        return port;
    }

    /** A DNS name or IPv4 address: letters, digits, '-', '_' in dot-separated non-empty labels. */
    static void checkName(String host, String whole) {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + whole + "': missing host");
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() && !host.endsWith(".")) {
                throw new IllegalArgumentException("'" + whole + "': empty label in host '" + host + "'");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
                if (!ok) {
                    throw new IllegalArgumentException("'" + whole + "': character '" + c + "' not allowed in host '"
                            + host + "'");
                }
            }
        }
    }

    static void checkIpv6(String host, String whole) {
        boolean chars = !host.isEmpty() && host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        boolean parsed = false;
        if (chars && host.indexOf(':') >= 0) {
            try {
                // A literal containing ':' is parsed, never looked up (::ffff:a.b.c.d comes back as IPv4).
                InetAddress.getByName(host);
                parsed = true;
            } catch (UnknownHostException e) {
                parsed = false;
            }
        }
        if (!parsed) {
            throw new IllegalArgumentException("'" + whole + "': '" + host + "' is not an IPv6 address");
        }
    }

    static String format(String host, int port) {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port < 0 ? h : h + ":" + port;
    }
}
