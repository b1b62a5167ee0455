package io.h2relay.client;

/**
 * Decides when this client gives the server more HTTP/2 flow-control window (RFC 9113 §5.2, §6.9): the idea of
 * hyper's {@code BaseFlowControlManager}, with one instance per stream and one for the connection. The connection
 * actor calls it on its own thread only; an implementation needs no locking.
 *
 * <p>The client sends a WINDOW_UPDATE for whatever a method returns. An implementation must never return more than
 * it was told arrived in total minus what it already returned, or the window would pass its initial size.
 */
public interface WindowManager {

    /**
     * A DATA frame arrived and took {@code bytes} of the window (padding included).
     *
     * @return the WINDOW_UPDATE increment to send now, or 0
     */
    int received(int bytes);

    /**
     * The application consumed {@code bytes} of that data (read it, or let the client discard it).
     *
     * @return the WINDOW_UPDATE increment to send now, or 0
     */
    int consumed(int bytes);

    /** Makes a manager per stream (and one for the connection). */
    @FunctionalInterface
    interface Factory {
        /**
         * @param initialWindowSize the window the server starts with for this stream (our SETTINGS_INITIAL_WINDOW_SIZE)
         *     or for the connection
         * @param documentSize the response's content-length, or -1 when unknown (always -1 for the connection)
         */
        WindowManager create(int initialWindowSize, long documentSize);
    }

    /**
     * The default: credits the window only as the application consumes bytes, in batches of half the window. A
     * response nobody reads stops at its window, and the bytes held for it never exceed the window.
     */
    static Factory creditOnConsumption() {
        return (initialWindowSize, documentSize) -> new ConsumptionWindow(initialWindowSize);
    }

    /**
     * hyper's default {@code FlowControlManager}: refills the window to its initial size on receipt once what is left
     * would drop below a quarter of it or below 1000 bytes, whether or not anything was read. No backpressure: a
     * response nobody reads is buffered whole.
     */
    static Factory refillOnReceipt() {
        return (initialWindowSize, documentSize) -> new RefillingWindow(initialWindowSize);
    }

    /** See {@link #creditOnConsumption()}. */
    final class ConsumptionWindow implements WindowManager {
        private final int initial;
        private long window;
        private long unreported;

        ConsumptionWindow(int initial) {
            this.initial = initial;
            this.window = initial;
        }

        @Override
        public int received(int bytes) {
            window -= bytes;
            return 0;
        }

        @Override
        public int consumed(int bytes) {
            unreported += bytes;
            // Half the window at a time: few WINDOW_UPDATEs, and the sender never waits while we hold nothing.
            if (unreported >= Math.max(1, initial / 2) || window <= 0) {
                int increment = (int) unreported;
                unreported = 0;
                window += increment;
                return increment;
            }
            return 0;
        }

        long window() {
            return window;
        }
    }

    /** See {@link #refillOnReceipt()}. */
    final class RefillingWindow implements WindowManager {
        private final int initial;
        private long window;

        RefillingWindow(int initial) {
            this.initial = initial;
            this.window = initial;
        }

        /** hyper decides before taking the frame off the window: what would be left decides. */
        @Override
        public int received(int bytes) {
            long future = window - bytes;
            int increment = 0;
            if (future < initial / 4 || future < 1000) {
                increment = (int) (initial - future);
            }
            window += increment - bytes;
            return increment;
        }

        @Override
        public int consumed(int bytes) {
            return 0;
        }

        long window() {
            return window;
        }
    }
}
