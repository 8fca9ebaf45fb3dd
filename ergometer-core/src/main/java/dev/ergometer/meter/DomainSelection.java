package dev.ergometer.meter;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.source.EnergySource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which domains a meter measures: every domain of its source ({@link #all()}), typed domains of a device
 * ({@link RaplDomains}, {@link NvidiaDomains}) or domain ids ({@code "package_0"}).
 *
 * <pre>{@code
 * DomainSelection.of(RaplDomains.packageOf(0), RaplDomains.dram(0));   // the RAPL counters, never a model
 * DomainSelection.ids("package_0");                                     // whichever source has package_0
 * }</pre>
 */
public final class DomainSelection {

    private static final DomainSelection ALL = new DomainSelection(List.of());

    /** One asked-for domain; {@code device} is null when any source may give it. */
    private record Wanted(String id, Device device) {
    }

    private enum Device {
        RAPL("RAPL"), NVIDIA_GPU("NVIDIA GPU");

        final String label;

        Device(String label) {
            this.label = label;
        }
    }

    private final List<Wanted> wanted;

    private DomainSelection(List<Wanted> wanted) {
        this.wanted = List.copyOf(new LinkedHashSet<>(wanted));
    }

    /** Every domain the source has (pyJoules' {@code domains=None}). */
    public static DomainSelection all() {
        return ALL;
    }

    /** These domains, each from its device: RAPL for CPU domains, NVML for NVIDIA GPUs; all when none is given. */
    public static DomainSelection of(Domain... domains) {
        List<Wanted> list = new ArrayList<>();
        for (Domain domain : domains) {
            list.add(new Wanted(domain.id(), deviceOf(domain.resource())));
        }
        return new DomainSelection(list);
    }

    /** The domains with these ids, from whatever source has them (estimated or not); all when none is given. */
    public static DomainSelection ids(String... ids) {
        List<Wanted> list = new ArrayList<>();
        for (String id : ids) {
            list.add(new Wanted(Objects.requireNonNull(id, "domain id"), null));
        }
        return new DomainSelection(list);
    }

    public boolean isAll() {
        return wanted.isEmpty();
    }

    /** The ids asked for, in order (empty for all). */
    public List<String> ids() {
        return wanted.stream().map(Wanted::id).toList();
    }

    /**
     * The slots of {@code source}'s domains to measure, in the order asked.
     *
     * @throws NoSuchDeviceException when a domain's device cannot be read through this source
     * @throws NoSuchDomainException when the device is there but not the domain
     */
    public int[] slotsIn(EnergySource source) {
        List<Domain> domains = source.domains();
        if (isAll()) {
            return java.util.stream.IntStream.range(0, domains.size()).toArray();
        }
        int[] slots = new int[wanted.size()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = slotOf(wanted.get(i), source, domains);
        }
        return slots;
    }

    private static int slotOf(Wanted want, EnergySource source, List<Domain> domains) {
        List<Domain> ofDevice = want.device == null ? domains
                : domains.stream().filter(d -> deviceOf(d.resource()) == want.device).toList();
        if (want.device != null) {
            requireDevice(want, source, ofDevice);
        }
        for (int slot = 0; slot < domains.size(); slot++) {
            if (domains.get(slot).id().equals(want.id) && ofDevice.contains(domains.get(slot))) {
                return slot;
            }
        }
        String where = want.device == null ? "the energy source '" + source.name() + "'"
                : "the " + want.device.label + " device (source '" + source.name() + "')";
        throw new NoSuchDomainException(want.id, "no domain " + want.id + " in " + where + "; it has "
                + ids(ofDevice) + ". Ask for one of those, or for all of them with DomainSelection.all()");
    }

    private static void requireDevice(Wanted want, EnergySource source, List<Domain> ofDevice) {
        if (want.device == Device.RAPL && source.estimated()) {
            throw new NoSuchDeviceException("RAPL domain " + want.id + " asked, but no RAPL counters can be read "
                    + "here: the only source is '" + source.name() + "', whose numbers are estimated ("
                    + source.method() + "). Run where RAPL is readable (`erg domains` says why it is not), or ask "
                    + "for DomainSelection.ids(\"" + want.id + "\") to accept the estimate");
        }
        if (ofDevice.isEmpty()) {
            String fix = want.device == Device.NVIDIA_GPU
                    ? "NVIDIA GPUs are read through NVML (libnvidia-ml, Volta or newer): install the NVIDIA driver"
                    : "`erg domains` lists what can be measured here and why RAPL cannot";
            throw new NoSuchDeviceException(want.device.label + " domain " + want.id + " asked, but this machine "
                    + "has no " + want.device.label + " that Ergometer can read: the energy source '"
                    + source.name() + "' has " + ids(source.domains()) + ". " + fix);
        }
    }

    private static String ids(List<Domain> domains) {
        return domains.isEmpty() ? "no domains"
                : domains.stream().map(Domain::id).collect(Collectors.joining(", "));
    }

    private static Device deviceOf(Resource resource) {
        return switch (resource) {
            case Resource.Package p -> Device.RAPL;
            case Resource.Cores c -> Device.RAPL;
            case Resource.Uncore u -> Device.RAPL;
            case Resource.Dram d -> Device.RAPL;
            case Resource.Psys p -> Device.RAPL;
            case Resource.Gpu g -> g.vendor().equals("nvidia") ? Device.NVIDIA_GPU : null;
            case Resource.Machine m -> null;
        };
    }

    @Override
    public String toString() {
        return isAll() ? "all domains" : String.join(", ", ids());
    }
}
