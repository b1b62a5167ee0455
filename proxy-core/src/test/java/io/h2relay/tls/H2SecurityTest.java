package io.h2relay.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/** RFC 9113 §9.2: the Appendix A list, the session check, and the suite order. */
class H2SecurityTest {

    /** What Appendix A leaves allowed, for the suites a JDK knows: ephemeral, authenticated key exchange + AEAD. */
    private static final Pattern H2_SAFE_TLS12 = Pattern.compile(
            "TLS_(ECDHE|DHE)_(RSA|ECDSA|DSS|PSK)_WITH_.*(GCM|CCM|CHACHA20_POLY1305).*");

    @Test
    void theTranscribedListHasAllOfAppendixA() {
        assertEquals(276, H2Security.prohibitedCount());
        assertTrue(H2Security.isProhibited("TLS_NULL_WITH_NULL_NULL"), "first entry");
        assertTrue(H2Security.isProhibited("TLS_PSK_WITH_AES_256_CCM_8"), "last entry");
        assertTrue(H2Security.isProhibited("TLS_EMPTY_RENEGOTIATION_INFO_SCSV"));
        assertTrue(H2Security.isProhibited("TLS_RSA_WITH_AES_128_GCM_SHA256"), "no ephemeral key exchange");
        assertTrue(H2Security.isProhibited("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"), "a block cipher");
        assertTrue(H2Security.isProhibited("TLS_DH_anon_WITH_AES_128_GCM_SHA256"));
        assertTrue(H2Security.isProhibited("SSL_RSA_WITH_3DES_EDE_CBC_SHA"), "the JDK's SSL_ spelling");
    }

    @Test
    void modernSuitesAreAllowed() {
        for (String suite : List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "SOMETHING_ELSE")) {
            assertFalse(H2Security.isProhibited(suite), suite);
        }
    }

    @Test
    void everyTls12SuiteOfThisJdkIsClassifiedAsTheRfcsRuleSays() throws Exception {
        String[] supported = SSLContext.getDefault().createSSLEngine().getSupportedCipherSuites();
        List<String> wrong = new ArrayList<>();
        for (String suite : supported) {
            if (H2Security.isTls13Suite(suite)) {
                continue;
            }
            boolean safe = H2_SAFE_TLS12.matcher(suite).matches();
            if (safe == H2Security.isProhibited(suite)) {
                wrong.add(suite);
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(supported.length > 30, "the check saw the JDK's suites");
    }

    @Test
    void aSessionIsAdequateWithTls13OrAnAllowedTls12Suite() {
        assertTrue(H2Security.adequateForH2(session("TLSv1.3", "TLS_AES_128_GCM_SHA256")));
        assertTrue(H2Security.adequateForH2(session("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")));
        assertEquals("cipher suite TLS_RSA_WITH_AES_128_CBC_SHA is prohibited for HTTP/2 (RFC 9113 Appendix A)",
                H2Security.inadequacy(session("TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA")).orElseThrow());
        assertEquals("HTTP/2 needs TLS 1.2 or later, negotiated TLSv1.1",
                H2Security.inadequacy(session("TLSv1.1", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")).orElseThrow());
    }

    @Test
    void suitesAreOrderedTls13ThenAllowedThenProhibitedKeepingTheirOrderWithin() {
        List<String> ordered = H2Security.preferH2Suites(List.of("TLS_RSA_WITH_AES_128_CBC_SHA",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", "TLS_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_AES_128_GCM_SHA256"));
        assertEquals(List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"), ordered);
    }

    @Test
    void theServerOffersItsSuitesInThatOrder() {
        List<String> suites = List.of(TlsFixtures.server(TlsFixtures.LOCALHOST).newEngine().getEnabledCipherSuites());
        int lastAllowed = -1;
        int firstProhibited = Integer.MAX_VALUE;
        for (int i = 0; i < suites.size(); i++) {
            if (H2Security.isProhibited(suites.get(i))) {
                firstProhibited = Math.min(firstProhibited, i);
            } else {
                lastAllowed = i;
            }
        }
        assertTrue(lastAllowed < firstProhibited, suites.toString());
        assertTrue(TlsFixtures.server(TlsFixtures.LOCALHOST).newEngine().getSSLParameters().getUseCipherSuitesOrder());
    }

    private static SSLSession session(String protocol, String suite) {
        return (SSLSession) Proxy.newProxyInstance(SSLSession.class.getClassLoader(),
                new Class<?>[] {SSLSession.class}, (proxy, method, arguments) -> switch (method.getName()) {
                    case "getProtocol" -> protocol;
                    case "getCipherSuite" -> suite;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
