package dev.ergometer.attribution;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** The kernel's USER_HZ: the clock ticks per second in which /proc reports CPU times, from {@code sysconf}. */
public final class ClockTicks {

    private static final int SC_CLK_TCK = 2;

    private ClockTicks() {
    }

    /** {@code sysconf(_SC_CLK_TCK)}, or 100 (Linux's USER_HZ on every architecture) if it cannot be asked. */
    public static long perSecond() {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle sysconf = linker.downcallHandle(linker.defaultLookup().find("sysconf").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            long ticks = (long) sysconf.invokeExact(SC_CLK_TCK);
            return ticks > 0 && 1_000_000_000L % ticks == 0 ? ticks : 100;
        } catch (Throwable t) {
            return 100;
        }
    }
}
