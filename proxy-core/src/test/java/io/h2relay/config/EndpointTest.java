package io.h2relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.h2relay.config.Endpoint.Scheme;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointTest {

    @ParameterizedTest
    @CsvSource({
        "h2c://127.0.0.1:9000,      H2C,   127.0.0.1,   9000, h2c://127.0.0.1:9000",
        "h2c://backend,             H2C,   backend,     80,   h2c://backend:80",
        "http://backend/,           HTTP,  backend,     80,   http://backend:80",
        "h2://api.example.com,      H2,    api.example.com, 443, h2://api.example.com:443",
        "HTTPS://[2001:db8::1]:8443, HTTPS, 2001:db8::1, 8443, https://[2001:db8::1]:8443",
        "https://[::1],             HTTPS, ::1,         443,  https://[::1]:443",
    })
    void parsesEachSchemeWithItsDefaultPort(String url, Scheme scheme, String host, int port, String canonical) {
        Endpoint e = Endpoint.parse(url);
        assertEquals(new Endpoint(scheme, host, port), e);
        assertEquals(canonical, e.url());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ftp://a:1              | unsupported scheme 'ftp' (use h2c://, http://, h2:// or https://)",
        "a:1                    | 'a:1' is not a URL (use h2c://, http://, h2:// or https://)",
        "h2c://user@a:1         | 'h2c://user@a:1': an endpoint is scheme://host:port only, without user info",
        "h2c://a:1?x=1          | 'h2c://a:1?x=1': an endpoint is scheme://host:port only, without a path or query (rewrite paths with a route's rewrite-prefix)",
        "h2c://[::1             | '[::1': IPv6 address without its closing ']'",
        "h2c://[zz::1]:80       | '[zz::1]:80': 'zz::1' is not an IPv6 address",
        "h2c://a b:80           | 'a b:80': character ' ' not allowed in host 'a b'",
        "h2c://:80              | ':80': missing host",
        "h2c://a:99999          | 'a:99999': port 99999 out of range 1..65535",
    })
    void refusesWhatIsNotABareOriginUrl(String url, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(url)).getMessage());
    }
}
