package io.h2relay.engine;

import io.h2relay.frame.SettingId;

/**
 * One setting that took effect.
 *
 * @param id the RFC 9113 §6.5.2 identifier (unknown identifiers are kept)
 * @param originalValue the value before, or null when it had none
 * @param newValue the value now in force
 */
public record ChangedSetting(int id, Long originalValue, long newValue) {

    @Override
    public String toString() {
        return SettingId.nameOf(id) + ": " + originalValue + " -> " + newValue;
    }
}
