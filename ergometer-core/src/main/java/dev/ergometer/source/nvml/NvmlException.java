package dev.ergometer.source.nvml;

import java.util.Objects;

/**
 * Thrown when an NVML call fails: carries NVML's return code ({@code nvmlReturn_t}), NVML's name for it, the call
 * and what the user can do about it.
 */
public final class NvmlException extends Exception {

    public static final int SUCCESS = 0;
    public static final int ERROR_UNINITIALIZED = 1;
    public static final int ERROR_INVALID_ARGUMENT = 2;
    public static final int ERROR_NOT_SUPPORTED = 3;
    public static final int ERROR_NO_PERMISSION = 4;
    public static final int ERROR_ALREADY_INITIALIZED = 5;
    public static final int ERROR_NOT_FOUND = 6;
    public static final int ERROR_INSUFFICIENT_SIZE = 7;
    public static final int ERROR_INSUFFICIENT_POWER = 8;
    public static final int ERROR_DRIVER_NOT_LOADED = 9;
    public static final int ERROR_TIMEOUT = 10;
    public static final int ERROR_IRQ_ISSUE = 11;
    public static final int ERROR_LIBRARY_NOT_FOUND = 12;
    public static final int ERROR_FUNCTION_NOT_FOUND = 13;
    public static final int ERROR_CORRUPTED_INFOROM = 14;
    public static final int ERROR_GPU_IS_LOST = 15;
    public static final int ERROR_RESET_REQUIRED = 16;
    public static final int ERROR_OPERATING_SYSTEM = 17;
    public static final int ERROR_LIB_RM_VERSION_MISMATCH = 18;
    public static final int ERROR_IN_USE = 19;
    public static final int ERROR_MEMORY = 20;
    public static final int ERROR_NO_DATA = 21;
    public static final int ERROR_UNKNOWN = 999;

    private final int code;
    private final String call;
    private final String reason;
    private final String fix;

    NvmlException(int code, String call, String description) {
        this(code, call, call + " failed with " + codeName(code) + " (" + description + ")", fixFor(code));
    }

    NvmlException(int code, String call, String reason, String fix) {
        super(reason + (fix.isEmpty() ? "" : ". Fix: " + fix));
        this.code = code;
        this.call = Objects.requireNonNull(call, "call");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.fix = Objects.requireNonNull(fix, "fix");
    }

    /** NVML's return code ({@code nvmlReturn_t}). */
    public int code() {
        return code;
    }

    /** NVML's name for the code: {@code NVML_ERROR_GPU_IS_LOST}. */
    public String codeName() {
        return codeName(code);
    }

    /** The function that failed, with its arguments as far as they help. */
    public String call() {
        return call;
    }

    /** What failed and why. */
    public String reason() {
        return reason;
    }

    /** What the user can do about it; empty when nothing can be done. */
    public String fix() {
        return fix;
    }

    /** NVML's name for a return code, as in nvml.h: {@code NVML_ERROR_NOT_SUPPORTED}. */
    public static String codeName(int code) {
        String name = switch (code) {
            case SUCCESS -> "SUCCESS";
            case ERROR_UNINITIALIZED -> "ERROR_UNINITIALIZED";
            case ERROR_INVALID_ARGUMENT -> "ERROR_INVALID_ARGUMENT";
            case ERROR_NOT_SUPPORTED -> "ERROR_NOT_SUPPORTED";
            case ERROR_NO_PERMISSION -> "ERROR_NO_PERMISSION";
            case ERROR_ALREADY_INITIALIZED -> "ERROR_ALREADY_INITIALIZED";
            case ERROR_NOT_FOUND -> "ERROR_NOT_FOUND";
            case ERROR_INSUFFICIENT_SIZE -> "ERROR_INSUFFICIENT_SIZE";
            case ERROR_INSUFFICIENT_POWER -> "ERROR_INSUFFICIENT_POWER";
            case ERROR_DRIVER_NOT_LOADED -> "ERROR_DRIVER_NOT_LOADED";
            case ERROR_TIMEOUT -> "ERROR_TIMEOUT";
            case ERROR_IRQ_ISSUE -> "ERROR_IRQ_ISSUE";
            case ERROR_LIBRARY_NOT_FOUND -> "ERROR_LIBRARY_NOT_FOUND";
            case ERROR_FUNCTION_NOT_FOUND -> "ERROR_FUNCTION_NOT_FOUND";
            case ERROR_CORRUPTED_INFOROM -> "ERROR_CORRUPTED_INFOROM";
            case ERROR_GPU_IS_LOST -> "ERROR_GPU_IS_LOST";
            case ERROR_RESET_REQUIRED -> "ERROR_RESET_REQUIRED";
            case ERROR_OPERATING_SYSTEM -> "ERROR_OPERATING_SYSTEM";
            case ERROR_LIB_RM_VERSION_MISMATCH -> "ERROR_LIB_RM_VERSION_MISMATCH";
            case ERROR_IN_USE -> "ERROR_IN_USE";
            case ERROR_MEMORY -> "ERROR_MEMORY";
            case ERROR_NO_DATA -> "ERROR_NO_DATA";
            case ERROR_UNKNOWN -> "ERROR_UNKNOWN";
            default -> null;
        };
        return name == null ? "NVML return code " + code : "NVML_" + name + " (" + code + ")";
    }

    /** What a user can do about an NVML error code. */
    static String fixFor(int code) {
        return switch (code) {
            case ERROR_DRIVER_NOT_LOADED -> "load the NVIDIA kernel driver (modprobe nvidia; check nvidia-smi), or"
                    + " install it";
            case ERROR_NO_PERMISSION -> "run as root, or give this user access to the GPU device files"
                    + " (/dev/nvidia*, usually the video group)";
            case ERROR_LIBRARY_NOT_FOUND, ERROR_FUNCTION_NOT_FOUND, ERROR_LIB_RM_VERSION_MISMATCH ->
                    "install the NVIDIA driver whose libnvidia-ml.so.1 matches the loaded kernel module, or point"
                            + " --nvml (ERGOMETER_NVML) at it";
            case ERROR_GPU_IS_LOST, ERROR_RESET_REQUIRED -> "the GPU fell off the bus or needs a reset: check dmesg"
                    + " for Xid errors, reset it (nvidia-smi -r) or reboot";
            case ERROR_NOT_SUPPORTED -> "this GPU does not offer it (energy counters need Volta or newer; power"
                    + " readings need a board with a power sensor)";
            case ERROR_INSUFFICIENT_POWER -> "connect the GPU's external power cables";
            case ERROR_IN_USE -> "stop the other NVML client that holds the GPU exclusively";
            default -> "";
        };
    }
}
