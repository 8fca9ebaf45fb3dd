package dev.ergometer.service;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.sampler.EnergyInterval;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which of a source's domains JouleTrace's "package" and "RAM" figures add up: the CPU packages (or, on a source
 * without them, the platform or the whole machine) and the DRAM domains. Cores and uncore are inside the package and
 * GPUs are not the CPU's: neither is added.
 *
 * @param packageSlots the slots summed as package energy
 * @param ramSlots the slots summed as RAM energy
 */
record EnergySlots(int[] packageSlots, int[] ramSlots) {

    static EnergySlots of(List<Domain> domains) {
        int[] packages = slots(domains, d -> d.resource() instanceof Resource.Package);
        if (packages.length == 0) {
            packages = slots(domains, d -> d.resource() instanceof Resource.Psys);
        }
        if (packages.length == 0) {
            packages = slots(domains, d -> d.resource() instanceof Resource.Machine);
        }
        if (packages.length == 0) {
            packages = slots(domains, d -> !(d.resource() instanceof Resource.Gpu)
                    && !(d.resource() instanceof Resource.Dram));
        }
        return new EnergySlots(packages, slots(domains, d -> d.resource() instanceof Resource.Dram));
    }

    private static int[] slots(List<Domain> domains, java.util.function.Predicate<Domain> wanted) {
        return IntStream.range(0, domains.size()).filter(i -> wanted.test(domains.get(i))).toArray();
    }

    /** The package slots, then the RAM slots. */
    int[] allSlots() {
        return IntStream.concat(IntStream.of(packageSlots), IntStream.of(ramSlots)).toArray();
    }

    /** One trial of one pass: its energy from its interval, less the idle power of each domain over its duration. */
    TrialEnergy trial(int number, EnergyInterval interval, IdlePower idle) {
        return trial(number, interval, idle, 1);
    }

    /**
     * One trial's energy per pass over the test cases: its interval's energy less the idle power of each domain over
     * its duration, and its duration, each divided by the passes it ran.
     */
    TrialEnergy trial(int number, EnergyInterval interval, IdlePower idle, int passes) {
        if (passes < 1) {
            throw new IllegalArgumentException("a trial runs at least one pass, got " + passes);
        }
        double seconds = interval.durationSeconds();
        double raw = 0;
        double packageNet = 0;
        for (int slot : packageSlots) {
            raw += interval.joules(slot);
            packageNet += interval.joules(slot) - idle.watts(slot) * seconds;
        }
        double ramNet = 0;
        for (int slot : ramSlots) {
            raw += interval.joules(slot);
            ramNet += interval.joules(slot) - idle.watts(slot) * seconds;
        }
        return new TrialEnergy(number, passes, seconds / passes, packageNet / passes, ramNet / passes, raw / passes);
    }

    /** The power of the package and RAM domains together over an interval, in watts. */
    double powerWatts(EnergyInterval interval) {
        double watts = 0;
        for (int slot : packageSlots) {
            watts += interval.powerWatts(slot);
        }
        for (int slot : ramSlots) {
            watts += interval.powerWatts(slot);
        }
        return watts;
    }

    /** The idle power of the package and RAM domains together, in watts. */
    double idleWatts(IdlePower idle) {
        double watts = 0;
        for (int slot : packageSlots) {
            watts += idle.watts(slot);
        }
        for (int slot : ramSlots) {
            watts += idle.watts(slot);
        }
        return watts;
    }
}
