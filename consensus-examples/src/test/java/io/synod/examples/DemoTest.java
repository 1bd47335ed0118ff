package io.synod.examples;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's main job, end to end: three processes, a leader kill, nothing acknowledged lost. */
class DemoTest {
    @Test
    void theDemoRunsToTheEndAndExitsZero() {
        assertEquals(0, Synod.run("demo", "--writes", "20"));
    }
}
