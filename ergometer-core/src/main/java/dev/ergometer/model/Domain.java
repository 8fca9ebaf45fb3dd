package dev.ergometer.model;

import java.util.Objects;

/**
 * A measurable energy domain: a resource and the pyJoules-compatible id it is known by.
 *
 * <p>Ids follow pyJoules: {@code package_0}, {@code core_0}, {@code uncore_0}, {@code dram_0}, {@code psys},
 * {@code nvidia_gpu_0}; Ergometer adds {@code machine} and {@code amd_gpu_N} / {@code intel_gpu_N}.
 */
public record Domain(String id, Resource resource) implements Comparable<Domain> {

    public Domain {
        Objects.requireNonNull(resource, "resource");
        if (id == null || !id.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("domain id must be lower-case letters, digits and '_', got " + id);
        }
    }

    /** The domain of a resource, under the resource's own id. */
    public static Domain of(Resource resource) {
        return new Domain(resource.id(), resource);
    }

    public static Domain packageOf(int socket) {
        return of(new Resource.Package(socket));
    }

    public static Domain coreOf(int socket) {
        return of(new Resource.Cores(socket));
    }

    public static Domain uncoreOf(int socket) {
        return of(new Resource.Uncore(socket));
    }

    public static Domain dramOf(int socket) {
        return of(new Resource.Dram(socket));
    }

    public static Domain psys(int index) {
        return of(new Resource.Psys(index));
    }

    /** Orders domains as people expect to read them: by socket, then package, core, uncore, dram; then the rest. */
    @Override
    public int compareTo(Domain other) {
        int byRank = Integer.compare(rank(), other.rank());
        return byRank != 0 ? byRank : id.compareTo(other.id);
    }

    private int rank() {
        return switch (resource) {
            case Resource.Machine m -> 0;
            case Resource.Package p -> 10 + p.socket() * 10;
            case Resource.Cores c -> 11 + c.socket() * 10;
            case Resource.Uncore u -> 12 + u.socket() * 10;
            case Resource.Dram d -> 13 + d.socket() * 10;
            case Resource.Psys p -> 100_000 + p.index();
            case Resource.Gpu g -> 200_000 + g.index();
        };
    }

    @Override
    public String toString() {
        return id;
    }
}
