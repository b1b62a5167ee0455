package io.h2relay.engine;

/**
 * Switches for {@link HeaderRules}, set from the engine's configuration (python h2's validate/normalize flags).
 *
 * @param validateInbound reject malformed inbound blocks (RFC 9113 §8.1.1); off: nothing is rejected
 * @param normalizeInbound join cookie fields with "; " into one never-indexed field (RFC 9113 §8.2.3) and collapse
 *     equal duplicate content-length values into one (RFC 9110 §8.6)
 * @param validateOutbound refuse to send a block that breaks the rules (InvalidHeadersError)
 * @param normalizeOutbound lowercase names, trim SP/HTAB around names and values, drop connection-specific fields
 *     and the fields the connection field names (RFC 9113 §8.2.2), reduce te to "trailers", drop content-length from
 *     1xx/204 responses, collapse equal content-length duplicates
 * @param splitOutboundCookies send one cookie field per crumb (RFC 9113 §8.2.3) for better HPACK compression
 */
public record HeaderRulesOptions(boolean validateInbound, boolean normalizeInbound, boolean validateOutbound,
        boolean normalizeOutbound, boolean splitOutboundCookies) {

    /** Everything on except cookie splitting (h2's defaults). */
    public static final HeaderRulesOptions DEFAULT = new HeaderRulesOptions(true, true, true, true, false);
}
