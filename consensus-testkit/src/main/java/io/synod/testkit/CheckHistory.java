package io.synod.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Checks history files from the command line:
 * {@code java -cp consensus-testkit/target/classes io.synod.testkit.CheckHistory FILE... [--budget-seconds N]}.
 * Exit code 0 if every file is linearizable, 1 if one is not, 3 if the search gave up, 2 for bad input.
 */
public final class CheckHistory {
    private CheckHistory() {
    }

    public static void main(String[] args) throws Exception {
        long budget = 300;
        int worst = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--budget-seconds") && i + 1 < args.length) {
                budget = Long.parseLong(args[++i]);
                continue;
            }
            List<Operation> history;
            try {
                history = History.read(Path.of(args[i]));
            } catch (IllegalArgumentException | java.io.IOException e) {
                System.err.println(args[i] + ": " + e.getMessage());
                System.exit(2);
                return;
            }
            LinearizabilityChecker.Result result = new LinearizabilityChecker(Duration.ofSeconds(budget)).check(history);
            System.out.println(args[i] + ": " + result);
            worst = Math.max(worst, switch (result.verdict()) {
                case LINEARIZABLE -> 0;
                case NOT_LINEARIZABLE -> 1;
                case UNKNOWN -> 3;
            });
        }
        if (args.length == 0) {
            System.err.println("usage: CheckHistory FILE... [--budget-seconds N]");
            System.exit(2);
        }
        System.exit(worst);
    }
}
