package dev.ergometer.model;

/**
 * What a domain measures: a piece of hardware whose energy a counter or a model reports.
 *
 * <p>{@link Resource} says <em>what</em> was measured; who used the energy is a consumer (attribution).
 */
public sealed interface Resource
        permits Resource.Machine, Resource.Package, Resource.Cores, Resource.Uncore, Resource.Dram,
                Resource.Psys, Resource.Gpu {

    /** The id this resource has in pyJoules' naming ({@code package_0}, {@code dram_1}, {@code nvidia_gpu_0}, ...). */
    String id();

    /** The whole machine, as a wall-plug or platform meter sees it (for example the ACPI power meter). */
    record Machine() implements Resource {
        @Override
        public String id() {
            return "machine";
        }
    }

    /** One CPU socket's package (RAPL PKG). */
    record Package(int socket) implements Resource {
        public Package {
            requireIndex(socket, "socket");
        }

        @Override
        public String id() {
            return "package_" + socket;
        }
    }

    /** The cores of one socket (RAPL PP0). */
    record Cores(int socket) implements Resource {
        public Cores {
            requireIndex(socket, "socket");
        }

        @Override
        public String id() {
            return "core_" + socket;
        }
    }

    /** The uncore of one socket, usually the integrated GPU (RAPL PP1). */
    record Uncore(int socket) implements Resource {
        public Uncore {
            requireIndex(socket, "socket");
        }

        @Override
        public String id() {
            return "uncore_" + socket;
        }
    }

    /** The memory attached to one socket (RAPL DRAM). */
    record Dram(int socket) implements Resource {
        public Dram {
            requireIndex(socket, "socket");
        }

        @Override
        public String id() {
            return "dram_" + socket;
        }
    }

    /** The platform (system on chip) domain of client parts (RAPL PSys); index 0 has the id {@code psys}. */
    record Psys(int index) implements Resource {
        public Psys {
            requireIndex(index, "psys index");
        }

        @Override
        public String id() {
            return index == 0 ? "psys" : "psys_" + index;
        }
    }

    /** One GPU of a vendor ({@code nvidia}, {@code amd}, {@code intel}). */
    record Gpu(String vendor, int index) implements Resource {
        public Gpu {
            if (vendor == null || !vendor.matches("[a-z]+")) {
                throw new IllegalArgumentException("GPU vendor must be lower-case letters, got " + vendor);
            }
            requireIndex(index, "GPU index");
        }

        @Override
        public String id() {
            return vendor + "_gpu_" + index;
        }
    }

    private static void requireIndex(int index, String what) {
        if (index < 0) {
            throw new IllegalArgumentException(what + " must be >= 0, got " + index);
        }
    }
}
