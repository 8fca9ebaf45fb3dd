package dev.ergometer.benchmarks;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A CPU-bound Java program for measuring the profiler's overhead (ergometer-benchmarks/run-profiler-overhead.sh): a
 * fixed amount of ordinary work (strings in a hash map, sorting, SHA-256, big-integer arithmetic), or with the third
 * argument {@code compute} arithmetic that allocates nothing, on THREADS threads, ROUNDS rounds each; prints {@code work_ms=N worker_cpu_ms=N second_half_ms=N checksum=N}: the wall time from the
 * first round to the last, the CPU time the worker threads used (each thread's own clock), which a busy machine
 * disturbs far less than wall time, and the wall time of the second half of the rounds (the slowest thread's): the
 * steady state, once start-up and JIT warm-up are over.
 *
 * <pre>{@code
 * java -cp ergometer-benchmarks/target/benchmarks.jar dev.ergometer.benchmarks.ProfilerOverheadWorkload 1 300
 * java -cp ergometer-benchmarks/target/benchmarks.jar dev.ergometer.benchmarks.ProfilerOverheadWorkload 1 2000 compute
 * }</pre>
 */
public final class ProfilerOverheadWorkload {

    private ProfilerOverheadWorkload() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        boolean compute = args.length > 2 && args[2].equals("compute");
        long[] checksums = new long[threads];
        long[] cpuNanos = new long[threads];
        long[] secondHalfNanos = new long[threads];
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers.add(Thread.ofPlatform().name("worker-" + t).start(() -> {
                SplittableRandom random = new SplittableRandom(42 + index);
                long sum = 0;
                long half = 0;
                for (int r = 0; r < rounds; r++) {
                    if (r == rounds / 2) {
                        half = System.nanoTime();
                    }
                    sum += compute ? compute(random) : round(random);
                }
                secondHalfNanos[index] = System.nanoTime() - half;
                checksums[index] = sum;
                cpuNanos[index] = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        long elapsed = System.nanoTime() - start;
        System.out.println("work_ms=" + elapsed / 1_000_000 + " worker_cpu_ms=" + Arrays.stream(cpuNanos).sum() / 1_000_000
                + " second_half_ms=" + Arrays.stream(secondHalfNanos).max().orElse(0) / 1_000_000
                + " checksum=" + Arrays.stream(checksums).sum());
    }

    /**
     * A round of arithmetic that allocates nothing (a 64-bit generator, 3 million steps): JFR's own cost on allocation
     * and garbage collection does not show here, only sampling's and the profiler's.
     */
    static long compute(SplittableRandom random) {
        long x = random.nextLong();
        for (int i = 0; i < 3_000_000; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            x ^= x >>> 29;
        }
        return x;
    }

    static long round(SplittableRandom random) {
        return strings(random) + sorting(random) + hashing(random) + arithmetic(random);
    }

    private static long strings(SplittableRandom random) {
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            map.merge("key-" + random.nextInt(5_000), i, Integer::sum);
        }
        long sum = 0;
        for (int i = 0; i < 20_000; i++) {
            Integer v = map.get("key-" + random.nextInt(6_000));
            sum += v == null ? 0 : v;
        }
        return sum;
    }

    private static long sorting(SplittableRandom random) {
        int[] values = random.ints(100_000).toArray();
        Arrays.sort(values);
        return values[values.length / 2];
    }

    private static long hashing(SplittableRandom random) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] block = new byte[64 * 1024];
            random.nextBytes(block);
            for (int i = 0; i < 8; i++) {
                sha.update(block);
            }
            return sha.digest()[0] + new String(block, 0, 16, StandardCharsets.ISO_8859_1).hashCode();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long arithmetic(SplittableRandom random) {
        BigInteger x = BigInteger.valueOf(random.nextLong(1, Long.MAX_VALUE));
        for (int i = 0; i < 200; i++) {
            x = x.multiply(x).mod(BigInteger.ONE.shiftLeft(1024).subtract(BigInteger.valueOf(189)));
        }
        return x.longValue();
    }
}
