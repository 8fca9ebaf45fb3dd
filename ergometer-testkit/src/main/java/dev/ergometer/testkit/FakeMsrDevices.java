package dev.ergometer.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * A fake x86 machine for the MSR driver, laid out in a directory as the kernel lays it out: {@code dev/cpu/N/msr}
 * model-specific-register files, the sysfs CPU topology and {@code proc/cpuinfo}.
 *
 * <p>Each {@code dev/cpu/N/msr} is a sparse regular file: {@code pread(fd, buf, 8, address)} returns the 8
 * little-endian bytes last written at that offset (0 until then), as the msr driver returns the register whose address
 * is the offset.
 * A machine built with {@link Builder#registersUnimplemented()} has empty msr files, so every read comes back short, as
 * the kernel answers EIO for registers the CPU does not implement.
 *
 * <p><b>Adjacent registers.</b> A regular file holds register R in bytes R..R+7, so registers fewer than 8 apart share
 * bytes. Intel's RAPL registers (0x606, 0x611, 0x619, 0x639, 0x641, 0x64D) are at least 8 apart and sit at their true
 * offsets ({@link #offsetScale()} 1, exactly the driver's layout). AMD's (0xC0010299, 0xC001029A, 0xC001029B) are
 * adjacent, so an AMD or Hygon machine stores register R at offset {@code 8 * R} ({@link #offsetScale()} 8), and the
 * reader under test must read at {@code R * offsetScale()}. {@link Builder#offsetScale(int)} chooses otherwise.
 *
 * <pre>{@code
 * FakeMsrDevices machine = FakeMsrDevices.intel(tempDir).model(0x55).sockets(2).build();
 * machine.writePackageRegister(0, 0x606, 0xA0E03);     // units of socket 0
 * machine.writePackageRegister(0, 0x611, 123_456);     // its package energy counter
 * // then read it through SystemPaths(machine.sysfs(), machine.procfs(), machine.dev())
 * }</pre>
 *
 * <p>CPUs are numbered as Linux numbers them on most machines: the first hardware thread of every core of every socket
 * first, then the second threads ({@code cpu = thread * sockets * cores + socket * cores + core}).
 */
public final class FakeMsrDevices {

    public static final String INTEL = "GenuineIntel";
    public static final String AMD = "AuthenticAMD";
    public static final String HYGON = "HygonGenuine";

    /** Registers the msr files have room for: just past the highest RAPL register (AMD's 0xC001029B). */
    public static final long REGISTER_SPACE = 0xC0010300L;

    private final Path root;
    private final int sockets;
    private final int coresPerSocket;
    private final int threadsPerCore;
    private final int[] packageIds;
    private final Set<Integer> online;
    private final int offsetScale;

    private FakeMsrDevices(Builder builder) {
        this.root = builder.root;
        this.sockets = builder.sockets;
        this.coresPerSocket = builder.coresPerSocket;
        this.threadsPerCore = builder.threadsPerCore;
        this.packageIds = builder.packageIds();
        this.offsetScale = builder.offsetScale;
        TreeSet<Integer> cpus = new TreeSet<>();
        IntStream.range(0, sockets * coresPerSocket * threadsPerCore).forEach(cpus::add);
        builder.offline.forEach(cpus::remove);
        this.online = Set.copyOf(cpus);
    }

    /** An Intel machine (GenuineIntel, family 6), by default a one-socket Tiger Lake client (model 0x8C). */
    public static Builder intel(Path root) {
        return new Builder(root, INTEL, 6, 0x8C);
    }

    /** An AMD machine (AuthenticAMD), by default a one-socket Zen 3 EPYC (family 0x19, model 0x01). */
    public static Builder amd(Path root) {
        return new Builder(root, AMD, 0x19, 0x01);
    }

    /** A machine of any vendor, family and model. */
    public static Builder of(Path root, String vendorId, int family, int model) {
        return new Builder(root, vendorId, family, model);
    }

    /** The directory holding {@code sys}, {@code proc} and {@code dev}. */
    public Path root() {
        return root;
    }

    /** The fake sysfs root (pass as SystemPaths' sysfs). */
    public Path sysfs() {
        return root.resolve("sys");
    }

    /** The fake procfs root (pass as SystemPaths' procfs). */
    public Path procfs() {
        return root.resolve("proc");
    }

    /** The fake /dev root (pass as SystemPaths' dev). */
    public Path dev() {
        return root.resolve("dev");
    }

    /** Register R is stored at byte offset {@code R * offsetScale()}: 1 (the driver's layout) or 8 (see above). */
    public int offsetScale() {
        return offsetScale;
    }

    /** The online CPUs, ascending. */
    public List<Integer> onlineCpus() {
        return online.stream().sorted().toList();
    }

    /** The CPU number of a hardware thread; {@code socket} is the socket's index (0..sockets-1), not its package id. */
    public int cpu(int socket, int core, int thread) {
        checkIndex(socket, sockets, "socket");
        checkIndex(core, coresPerSocket, "core");
        checkIndex(thread, threadsPerCore, "thread");
        return thread * sockets * coresPerSocket + socket * coresPerSocket + core;
    }

    /** The msr file of a CPU. */
    public Path msrFile(int cpu) {
        return dev().resolve("cpu").resolve(Integer.toString(cpu)).resolve("msr");
    }

    /** Sets a register of one CPU (a thread-scoped register, or to make one CPU disagree with its siblings). */
    public void writeRegister(int cpu, long address, long value) {
        requireOnline(cpu);
        ByteBuffer bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        try (RandomAccessFile file = new RandomAccessFile(msrFile(cpu).toFile(), "rw")) {
            file.seek(address * offsetScale);
            file.write(bytes.array());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write register 0x" + Long.toHexString(address) + " of cpu " + cpu, e);
        }
    }

    /** Sets a package-scoped register (RAPL units, PKG, DRAM, PP0, PP1, PSYS) on every online CPU of a socket. */
    public void writePackageRegister(int socket, long address, long value) {
        for (int core = 0; core < coresPerSocket; core++) {
            writeCoreRegister(socket, core, address, value);
        }
    }

    /** Sets a core-scoped register (AMD's core energy) on every online hardware thread of one core. */
    public void writeCoreRegister(int socket, int core, long address, long value) {
        for (int thread = 0; thread < threadsPerCore; thread++) {
            int cpu = cpu(socket, core, thread);
            if (online.contains(cpu)) {
                writeRegister(cpu, address, value);
            }
        }
    }

    /** Reads back a register of one CPU. */
    public long readRegister(int cpu, long address) {
        requireOnline(cpu);
        byte[] bytes = new byte[8];
        try (RandomAccessFile file = new RandomAccessFile(msrFile(cpu).toFile(), "r")) {
            file.seek(address * offsetScale);
            file.readFully(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read register 0x" + Long.toHexString(address) + " of cpu " + cpu, e);
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private void requireOnline(int cpu) {
        if (!online.contains(cpu)) {
            throw new IllegalArgumentException("cpu " + cpu + " is not online; online: " + onlineCpus());
        }
    }

    private static void checkIndex(int index, int count, String what) {
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException(what + " must be in 0.." + (count - 1) + ", got " + index);
        }
    }

    /** Lays out a fake machine; {@link #build()} writes it. */
    public static final class Builder {
        private final Path root;
        private final String vendorId;
        private int family;
        private int model;
        private int sockets = 1;
        private int coresPerSocket = 2;
        private int threadsPerCore = 2;
        private int[] packageIds;
        private final Set<Integer> offline = new TreeSet<>();
        private boolean hypervisor;
        private boolean msrDriver = true;
        private boolean registersImplemented = true;
        private int offsetScale;

        private Builder(Path root, String vendorId, int family, int model) {
            this.root = root;
            this.vendorId = vendorId;
            this.family = family;
            this.model = model;
            this.offsetScale = AMD.equals(vendorId) || HYGON.equals(vendorId) ? 8 : 1;
        }

        /** The CPU model (as {@code model} in /proc/cpuinfo; write it in hex like the kernel's tables, e.g. 0x55). */
        public Builder model(int newModel) {
            this.model = newModel;
            return this;
        }

        /** The CPU family ({@code cpu family} in /proc/cpuinfo). */
        public Builder family(int newFamily) {
            this.family = newFamily;
            return this;
        }

        public Builder sockets(int count) {
            this.sockets = positive(count, "sockets");
            return this;
        }

        public Builder coresPerSocket(int count) {
            this.coresPerSocket = positive(count, "cores per socket");
            return this;
        }

        public Builder threadsPerCore(int count) {
            this.threadsPerCore = positive(count, "threads per core");
            return this;
        }

        /** The physical_package_id of each socket, in socket order (default 0, 1, ...); may be sparse. */
        public Builder packageIds(int... ids) {
            this.packageIds = ids.clone();
            return this;
        }

        /** Takes CPUs offline: they leave devices/system/cpu/online and have no topology and no msr file. */
        public Builder offline(int... cpus) {
            Arrays.stream(cpus).forEach(offline::add);
            return this;
        }

        /** Adds the {@code hypervisor} flag to /proc/cpuinfo, as in a virtual machine. */
        public Builder hypervisor() {
            this.hypervisor = true;
            return this;
        }

        /** Leaves out dev/cpu altogether, as when the msr module is not loaded. */
        public Builder withoutMsrDriver() {
            this.msrDriver = false;
            return this;
        }

        /** Makes every msr file empty: every register read fails, as on a CPU (or VM) without those registers. */
        public Builder registersUnimplemented() {
            this.registersImplemented = false;
            return this;
        }

        /** Stores register R at byte offset {@code R * scale} (default 1 for Intel, 8 for AMD and Hygon). */
        public Builder offsetScale(int scale) {
            this.offsetScale = positive(scale, "offset scale");
            return this;
        }

        /** Writes the tree under the root and returns the machine. */
        public FakeMsrDevices build() {
            int[] ids = packageIds();
            if (ids.length != sockets) {
                throw new IllegalStateException(ids.length + " package ids for " + sockets + " sockets");
            }
            FakeMsrDevices machine = new FakeMsrDevices(this);
            try {
                writeTopology(machine);
                writeCpuinfo(machine);
                if (msrDriver) {
                    writeMsrFiles(machine);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the fake machine under " + root, e);
            }
            return machine;
        }

        private int[] packageIds() {
            return packageIds != null ? packageIds.clone() : IntStream.range(0, sockets).toArray();
        }

        private void writeTopology(FakeMsrDevices machine) throws IOException {
            Path cpuDir = machine.sysfs().resolve("devices/system/cpu");
            Files.createDirectories(cpuDir);
            Files.writeString(cpuDir.resolve("online"), cpuList(machine.onlineCpus()) + "\n");
            for (Hw hw : threads(machine)) {
                Path topology = cpuDir.resolve("cpu" + hw.cpu).resolve("topology");
                Files.createDirectories(topology);
                Files.writeString(topology.resolve("physical_package_id"), machine.packageIds[hw.socket] + "\n");
                Files.writeString(topology.resolve("core_id"), hw.core + "\n");
                Files.writeString(topology.resolve("die_id"), "0\n");
            }
        }

        private void writeCpuinfo(FakeMsrDevices machine) throws IOException {
            String flags = "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr"
                    + " sse sse2 ht syscall nx lm constant_tsc rep_good nopl xtopology cpuid pni ssse3 sse4_1 sse4_2"
                    + (hypervisor ? " hypervisor" : "");
            StringBuilder text = new StringBuilder();
            for (Hw hw : threads(machine).stream().sorted(Comparator.comparingInt(Hw::cpu)).toList()) {
                text.append("processor\t: ").append(hw.cpu).append('\n')
                        .append("vendor_id\t: ").append(vendorId).append('\n')
                        .append("cpu family\t: ").append(family).append('\n')
                        .append("model\t\t: ").append(model).append('\n')
                        .append("model name\t: Fake ").append(vendorId).append(" family ").append(family)
                        .append(" model ").append(model).append('\n')
                        .append("stepping\t: 1\n")
                        .append("physical id\t: ").append(machine.packageIds[hw.socket]).append('\n')
                        .append("siblings\t: ").append(coresPerSocket * threadsPerCore).append('\n')
                        .append("core id\t\t: ").append(hw.core).append('\n')
                        .append("cpu cores\t: ").append(coresPerSocket).append('\n')
                        .append("flags\t\t: ").append(flags).append('\n')
                        .append('\n');
            }
            Files.createDirectories(machine.procfs());
            Files.writeString(machine.procfs().resolve("cpuinfo"), text.toString());
        }

        private void writeMsrFiles(FakeMsrDevices machine) throws IOException {
            for (Hw hw : threads(machine)) {
                Path msr = machine.msrFile(hw.cpu);
                Files.createDirectories(msr.getParent());
                try (RandomAccessFile file = new RandomAccessFile(msr.toFile(), "rw")) {
                    file.setLength(registersImplemented ? (REGISTER_SPACE + 8) * offsetScale : 0);
                }
            }
        }

        private List<Hw> threads(FakeMsrDevices machine) {
            List<Hw> result = new ArrayList<>();
            for (int socket = 0; socket < sockets; socket++) {
                for (int core = 0; core < coresPerSocket; core++) {
                    for (int thread = 0; thread < threadsPerCore; thread++) {
                        int cpu = machine.cpu(socket, core, thread);
                        if (machine.online.contains(cpu)) {
                            result.add(new Hw(cpu, socket, core));
                        }
                    }
                }
            }
            return result;
        }

        private static int positive(int count, String what) {
            if (count <= 0) {
                throw new IllegalArgumentException(what + " must be > 0, got " + count);
            }
            return count;
        }
    }

    /** Writes a CPU list as the kernel does: ascending ranges, {@code 0-3,8-11}. */
    static String cpuList(List<Integer> cpus) {
        List<String> ranges = new ArrayList<>();
        int i = 0;
        while (i < cpus.size()) {
            int start = cpus.get(i);
            int end = start;
            while (i + 1 < cpus.size() && cpus.get(i + 1) == end + 1) {
                end = cpus.get(++i);
            }
            ranges.add(start == end ? Integer.toString(start) : start + "-" + end);
            i++;
        }
        return String.join(",", ranges);
    }

    private record Hw(int cpu, int socket, int core) {}
}
