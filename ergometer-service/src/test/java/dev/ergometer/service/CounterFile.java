package dev.ergometer.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A fake {@code energy_uj} file advanced by exact amounts, written in place without truncating (as SyntheticCounter
 * does) so that a sampler reading at the same time never sees an empty file.
 */
final class CounterFile {

    private final Path file;
    private long microjoules;

    CounterFile(Path file) {
        this.file = file;
    }

    synchronized void add(long deltaMicrojoules) {
        microjoules += deltaMicrojoules;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap((microjoules + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized long microjoules() {
        return microjoules;
    }
}
