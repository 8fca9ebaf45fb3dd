package dev.ergometer.cli;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Whether a standard stream is a terminal, from {@code isatty(3)}. */
final class Terminal {

    private static final int STDOUT = 1;
    private static final int STDERR = 2;

    private Terminal() {
    }

    /** True when standard error is a terminal (so a progress bar can redraw itself). */
    static boolean standardErrorIsTerminal() {
        return isatty(STDERR);
    }

    /** True when standard output is a terminal (so {@code erg top} can draw a live view). */
    static boolean standardOutputIsTerminal() {
        return isatty(STDOUT);
    }

    private static boolean isatty(int fd) {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle isatty = linker.downcallHandle(linker.defaultLookup().find("isatty").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return (int) isatty.invokeExact(fd) == 1;
        } catch (Throwable t) {
            return false;
        }
    }
}
