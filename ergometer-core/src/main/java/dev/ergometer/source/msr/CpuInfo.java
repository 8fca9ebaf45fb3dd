package dev.ergometer.source.msr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@code /proc/cpuinfo} says about the CPU that matters for reading RAPL: the vendor, family and model of the
 * first processor, and whether it runs under a hypervisor.
 *
 * @param vendorId {@code vendor_id}: {@code GenuineIntel}, {@code AuthenticAMD}, {@code HygonGenuine}, ...
 * @param family {@code cpu family}, as a number (6 for Intel Core and Xeon, 0x17 and up for AMD Zen)
 * @param model {@code model}, as a number (the kernel's tables write it in hex: 0x55 is Skylake-X)
 * @param hypervisor true when the flags contain {@code hypervisor}: this is a virtual machine
 */
record CpuInfo(String vendorId, int family, int model, boolean hypervisor) {

    static final String INTEL = "GenuineIntel";
    static final String AMD = "AuthenticAMD";
    static final String HYGON = "HygonGenuine";

    /** Reads and parses a cpuinfo file. */
    static CpuInfo read(Path cpuinfo) throws IOException {
        return parse(Files.readString(cpuinfo), cpuinfo.toString());
    }

    /**
     * Parses the first processor's block of a cpuinfo text.
     *
     * @throws IllegalArgumentException naming the field that is missing or not a number
     */
    static CpuInfo parse(String text, String origin) {
        Map<String, String> fields = new HashMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isBlank()) {
                if (!fields.isEmpty()) {
                    break;
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        String vendor = fields.get("vendor_id");
        if (vendor == null || vendor.isEmpty()) {
            throw new IllegalArgumentException(origin + " has no vendor_id line: not an x86 CPU");
        }
        String flags = fields.getOrDefault("flags", "");
        boolean hypervisor = Arrays.asList(flags.split("\\s+")).contains("hypervisor");
        return new CpuInfo(vendor, number(fields, "cpu family", origin), number(fields, "model", origin), hypervisor);
    }

    boolean isIntel() {
        return INTEL.equals(vendorId);
    }

    boolean isAmd() {
        return AMD.equals(vendorId) || HYGON.equals(vendorId);
    }

    /** The CPU as the kernel's logs name it: {@code GenuineIntel family 6 model 0x55}. */
    String describe() {
        return vendorId + " family 0x" + Integer.toHexString(family) + " model 0x" + Integer.toHexString(model);
    }

    private static int number(Map<String, String> fields, String name, String origin) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException(origin + " has no '" + name + "' line");
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(origin + ": '" + name + "' is not a number: " + value, e);
        }
    }
}
