package dev.ergometer.cli;

import java.util.concurrent.Callable;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Lets Ctrl-C reach the measured command alone, as {@code time} does: while it runs, SIGINT is ignored by erg (the
 * terminal sends it to the whole foreground process group, so the child still receives it), and erg reports the
 * run and exits with the child's status.
 */
final class InterruptSignal {

    private InterruptSignal() {
    }

    static <T> T passedToChild(Callable<T> work) throws Exception {
        Signal interrupt = new Signal("INT");
        SignalHandler previous;
        try {
            previous = Signal.handle(interrupt, signal -> { });
        } catch (IllegalArgumentException e) {
            return work.call();
        }
        try {
            return work.call();
        } finally {
            Signal.handle(interrupt, previous);
        }
    }
}
