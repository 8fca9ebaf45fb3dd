package dev.ergometer.profiler;

import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.nio.file.Path;

/**
 * A fake powercap tree with one package whose counter rises at a constant 20 W while open: every CPU-second of a run
 * is worth the same energy, so the expected split between methods is exact.
 */
final class TwentyWattPackage implements AutoCloseable {

    private final SyntheticCounter counter;

    private TwentyWattPackage(SyntheticCounter counter) {
        this.counter = counter;
    }

    /** Makes the tree in {@code sysfs} and starts its counter. */
    static TwentyWattPackage in(Path sysfs) {
        FakePowercapTree tree = FakePowercapTree.in(sysfs)
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        return new TwentyWattPackage(SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.constant(20),
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 100_000L));
    }

    @Override
    public void close() {
        counter.close();
    }
}
