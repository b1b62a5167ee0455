package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.h2relay.app.replay.Replayer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplayFlagsTest {

    @Test
    void ratesTakeAUnitPerSecondMinuteOrHour() {
        assertEquals(2000, ReplayCommand.rate("2000/s"));
        assertEquals(2000, ReplayCommand.rate("2000"));
        assertEquals(2, ReplayCommand.rate("120/m"));
        assertEquals(0.5, ReplayCommand.rate("1800/h"));
        assertThrows(IllegalArgumentException.class, () -> ReplayCommand.rate("0/s"));
        assertThrows(IllegalArgumentException.class, () -> ReplayCommand.rate("10/d"));
    }

    @Test
    void speedsAreFactors() {
        assertEquals(2, ReplayCommand.speed("2x"));
        assertEquals(0.5, ReplayCommand.speed("0.5"));
        assertThrows(IllegalArgumentException.class, () -> ReplayCommand.speed("-1x"));
    }

    @Test
    void durationsTakeMillisecondsSecondsMinutesAndHours() {
        assertEquals(Duration.ofMillis(500), ReplayCommand.duration("500ms", "--d"));
        assertEquals(Duration.ofSeconds(30), ReplayCommand.duration("30s", "--d"));
        assertEquals(Duration.ofSeconds(30), ReplayCommand.duration("30", "--d"));
        assertEquals(Duration.ofMinutes(5), ReplayCommand.duration("5m", "--d"));
        assertEquals(Duration.ofMinutes(90), ReplayCommand.duration("1.5h", "--d"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReplayCommand.duration("soon", "--ramp"));
        assertEquals("--ramp 'soon' is not a duration such as 500ms, 30s or 5m", e.getMessage());
    }

    @Test
    void progressLineShowsCountsRatePercentilesAndTimeLeft() {
        String line = ReplayCommand.progress(new Replayer.Progress(2000, 1990, 3, 1999.6, 420, 1830,
                Duration.ofSeconds(12), Duration.ofSeconds(18)));
        assertEquals("replay:    12s  sent 2000  done 1990  2000/s  errors 3  p50 0.42 ms  p99 1.83 ms  left 18s",
                line);
    }
}
