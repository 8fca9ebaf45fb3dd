package dev.ergometer.profiler;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * The domains whose energy the profiler splits among the JVM's threads: domains that CPU time drives and that do not
 * overlap, so that their energies add up.
 *
 * <p>By default: every package and every DRAM domain ({@code package_0 + dram_0} on one socket); without packages,
 * {@code psys}; without that, {@code machine}; without that, the cores and DRAM. GPUs are never chosen: their energy
 * follows the GPU's own utilisation, not the JVM's CPU time. A user's list is taken as given.
 *
 * @param indices the chosen domains' slots in the source's domain list
 * @param domains the chosen domains
 */
record DomainChoice(int[] indices, List<Domain> domains) {

    /**
     * Chooses among {@code available}: the ids in {@code requested}, or the default when it is empty.
     *
     * @throws IllegalArgumentException when a requested id is not among the source's domains, or nothing fits
     */
    static DomainChoice of(List<Domain> available, List<String> requested) {
        List<Integer> chosen = new ArrayList<>();
        if (!requested.isEmpty()) {
            for (String id : requested) {
                int index = -1;
                for (int i = 0; i < available.size(); i++) {
                    if (available.get(i).id().equals(id)) {
                        index = i;
                    }
                }
                if (index < 0) {
                    throw new IllegalArgumentException("no domain '" + id + "' in this source; its domains are "
                            + available.stream().map(Domain::id).toList());
                }
                chosen.add(index);
            }
        } else {
            addWhere(available, chosen, r -> r instanceof Resource.Package || r instanceof Resource.Dram);
            if (chosen.stream().noneMatch(i -> available.get(i).resource() instanceof Resource.Package)) {
                chosen.clear();
                addWhere(available, chosen, r -> r instanceof Resource.Psys);
            }
            if (chosen.isEmpty()) {
                addWhere(available, chosen, r -> r instanceof Resource.Machine);
            }
            if (chosen.isEmpty()) {
                addWhere(available, chosen, r -> r instanceof Resource.Cores || r instanceof Resource.Dram);
            }
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException("this source has no domain that CPU time drives (package, psys,"
                        + " machine, cores or DRAM); its domains are " + available.stream().map(Domain::id).toList());
            }
        }
        int[] indices = chosen.stream().mapToInt(Integer::intValue).toArray();
        return new DomainChoice(indices, chosen.stream().map(available::get).toList());
    }

    /** The chosen domains' ids joined with {@code +}, for reports: {@code package_0+dram_0}. */
    String label() {
        return String.join("+", domains.stream().map(Domain::id).toList());
    }

    private static void addWhere(List<Domain> available, List<Integer> chosen,
            java.util.function.Predicate<Resource> test) {
        for (int i = 0; i < available.size(); i++) {
            if (test.test(available.get(i).resource())) {
                chosen.add(i);
            }
        }
    }
}
