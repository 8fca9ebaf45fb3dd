package dev.ergometer.source.msr;

import dev.ergometer.source.NativeFile;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code /dev/cpu/N/msr} files a source reads, each opened once, and what to tell the user when one cannot be
 * opened.
 */
final class MsrDeviceFiles implements AutoCloseable {

    static final String LOAD_DRIVER_FIX = "run `sudo modprobe msr` (and make it permanent with /etc/modules-load.d)";
    static final String PERMISSION_FIX = "run as root, or `sudo setcap cap_sys_rawio=ep` on the java binary and chmod "
            + "the msr files so that this user may read them (`sudo chmod o+r /dev/cpu/*/msr`, or a group and a udev "
            + "rule to keep it across reboots)";

    private final SystemPaths paths;
    private final CpuInfo cpuInfo;
    private final long offsetScale;
    private final Map<Integer, MsrFile> open = new TreeMap<>();

    /**
     * @param offsetScale 1 for the msr driver; see {@link MsrFile} for test machines that store registers spread out
     */
    MsrDeviceFiles(SystemPaths paths, CpuInfo cpuInfo, long offsetScale) {
        if (offsetScale < 1) {
            throw new IllegalArgumentException("register offset scale must be >= 1, got " + offsetScale);
        }
        this.paths = paths;
        this.cpuInfo = cpuInfo;
        this.offsetScale = offsetScale;
    }

    /** The msr file of a CPU, opened on first use. */
    MsrFile of(int cpu) throws SourceUnavailableException {
        MsrFile file = open.get(cpu);
        if (file != null) {
            return file;
        }
        Path path = paths.dev("cpu/" + cpu + "/msr");
        if (!Files.isDirectory(paths.dev("cpu"))) {
            throw driverNotLoaded(paths.dev("cpu") + " does not exist", cpuInfo);
        }
        try {
            file = new MsrFile(NativeFile.open(path), offsetScale);
        } catch (IOException e) {
            throw openFailure(path, e, cpuInfo);
        }
        open.put(cpu, file);
        return file;
    }

    /** The files opened so far, by CPU. */
    List<MsrFile> opened() {
        return new ArrayList<>(open.values());
    }

    @Override
    public void close() {
        open.values().forEach(MsrFile::close);
        open.clear();
    }

    /** What failing to open an msr file means for the user: driver missing, permission denied, or another error. */
    static SourceUnavailableException openFailure(Path path, IOException error, CpuInfo cpuInfo) {
        return switch (error) {
            case NoSuchFileException e -> driverNotLoaded(path + " does not exist", cpuInfo);
            case AccessDeniedException e -> new SourceUnavailableException(MsrSource.NAME,
                    path + ": permission denied: reading model-specific registers needs root or CAP_SYS_RAWIO "
                            + "(and a kernel in lockdown mode, as under Secure Boot, refuses it even to root)",
                    PERMISSION_FIX, e);
            default -> new SourceUnavailableException(MsrSource.NAME,
                    "cannot open " + path + ": " + error.getMessage(), "", error);
        };
    }

    private static SourceUnavailableException driverNotLoaded(String what, CpuInfo cpuInfo) {
        return new SourceUnavailableException(MsrSource.NAME,
                what + ": the msr driver is not loaded" + vmNote(cpuInfo), LOAD_DRIVER_FIX);
    }

    /** A note for messages on a virtual machine, empty on bare metal. */
    static String vmNote(CpuInfo cpuInfo) {
        return cpuInfo != null && cpuInfo.hypervisor()
                ? " (this is a virtual machine: cpuinfo flags include 'hypervisor', and hypervisors rarely pass RAPL"
                        + " MSRs through)"
                : "";
    }
}
