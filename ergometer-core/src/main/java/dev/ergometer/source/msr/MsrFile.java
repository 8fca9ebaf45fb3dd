package dev.ergometer.source.msr;

import dev.ergometer.source.NativeFile;
import java.nio.file.Path;

/**
 * One CPU's {@code /dev/cpu/N/msr}, opened once: {@link #readRegister(long)} is one {@code pread} of 8 bytes at the
 * register's offset, with no allocation.
 *
 * <p>The msr driver reads register R at file offset R ({@code offsetScale} 1). A regular file standing in for the
 * device in tests cannot do that for registers fewer than 8 apart (AMD's 0xC0010299, 0xC001029A and 0xC001029B would
 * share bytes), so a test machine may store register R at offset {@code R * offsetScale} instead; nothing else differs
 * from the path that reads the hardware.
 */
final class MsrFile implements AutoCloseable {

    private final NativeFile file;
    private final long offsetScale;

    MsrFile(NativeFile file, long offsetScale) {
        this.file = file;
        this.offsetScale = offsetScale;
    }

    /**
     * Reads a 64-bit model-specific register.
     *
     * @throws dev.ergometer.source.EnergyReadException when the register cannot be read (the CPU does not implement
     *     it: the driver answers EIO)
     */
    long readRegister(long address) {
        return file.readLongAt(address * offsetScale);
    }

    /** The device file's path, for messages and counter origins. */
    Path path() {
        return file.path();
    }

    @Override
    public void close() {
        file.close();
    }
}
