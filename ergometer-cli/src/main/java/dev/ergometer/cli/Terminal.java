package dev.ergometer.cli;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Whether a standard stream is a terminal, from {@code isatty(3)}. */
final class Terminal {

    private static final int STDERR = 2;

    private Terminal() {
    }

    /** True when standard error is a terminal (so a progress bar can redraw itself). */
    static boolean standardErrorIsTerminal() {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle isatty = linker.downcallHandle(linker.defaultLookup().find("isatty").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return (int) isatty.invokeExact(STDERR) == 1;
        } catch (Throwable t) {
            return false;
        }
    }
}
