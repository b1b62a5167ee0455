package io.h2relay.frame;

import java.util.Arrays;

/**
 * The parameters of one SETTINGS frame, in arrival order, unknown identifiers included (RFC 9113 §6.5.2: an
 * endpoint "MUST ignore" unknown settings, and the engine still reports them). Values are unsigned 32-bit and held
 * as {@code long} so that out-of-range values (e.g. an INITIAL_WINDOW_SIZE above 2^31-1) can be seen and rejected.
 * A later value for the same identifier replaces the earlier one in place (§6.5.3: processed in order).
 */
public final class Settings {

    /** Receives one setting. */
    @FunctionalInterface
    public interface SettingConsumer {
        void accept(int id, long value);
    }

    private int[] ids = new int[8];
    private long[] values = new long[8];
    private int size;

    public Settings() {}

    /**
     * The value rules of RFC 9113 §6.5.2, RFC 8441 §3 and RFC 9218 §2.1, whatever the sender's role; unknown ids
     * take any value. The role rules (a server may not send ENABLE_PUSH=1, NO_RFC7540_PRIORITIES may not change)
     * are the engine's.
     */
    public static void validate(int id, long value) throws FrameException {
        switch (id) {
            case SettingId.ENABLE_PUSH, SettingId.ENABLE_CONNECT_PROTOCOL, SettingId.NO_RFC7540_PRIORITIES -> {
                if (value != 0 && value != 1) {
                    throw new FrameException(ErrorCode.PROTOCOL_ERROR,
                            "SETTINGS_" + SettingId.nameOf(id) + " = " + value
                                    + ", must be 0 or 1 (RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1)");
                }
            }
            case SettingId.INITIAL_WINDOW_SIZE -> {
                if (value > Integer.MAX_VALUE) {
                    throw new FrameException(ErrorCode.FLOW_CONTROL_ERROR,
                            "SETTINGS_INITIAL_WINDOW_SIZE = " + value + " exceeds 2^31-1 (RFC 9113 §6.5.2)");
                }
            }
            case SettingId.MAX_FRAME_SIZE -> {
                if (value < FrameReader.DEFAULT_MAX_FRAME_SIZE || value > FrameReader.MAX_ALLOWED_FRAME_SIZE) {
                    throw new FrameException(ErrorCode.PROTOCOL_ERROR,
                            "SETTINGS_MAX_FRAME_SIZE = " + value + ", must be 2^14..2^24-1 (RFC 9113 §6.5.2)");
                }
            }
            default -> {
                // HEADER_TABLE_SIZE, MAX_CONCURRENT_STREAMS, MAX_HEADER_LIST_SIZE: any 32-bit value.
            }
        }
    }

    public Settings put(int id, long value) {
        if (id < 0 || id > 0xffff) {
            throw new IllegalArgumentException("setting id out of range: " + id);
        }
        if (value < 0 || value > 0xffffffffL) {
            throw new IllegalArgumentException("setting value out of range: " + value);
        }
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                values[i] = value;
                return this;
            }
        }
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        ids[size] = id;
        values[size] = value;
        size++;
        return this;
    }

    /** The value for id, or null when absent. */
    public Long get(int id) {
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                return values[i];
            }
        }
        return null;
    }

    public boolean contains(int id) {
        return get(id) != null;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int idAt(int index) {
        return ids[index];
    }

    public long valueAt(int index) {
        return values[index];
    }

    public void forEach(SettingConsumer consumer) {
        for (int i = 0; i < size; i++) {
            consumer.accept(ids[i], values[i]);
        }
    }

    public Settings copy() {
        Settings copy = new Settings();
        copy.ids = Arrays.copyOf(ids, Math.max(size, 1));
        copy.values = Arrays.copyOf(values, Math.max(size, 1));
        copy.size = size;
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Settings other) || other.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (ids[i] != other.ids[i] || values[i] != other.values[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < size; i++) {
            h = 31 * h + ids[i];
            h = 31 * h + Long.hashCode(values[i]);
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Settings{");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(SettingId.nameOf(ids[i])).append('=').append(values[i]);
        }
        return sb.append('}').toString();
    }
}
