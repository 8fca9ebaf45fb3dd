package dev.ergometer.source.msr;

import java.util.List;

/** Where one domain's energy is read among the model-specific registers, and how it becomes cumulative µJ. */
sealed interface RegisterCounter permits RegisterCounter.StatusRegister, RegisterCounter.SummedCoreRegisters {

    /**
     * Reads the register(s) and returns the cumulative energy in µJ, wrapping where the domain's counter says. Does
     * not allocate.
     *
     * @throws dev.ergometer.source.EnergyReadException when a register cannot be read
     */
    long readMicrojoules();

    /** Formats a register address as the kernel and the vendors' manuals write it: {@code 0x611}. */
    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }

    /**
     * One 32-bit energy status register (of a package, or of the whole platform): its µJ value is
     * {@code floor(raw * unit)} and wraps at {@link RaplEnergyUnit#wrapMicrojoules()}.
     */
    record StatusRegister(MsrFile file, long address, RaplEnergyUnit unit) implements RegisterCounter {

        @Override
        public long readMicrojoules() {
            return unit.microjoules(file.readRegister(address) & RaplEnergyUnit.COUNTER_MASK);
        }

        String origin() {
            return file.path() + " " + hex(address);
        }
    }

    /**
     * The per-core energy registers of every core of one package (AMD's core energy), summed into a 64-bit total of
     * steps that does not wrap.
     *
     * <p>Each read adds every core's 32-bit step count since the previous read (modulo 2^32, so one wrap of a core's
     * counter between two reads is counted right); the total starts at the sum of the counters when the source
     * opens. A core counter that wrapped twice between two reads would lose 2^32 steps: reads must come at least as
     * often as the source's maximum read interval (1 s), and a core's counter (2^32 steps of 15.3 µJ, 65 kJ) takes
     * minutes to wrap even at 1 kW. Not thread-safe, like the source.
     */
    static final class SummedCoreRegisters implements RegisterCounter {
        private final MsrFile[] files;
        private final long address;
        private final RaplEnergyUnit unit;
        private final long[] lastSteps;
        private long totalSteps;

        /** Starts counting from the registers' current values. */
        SummedCoreRegisters(List<MsrFile> files, long address, RaplEnergyUnit unit) {
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no core registers to sum");
            }
            this.files = files.toArray(MsrFile[]::new);
            this.address = address;
            this.unit = unit;
            this.lastSteps = new long[this.files.length];
            for (int i = 0; i < this.files.length; i++) {
                lastSteps[i] = this.files[i].readRegister(address) & RaplEnergyUnit.COUNTER_MASK;
                totalSteps += lastSteps[i];
            }
        }

        @Override
        public long readMicrojoules() {
            for (int i = 0; i < files.length; i++) {
                long steps = files[i].readRegister(address) & RaplEnergyUnit.COUNTER_MASK;
                totalSteps += (steps - lastSteps[i]) & RaplEnergyUnit.COUNTER_MASK;
                lastSteps[i] = steps;
            }
            return unit.microjoules(totalSteps);
        }

        int cores() {
            return files.length;
        }

        String origin() {
            String where = files.length == 1
                    ? files[0].path().toString()
                    : files[0].path() + " .. " + files[files.length - 1].path();
            return "sum of " + hex(address) + " over " + files.length + " cores: " + where;
        }
    }
}
