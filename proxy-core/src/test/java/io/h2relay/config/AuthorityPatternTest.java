package io.h2relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthorityPatternTest {

    @ParameterizedTest
    @CsvSource({
        "*,                     *,               -1",
        "*:8080,                *,               8080",
        "*.Example.COM,         *.example.com,   -1",
        "*.example.com:8443,    *.example.com,   8443",
        "API.example.com,       api.example.com, -1",
        "api.example.com.,      api.example.com, -1",
        "api.example.com:443,   api.example.com, 443",
        "[2001:DB8::1]:8080,    [2001:db8::1],   8080",
        "[::1],                 [::1],           -1",
    })
    void parsesHostsWildcardsAndPorts(String text, String host, int port) {
        assertEquals(new AuthorityPattern(host, port), AuthorityPattern.parse(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "api.*.com     | 'api.*.com': a wildcard is only allowed as the whole first label, as in *.example.com",
        "*example.com  | '*example.com': a wildcard is only allowed as the whole first label, as in *.example.com",
        "*.[::1]       | '*.[::1]': an IPv6 address cannot take a wildcard",
        "*:x           | '*:x': port 'x' is not a number",
        "a:0           | 'a:0': port 0 out of range 1..65535",
    })
    void refusesMisplacedWildcardsAndBadPorts(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> AuthorityPattern.parse(text))
                .getMessage());
    }
}
