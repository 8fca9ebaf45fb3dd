package dev.ergometer.benchmarks;

import dev.ergometer.testkit.FakePowercapTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The two-socket fake powercap tree that every read-path benchmark reads: eight zones (package, core, uncore and dram
 * of two sockets) whose {@code energy_uj} hold 8 to 12-digit counters, as a busy server's do.
 *
 * <p>As a program it makes the tree in a folder, so the C floor ({@code src/main/c/pread_floor.c}) and the JMH
 * benchmarks read the very same files:
 * <pre>
 * java -cp ergometer-benchmarks/target/benchmarks.jar dev.ergometer.benchmarks.MakeFakeTree /tmp/erg-tree
 * </pre>
 * prints the folder that plays /sys (pass it to {@code pread_floor} and to {@code -p sysfs=...}).
 */
public final class MakeFakeTree {

    /** The energies written, in µJ, one per zone of {@link #ZONES}: as many digits as real counters have. */
    static final long[] ENERGIES_MICROJOULES = {
        262_143_328_849L, 187_654_321_012L, 12_345_678_901L, 98_765_432_109L,
        55_512_345_678L, 41_234_567_890L, 7_654_321_098L, 33_333_333_333L,
    };

    /** The eight zones of {@link FakePowercapTree#twoSockets(Path)}, in the order the C floor reads them. */
    static final List<String> ZONES = List.of(
            "intel-rapl:0", "intel-rapl:0:0", "intel-rapl:0:1", "intel-rapl:0:2",
            "intel-rapl:1", "intel-rapl:1:0", "intel-rapl:1:1", "intel-rapl:1:2");

    private MakeFakeTree() {
    }

    /** Makes the tree under {@code sysfs} (the folder playing /sys) and sets every zone's energy. */
    static FakePowercapTree create(Path sysfs) {
        FakePowercapTree tree = FakePowercapTree.twoSockets(sysfs);
        if (!tree.zones().equals(ZONES)) {
            throw new IllegalStateException("FakePowercapTree.twoSockets made zones " + tree.zones()
                    + ", expected " + ZONES + ": update MakeFakeTree.ZONES and pread_floor.c together");
        }
        for (int i = 0; i < ZONES.size(); i++) {
            tree.setEnergy(ZONES.get(i), ENERGIES_MICROJOULES[i]);
        }
        return tree;
    }

    /** Deletes a folder made for a benchmark, and everything under it. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** Makes the tree in the folder named by the only argument and prints that folder. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: MakeFakeTree DIR   (makes DIR/class/powercap/intel-rapl:* with 8 zones)");
            System.exit(2);
        }
        Path sysfs = Path.of(args[0]).toAbsolutePath();
        create(sysfs);
        System.out.println(sysfs);
    }
}
