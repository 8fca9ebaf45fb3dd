package dev.ergometer.meter;

import dev.ergometer.model.Domain;

/**
 * The RAPL domains of a CPU socket, for choosing what a meter measures (pyJoules' {@code RaplPackageDomain},
 * {@code RaplDramDomain}, {@code RaplCoreDomain}, {@code RaplUncoreDomain}).
 *
 * <p>Asking for a RAPL domain asks for the RAPL device: a meter refuses to give the estimates of the model in its
 * place ({@link NoSuchDeviceException}). Ask by id ({@link DomainSelection#ids}) to accept whatever source has it.
 */
public final class RaplDomains {

    private RaplDomains() {
    }

    /** The whole CPU socket ({@code package_N}). */
    public static Domain packageOf(int socket) {
        return Domain.packageOf(socket);
    }

    /** The memory attached to the socket ({@code dram_N}). */
    public static Domain dram(int socket) {
        return Domain.dramOf(socket);
    }

    /** The socket's cores ({@code core_N}). */
    public static Domain core(int socket) {
        return Domain.coreOf(socket);
    }

    /** The socket's uncore, usually the integrated GPU ({@code uncore_N}). */
    public static Domain uncore(int socket) {
        return Domain.uncoreOf(socket);
    }

    /** The platform domain of client parts ({@code psys}). */
    public static Domain psys() {
        return Domain.psys(0);
    }
}
