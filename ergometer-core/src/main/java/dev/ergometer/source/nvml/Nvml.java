package dev.ergometer.source.nvml;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The NVIDIA Management Library (libnvidia-ml), called through the FFM API: initialisation, devices, their identity,
 * energy counter and power, and the processes running on them.
 *
 * <p>Usage:
 * <pre>{@code
 * try (Nvml nvml = Nvml.load(SystemPaths.real().nvmlLibrary())) {
 *     nvml.init();
 *     MemorySegment gpu = nvml.deviceHandle(0);
 *     long millijoules = nvml.totalEnergyMillijoules(gpu);
 *     nvml.shutdown();
 * }
 * }</pre>
 *
 * <p>The library is loaded once into an arena that lives as long as this binding; {@link #close()} releases it.
 * A bare name ({@code libnvidia-ml.so.1}) goes to the dynamic loader's search path, a path with a '/' is loaded as
 * that file. Functions that old drivers lack (the energy counter before driver 418, {@code _v3} process queries
 * before 510) fail with {@code NVML_ERROR_FUNCTION_NOT_FOUND} when called, not at load.
 *
 * <p>The hot-path reads {@link #tryTotalEnergyMillijoules} and {@link #tryPowerMilliwatts} return the value or a
 * negated NVML code and do not allocate; they share one output buffer, so a binding is not thread-safe.
 */
public final class Nvml implements AutoCloseable {

    /** {@code NVML_DEVICE_NAME_V2_BUFFER_SIZE} and {@code NVML_DEVICE_UUID_V2_BUFFER_SIZE}. */
    static final int TEXT_BUFFER_BYTES = 96;

    /** {@code nvmlPciInfo_t} (v3): the legacy bus id, five unsigned ints, then the 32-byte bus id. */
    static final StructLayout PCI_INFO = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("busIdLegacy"),
            ValueLayout.JAVA_INT.withName("domain"),
            ValueLayout.JAVA_INT.withName("bus"),
            ValueLayout.JAVA_INT.withName("device"),
            ValueLayout.JAVA_INT.withName("pciDeviceId"),
            ValueLayout.JAVA_INT.withName("pciSubSystemId"),
            MemoryLayout.sequenceLayout(32, ValueLayout.JAVA_BYTE).withName("busId"));

    /** {@code nvmlProcessInfo_t} (v2, used by the {@code _v3} query): pid, used memory, instance ids; 24 bytes. */
    static final StructLayout PROCESS_INFO = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("pid"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_LONG.withName("usedGpuMemory"),
            ValueLayout.JAVA_INT.withName("gpuInstanceId"),
            ValueLayout.JAVA_INT.withName("computeInstanceId"));

    /** {@code nvmlProcessUtilizationSample_t}: pid, timestamp (µs), SM, memory, encoder, decoder %; 32 bytes. */
    static final StructLayout PROCESS_SAMPLE = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("pid"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_LONG.withName("timeStamp"),
            ValueLayout.JAVA_INT.withName("smUtil"),
            ValueLayout.JAVA_INT.withName("memUtil"),
            ValueLayout.JAVA_INT.withName("encUtil"),
            ValueLayout.JAVA_INT.withName("decUtil"));

    /** {@code nvmlSample_t}: CPU timestamp in µs, then the 8-byte {@code nvmlValue_t} union; 16 bytes. */
    static final StructLayout SAMPLE = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("timeStamp"),
            ValueLayout.JAVA_LONG.withName("sampleValue"));

    /** {@code NVML_GPU_UTILIZATION_SAMPLES}: percent of the sample period during which a kernel was executing. */
    static final int GPU_UTILIZATION_SAMPLES = 1;

    private static final long BUS_ID_OFFSET = PCI_INFO.byteOffset(MemoryLayout.PathElement.groupElement("busId"));
    private static final Linker LINKER = Linker.nativeLinker();
    private static final ValueLayout.OfInt RET = ValueLayout.JAVA_INT;
    private static final AddressLayout PTR = ValueLayout.ADDRESS;
    private static final ValueLayout.OfInt UINT = ValueLayout.JAVA_INT;

    static {
        if (PCI_INFO.byteSize() != 68 || PROCESS_INFO.byteSize() != 24 || PROCESS_SAMPLE.byteSize() != 32
                || SAMPLE.byteSize() != 16) {
            throw new AssertionError("NVML struct layouts have the wrong size");
        }
    }

    private final Path library;
    private final Arena arena;
    private final SymbolLookup lookup;
    private final MethodHandle init;
    private final MethodHandle shutdown;
    private final MethodHandle errorString;
    private final MethodHandle deviceCount;
    private final MethodHandle handleByIndex;
    private final Optional<MethodHandle> name;
    private final Optional<MethodHandle> uuid;
    private final Optional<MethodHandle> pciInfo;
    private final Optional<MethodHandle> totalEnergy;
    private final Optional<MethodHandle> powerUsage;
    private final Optional<MethodHandle> computeProcesses;
    private final Optional<MethodHandle> processUtilization;
    private final Optional<MethodHandle> samples;
    private final MemorySegment longOut;
    private final MemorySegment intOut;

    private Nvml(Path library, Arena arena, SymbolLookup lookup) throws NvmlException {
        this.library = library;
        this.arena = arena;
        this.lookup = lookup;
        init = required("nvmlInit_v2", FunctionDescriptor.of(RET));
        shutdown = required("nvmlShutdown", FunctionDescriptor.of(RET));
        errorString = required("nvmlErrorString", FunctionDescriptor.of(PTR, RET));
        deviceCount = required("nvmlDeviceGetCount_v2", FunctionDescriptor.of(RET, PTR));
        handleByIndex = required("nvmlDeviceGetHandleByIndex_v2", FunctionDescriptor.of(RET, UINT, PTR));
        name = optional("nvmlDeviceGetName", FunctionDescriptor.of(RET, PTR, PTR, UINT));
        uuid = optional("nvmlDeviceGetUUID", FunctionDescriptor.of(RET, PTR, PTR, UINT));
        pciInfo = optional("nvmlDeviceGetPciInfo_v3", FunctionDescriptor.of(RET, PTR, PTR));
        totalEnergy = optional("nvmlDeviceGetTotalEnergyConsumption", FunctionDescriptor.of(RET, PTR, PTR));
        powerUsage = optional("nvmlDeviceGetPowerUsage", FunctionDescriptor.of(RET, PTR, PTR));
        computeProcesses = optional("nvmlDeviceGetComputeRunningProcesses_v3",
                FunctionDescriptor.of(RET, PTR, PTR, PTR));
        processUtilization = optional("nvmlDeviceGetProcessUtilization",
                FunctionDescriptor.of(RET, PTR, PTR, PTR, ValueLayout.JAVA_LONG));
        samples = optional("nvmlDeviceGetSamples",
                FunctionDescriptor.of(RET, PTR, UINT, ValueLayout.JAVA_LONG, PTR, PTR, PTR));
        longOut = arena.allocate(ValueLayout.JAVA_LONG);
        intOut = arena.allocate(ValueLayout.JAVA_INT);
    }

    /**
     * Loads the library: a bare name through the dynamic loader, a path as that file.
     *
     * @throws NvmlException NVML_ERROR_LIBRARY_NOT_FOUND when it cannot be loaded, NVML_ERROR_FUNCTION_NOT_FOUND
     *     when it lacks {@code nvmlInit_v2} or another function every NVML since driver 418 has
     */
    public static Nvml load(Path library) throws NvmlException {
        Objects.requireNonNull(library, "library");
        String text = library.toString();
        Arena arena = Arena.ofShared();
        SymbolLookup lookup;
        try {
            lookup = text.contains("/")
                    ? SymbolLookup.libraryLookup(library, arena)
                    : SymbolLookup.libraryLookup(text, arena);
        } catch (IllegalArgumentException e) {
            arena.close();
            String where = text.contains("/") ? "the file " + text : text + " on the dynamic loader's search path";
            throw new NvmlException(NvmlException.ERROR_LIBRARY_NOT_FOUND, "dlopen(" + text + ")",
                    "cannot load the NVIDIA Management Library: " + where + " cannot be loaded (" + e.getMessage()
                            + "); there is no NVIDIA driver here, or it is not where Ergometer looks",
                    "install the NVIDIA driver (it ships libnvidia-ml.so.1), or point --nvml or ERGOMETER_NVML at"
                            + " libnvidia-ml.so.1");
        }
        try {
            return new Nvml(library, arena, lookup);
        } catch (NvmlException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The library loaded, as it was given. */
    public Path library() {
        return library;
    }

    /** {@code nvmlInit_v2}: initialises NVML for this process. */
    public void init() throws NvmlException {
        check(callInt(init), "nvmlInit_v2()");
    }

    /** {@code nvmlShutdown}: releases what {@link #init()} set up. */
    public void shutdown() throws NvmlException {
        check(callInt(shutdown), "nvmlShutdown()");
    }

    /** {@code nvmlErrorString}: NVML's own text for a return code. */
    public String errorString(int code) {
        try {
            MemorySegment text = (MemorySegment) errorString.invokeExact(code);
            return text.equals(MemorySegment.NULL) ? "no description" : text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call nvmlErrorString through FFM: " + t, t);
        }
    }

    /** {@code nvmlDeviceGetCount_v2}: the number of GPUs this process may see. */
    public int deviceCount() throws NvmlException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment count = call.allocate(UINT);
            check(invoke(deviceCount, count), "nvmlDeviceGetCount_v2()");
            return count.get(UINT, 0);
        }
    }

    /** {@code nvmlDeviceGetHandleByIndex_v2}: the handle of the GPU with NVML index {@code index}. */
    public MemorySegment deviceHandle(int index) throws NvmlException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment handle = call.allocate(PTR);
            int code;
            try {
                code = (int) handleByIndex.invokeExact(index, handle);
            } catch (Throwable t) {
                throw new IllegalStateException("cannot call NVML through FFM: " + t, t);
            }
            check(code, "nvmlDeviceGetHandleByIndex_v2(" + index + ")");
            return handle.get(PTR, 0);
        }
    }

    /** {@code nvmlDeviceGetName}: the product name, such as {@code NVIDIA A100-SXM4-40GB}. */
    public String name(MemorySegment device) throws NvmlException {
        return text(name, "nvmlDeviceGetName", device);
    }

    /** {@code nvmlDeviceGetUUID}: the GPU's globally unique id, such as {@code GPU-5a3f...}. */
    public String uuid(MemorySegment device) throws NvmlException {
        return text(uuid, "nvmlDeviceGetUUID", device);
    }

    /** {@code nvmlDeviceGetPciInfo_v3}: the PCI bus id, {@code domain:bus:device.function}. */
    public String pciBusId(MemorySegment device) throws NvmlException {
        MethodHandle handle = present(pciInfo, "nvmlDeviceGetPciInfo_v3");
        try (Arena call = Arena.ofConfined()) {
            MemorySegment info = call.allocate(PCI_INFO);
            check(invoke(handle, device, info), "nvmlDeviceGetPciInfo_v3()");
            return cString(info.asSlice(BUS_ID_OFFSET, 32));
        }
    }

    /** {@code nvmlDeviceGetTotalEnergyConsumption}: energy since the driver was loaded, in mJ (Volta and newer). */
    public long totalEnergyMillijoules(MemorySegment device) throws NvmlException {
        long value = tryTotalEnergyMillijoules(device);
        check(value < 0 ? (int) -value : 0, "nvmlDeviceGetTotalEnergyConsumption()");
        return value;
    }

    /** {@code nvmlDeviceGetPowerUsage}: the board's power draw in mW. */
    public long powerMilliwatts(MemorySegment device) throws NvmlException {
        long value = tryPowerMilliwatts(device);
        check(value < 0 ? (int) -value : 0, "nvmlDeviceGetPowerUsage()");
        return value;
    }

    /**
     * The energy counter in mJ, or the negated NVML return code when the call fails; does not allocate.
     * (The 64-bit counter in mJ stays below 2^63 for 292 million years at 1 kW.)
     */
    public long tryTotalEnergyMillijoules(MemorySegment device) {
        if (totalEnergy.isEmpty()) {
            return -NvmlException.ERROR_FUNCTION_NOT_FOUND;
        }
        int code = invoke(totalEnergy.get(), device, longOut);
        if (code != NvmlException.SUCCESS) {
            return -code;
        }
        long value = longOut.get(ValueLayout.JAVA_LONG, 0);
        return value < 0 ? -NvmlException.ERROR_UNKNOWN : value;
    }

    /** The power draw in mW, or the negated NVML return code when the call fails; does not allocate. */
    public long tryPowerMilliwatts(MemorySegment device) {
        if (powerUsage.isEmpty()) {
            return -NvmlException.ERROR_FUNCTION_NOT_FOUND;
        }
        int code = invoke(powerUsage.get(), device, intOut);
        return code != NvmlException.SUCCESS ? -code : Integer.toUnsignedLong(intOut.get(UINT, 0));
    }

    /**
     * {@code nvmlDeviceGetComputeRunningProcesses_v3}: the compute processes (CUDA contexts) on the GPU.
     *
     * @param pid the process id
     * @param usedGpuMemoryBytes memory the process uses on the GPU ({@code -1} when NVML cannot tell, as in some
     *     virtualised setups)
     * @param gpuInstanceId the MIG GPU instance, {@code 0xFFFFFFFF} without MIG
     * @param computeInstanceId the MIG compute instance, {@code 0xFFFFFFFF} without MIG
     */
    public record ComputeProcess(int pid, long usedGpuMemoryBytes, int gpuInstanceId, int computeInstanceId) {}

    /**
     * One {@code nvmlProcessUtilizationSample_t}: a process's share of the GPU in one sampling period, in percent.
     */
    public record ProcessUtilization(int pid, long timestampMicros, int smPercent, int memoryPercent,
            int encoderPercent, int decoderPercent) {}

    /** The compute processes running on the GPU now. */
    public List<ComputeProcess> computeRunningProcesses(MemorySegment device) throws NvmlException {
        MethodHandle handle = present(computeProcesses, "nvmlDeviceGetComputeRunningProcesses_v3");
        try (Arena call = Arena.ofConfined()) {
            MemorySegment count = call.allocate(UINT);
            int capacity = 0;
            MemorySegment infos = MemorySegment.NULL;
            for (int attempt = 0; ; attempt++) {
                count.set(UINT, 0, capacity);
                int code = invoke(handle, device, count, infos);
                if (code == NvmlException.ERROR_INSUFFICIENT_SIZE && attempt < 4) {
                    capacity = count.get(UINT, 0) + 8; // processes may start between the two calls
                    infos = call.allocate(PROCESS_INFO, capacity);
                    continue;
                }
                check(code, "nvmlDeviceGetComputeRunningProcesses_v3()");
                int n = count.get(UINT, 0);
                List<ComputeProcess> processes = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    MemorySegment info = infos.asSlice(i * PROCESS_INFO.byteSize(), PROCESS_INFO);
                    processes.add(new ComputeProcess(info.get(ValueLayout.JAVA_INT, 0),
                            info.get(ValueLayout.JAVA_LONG, 8), info.get(ValueLayout.JAVA_INT, 16),
                            info.get(ValueLayout.JAVA_INT, 20)));
                }
                return List.copyOf(processes);
            }
        }
    }

    /**
     * {@code nvmlDeviceGetProcessUtilization}: the per-process utilisation samples newer than
     * {@code lastSeenTimestampMicros} (0 for all the driver keeps); empty when there are none.
     */
    public List<ProcessUtilization> processUtilization(MemorySegment device, long lastSeenTimestampMicros)
            throws NvmlException {
        MethodHandle handle = present(processUtilization, "nvmlDeviceGetProcessUtilization");
        try (Arena call = Arena.ofConfined()) {
            MemorySegment count = call.allocate(UINT);
            MemorySegment samples = MemorySegment.NULL;
            for (int attempt = 0; ; attempt++) {
                int code = invokeUtilization(handle, device, samples, count, lastSeenTimestampMicros);
                if (code == NvmlException.ERROR_NOT_FOUND) {
                    return List.of(); // no samples newer than the timestamp
                }
                if (code == NvmlException.ERROR_INSUFFICIENT_SIZE && attempt < 4) {
                    int capacity = count.get(UINT, 0) + 8;
                    samples = call.allocate(PROCESS_SAMPLE, capacity);
                    count.set(UINT, 0, capacity);
                    continue;
                }
                check(code, "nvmlDeviceGetProcessUtilization()");
                int n = count.get(UINT, 0);
                List<ProcessUtilization> result = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    MemorySegment s = samples.asSlice(i * PROCESS_SAMPLE.byteSize(), PROCESS_SAMPLE);
                    result.add(new ProcessUtilization(s.get(ValueLayout.JAVA_INT, 0), s.get(ValueLayout.JAVA_LONG, 8),
                            s.get(ValueLayout.JAVA_INT, 16), s.get(ValueLayout.JAVA_INT, 20),
                            s.get(ValueLayout.JAVA_INT, 24), s.get(ValueLayout.JAVA_INT, 28)));
                }
                return List.copyOf(result);
            }
        }
    }

    /**
     * One {@code nvmlSample_t} of the device's GPU utilisation: the percent of one sample period (1/6 s to 1 s
     * depending on the product) during which a kernel was executing.
     */
    public record UtilizationSample(long timestampMicros, long percent) {}

    /**
     * {@code nvmlDeviceGetSamples(NVML_GPU_UTILIZATION_SAMPLES)}: the device's GPU utilisation samples newer than
     * {@code lastSeenTimestampMicros} (0 for all the driver keeps); empty when there are none (the driver's buffer
     * runs dry while the GPU is idle).
     */
    public List<UtilizationSample> gpuUtilizationSamples(MemorySegment device, long lastSeenTimestampMicros)
            throws NvmlException {
        MethodHandle handle = present(samples, "nvmlDeviceGetSamples");
        try (Arena call = Arena.ofConfined()) {
            MemorySegment valueType = call.allocate(UINT);
            MemorySegment count = call.allocate(UINT);
            int code = invokeSamples(handle, device, lastSeenTimestampMicros, valueType, count, MemorySegment.NULL);
            if (code == NvmlException.ERROR_NOT_FOUND) {
                return List.of();
            }
            check(code, "nvmlDeviceGetSamples(NVML_GPU_UTILIZATION_SAMPLES)");
            int capacity = count.get(UINT, 0) + 8; // samples may arrive between the two calls
            MemorySegment buffer = call.allocate(SAMPLE, capacity);
            count.set(UINT, 0, capacity);
            code = invokeSamples(handle, device, lastSeenTimestampMicros, valueType, count, buffer);
            if (code == NvmlException.ERROR_NOT_FOUND) {
                return List.of();
            }
            check(code, "nvmlDeviceGetSamples(NVML_GPU_UTILIZATION_SAMPLES)");
            int n = Math.min(capacity, count.get(UINT, 0));
            int type = valueType.get(UINT, 0);
            List<UtilizationSample> result = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                MemorySegment s = buffer.asSlice(i * SAMPLE.byteSize(), SAMPLE);
                result.add(new UtilizationSample(s.get(ValueLayout.JAVA_LONG, 0), sampleValue(s, 8, type)));
            }
            return List.copyOf(result);
        }
    }

    /** An {@code nvmlValue_t} as a whole number, by its {@code nvmlValueType_t}. */
    private static long sampleValue(MemorySegment sample, long offset, int type) {
        return switch (type) {
            case 0 -> Math.round(sample.get(ValueLayout.JAVA_DOUBLE, offset)); // NVML_VALUE_TYPE_DOUBLE
            case 2, 3, 4 -> sample.get(ValueLayout.JAVA_LONG, offset); // unsigned long, unsigned/signed long long
            case 5 -> sample.get(ValueLayout.JAVA_INT, offset); // signed int
            case 6 -> Short.toUnsignedLong(sample.get(ValueLayout.JAVA_SHORT, offset)); // unsigned short
            default -> Integer.toUnsignedLong(sample.get(ValueLayout.JAVA_INT, offset)); // unsigned int, documented
        };
    }

    /** Unloads the library; call {@link #shutdown()} first when {@link #init()} succeeded. */
    @Override
    public void close() {
        arena.close();
    }

    /** Throws the NvmlException for {@code code} unless it is NVML_SUCCESS. */
    void check(int code, String call) throws NvmlException {
        if (code != NvmlException.SUCCESS) {
            throw new NvmlException(code, call, errorString(code));
        }
    }

    private String text(Optional<MethodHandle> function, String functionName, MemorySegment device)
            throws NvmlException {
        MethodHandle handle = present(function, functionName);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment buffer = call.allocate(TEXT_BUFFER_BYTES);
            int code;
            try {
                code = (int) handle.invokeExact(device, buffer, TEXT_BUFFER_BYTES);
            } catch (Throwable t) {
                throw new IllegalStateException("cannot call NVML through FFM: " + t, t);
            }
            check(code, functionName + "()");
            return cString(buffer);
        }
    }

    private static String cString(MemorySegment bytes) {
        int length = 0;
        while (length < bytes.byteSize() && bytes.get(ValueLayout.JAVA_BYTE, length) != 0) {
            length++;
        }
        return new String(bytes.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    private MethodHandle present(Optional<MethodHandle> function, String functionName) throws NvmlException {
        return function.orElseThrow(() -> functionNotFound(functionName));
    }

    private NvmlException functionNotFound(String functionName) {
        return new NvmlException(NvmlException.ERROR_FUNCTION_NOT_FOUND, functionName,
                library + " has no " + functionName + ": the NVIDIA driver is too old for it",
                "install a newer NVIDIA driver");
    }

    private MethodHandle required(String functionName, FunctionDescriptor descriptor) throws NvmlException {
        return optional(functionName, descriptor).orElseThrow(() -> functionNotFound(functionName));
    }

    private Optional<MethodHandle> optional(String functionName, FunctionDescriptor descriptor) {
        return lookup.find(functionName).map(address -> LINKER.downcallHandle(address, descriptor));
    }

    private static int callInt(MethodHandle handle) {
        try {
            return (int) handle.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call NVML through FFM: " + t, t);
        }
    }

    private static int invoke(MethodHandle handle, MemorySegment a) {
        try {
            return (int) handle.invokeExact(a);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call NVML through FFM: " + t, t);
        }
    }

    private static int invoke(MethodHandle handle, MemorySegment a, MemorySegment b) {
        try {
            return (int) handle.invokeExact(a, b);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call NVML through FFM: " + t, t);
        }
    }

    private static int invoke(MethodHandle handle, MemorySegment a, MemorySegment b, MemorySegment c) {
        try {
            return (int) handle.invokeExact(a, b, c);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call NVML through FFM: " + t, t);
        }
    }

    private static int invokeSamples(MethodHandle handle, MemorySegment device, long lastSeen,
            MemorySegment valueType, MemorySegment count, MemorySegment buffer) {
        try {
            return (int) handle.invokeExact(device, GPU_UTILIZATION_SAMPLES, lastSeen, valueType, count, buffer);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call NVML through FFM: " + t, t);
        }
    }

    private static int invokeUtilization(MethodHandle handle, MemorySegment device, MemorySegment samples,
            MemorySegment count, long lastSeen) {
        try {
            return (int) handle.invokeExact(device, samples, count, lastSeen);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call NVML through FFM: " + t, t);
        }
    }
}
