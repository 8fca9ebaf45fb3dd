package dev.ergometer.meter;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;

/** The NVIDIA GPUs, for choosing what a meter measures (pyJoules' {@code NvidiaGPUDomain}). */
public final class NvidiaDomains {

    private NvidiaDomains() {
    }

    /** The GPU with NVML index {@code index} ({@code nvidia_gpu_N}). */
    public static Domain gpu(int index) {
        return Domain.of(new Resource.Gpu("nvidia", index));
    }
}
