package dev.ergometer.source.msr;

/**
 * The size of one step of a RAPL energy counter, held exactly as a binary fraction of a microjoule:
 * {@code multiplierMicrojoules / 2^shift} µJ.
 *
 * <p>RAPL units are powers of two of a joule (Intel and AMD: 1/2^ESU J, 61.035 µJ for the usual ESU of 14) or of a
 * microjoule (Silvermont and Airmont Atoms: 2^ESU µJ), so this form holds every one of them without rounding.
 * {@link #microjoules(long)} is {@code floor(raw * unit)} in exact integer arithmetic: converting the raw count itself,
 * never adding up rounded steps, no rounding error builds up however long the counter runs; and
 * {@link #wrapMicrojoules()} is exactly the µJ value of {@code 2^32} steps, so a 32-bit counter's µJ value wraps
 * exactly there and a wrap-safe delta is off the true energy by less than one unit.
 *
 * @param multiplierMicrojoules the numerator, in µJ (below 2^32)
 * @param shift the power of two that divides it (0 to 31)
 */
record RaplEnergyUnit(long multiplierMicrojoules, int shift) {

    /** The range of a RAPL energy status counter: its low 32 bits. */
    static final long COUNTER_STEPS = 1L << 32;
    static final long COUNTER_MASK = COUNTER_STEPS - 1;

    private static final long MICROJOULES_PER_JOULE = 1_000_000L;

    RaplEnergyUnit {
        if (multiplierMicrojoules <= 0 || multiplierMicrojoules >= COUNTER_STEPS) {
            throw new IllegalArgumentException("energy unit multiplier must be in 1..2^32-1 µJ, got "
                    + multiplierMicrojoules);
        }
        if (shift < 0 || shift > 31) {
            throw new IllegalArgumentException("energy unit shift must be in 0..31, got " + shift);
        }
        if (Long.numberOfLeadingZeros(multiplierMicrojoules) + shift < 32 + 1) {
            throw new IllegalArgumentException("energy unit of " + multiplierMicrojoules + "/2^" + shift
                    + " µJ is too large: 2^32 steps would not fit in 64 bits of µJ");
        }
    }

    /** The unit of Intel's and AMD's MSR_RAPL_POWER_UNIT: {@code 1/2^energyStatusUnit} joule. */
    static RaplEnergyUnit ofJoulePowerOfTwo(int energyStatusUnit) {
        return new RaplEnergyUnit(MICROJOULES_PER_JOULE, energyStatusUnit);
    }

    /** The unit of the Silvermont and Airmont Atoms: {@code 2^energyStatusUnit} microjoules. */
    static RaplEnergyUnit ofMicrojoulePowerOfTwo(int energyStatusUnit) {
        if (energyStatusUnit < 0 || energyStatusUnit > 30) {
            throw new IllegalArgumentException("Atom energy status unit must be in 0..30, got " + energyStatusUnit);
        }
        return new RaplEnergyUnit(1L << energyStatusUnit, 0);
    }

    /** A whole number of joules per step (the PSys counter of Sapphire Rapids and its successors counts joules). */
    static RaplEnergyUnit ofJoules(int joules) {
        return new RaplEnergyUnit(joules * MICROJOULES_PER_JOULE, 0);
    }

    /** The energy status unit field (bits 12:8) of a MSR_RAPL_POWER_UNIT value. */
    static int energyStatusUnitBits(long powerUnitRegister) {
        return (int) ((powerUnitRegister >>> 8) & 0x1F);
    }

    /**
     * {@code floor(steps * unit)} in µJ, exactly; {@code steps} must be >= 0 (and, for a 64-bit total, below the
     * billions of joules where the µJ value would leave a {@code long}).
     */
    long microjoules(long steps) {
        long wholes = steps >>> shift;
        long remainder = steps & ((1L << shift) - 1);
        return wholes * multiplierMicrojoules + ((remainder * multiplierMicrojoules) >>> shift);
    }

    /** The µJ value of {@code 2^32} steps, where a 32-bit counter's µJ value wraps to 0. */
    long wrapMicrojoules() {
        return microjoules(COUNTER_STEPS);
    }

    /** One step in µJ (for {@link dev.ergometer.source.DomainCounter#resolutionMicrojoules()}). */
    double resolutionMicrojoules() {
        return Math.scalb((double) multiplierMicrojoules, -shift);
    }

    @Override
    public String toString() {
        return resolutionMicrojoules() + " µJ";
    }
}
