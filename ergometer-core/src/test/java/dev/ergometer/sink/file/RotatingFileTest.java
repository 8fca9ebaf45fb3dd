package dev.ergometer.sink.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SinkException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFileTest {

    @TempDir
    Path dir;

    @Test
    void rotationBySizeLosesNoSampleAndKeepsEveryFileUnderMaxBytes() throws Exception {
        Path csv = dir.resolve("energy.csv");
        int written = 0;
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(csv).withMaxBytes(300).withKeep(1000))) {
            for (int batch = 0; batch < 200; batch++) {
                List<Sample> samples = new ArrayList<>();
                for (int i = 0; i <= batch % 3; i++) {
                    samples.add(Sample.of("ergometer_power_watts", written++, batch, "domain", "package_0"));
                }
                sink.accept(new Batch(samples));
            }
        }
        List<Path> files = filesOldestFirst(csv);
        assertThat(files.size()).isGreaterThan(10);
        assertThat(values(files)).containsExactlyElementsOf(range(0, written));
        for (Path file : files) {
            assertThat(Files.size(file)).isLessThanOrEqualTo(300);
        }
    }

    @Test
    void keepsTheNewestKeepFilesAndDeletesOlderOnes() throws Exception {
        Path jsonl = dir.resolve("energy.jsonl");
        try (JsonLinesFileSink sink = JsonLinesFileSink.open(FileSinkSettings.of(jsonl).withMaxBytes(250)
                .withKeep(3))) {
            for (int i = 0; i < 100; i++) {
                sink.accept(Batch.of(Sample.of("m", i, i)));
            }
        }
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).sorted())
                .containsExactly("energy.jsonl", "energy.jsonl.1", "energy.jsonl.2", "energy.jsonl.3");
        List<Integer> kept = jsonValues(filesOldestFirst(jsonl));
        assertThat(kept).isNotEmpty().endsWith(99);
        assertThat(kept).containsExactlyElementsOf(range(99 - kept.size() + 1, 100));
        assertThat(Files.readAllLines(dir.resolve("energy.jsonl.3")).size()).isEqualTo(
                Files.readAllLines(dir.resolve("energy.jsonl.1")).size());
    }

    @Test
    void rotationDeletesOldFilesLeftByALargerKeep() throws Exception {
        Path csv = dir.resolve("energy.csv");
        Files.writeString(dir.resolve("energy.csv.4"), "old");
        Files.writeString(dir.resolve("energy.csv.5"), "older");
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(csv).withMaxBytes(45).withKeep(3))) {
            sink.accept(Batch.of(Sample.of("m", 1, 1)));
            sink.accept(Batch.of(Sample.of("m", 2, 2)));
            sink.accept(Batch.of(Sample.of("m", 3, 3)));
        }
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).sorted())
                .containsExactly("energy.csv", "energy.csv.1", "energy.csv.2");
        assertThat(values(filesOldestFirst(csv))).containsExactly(1, 2, 3);
    }

    @Test
    void keepZeroStartsAFreshFileWithoutOldOnes() throws Exception {
        Path csv = dir.resolve("energy.csv");
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(csv).withMaxBytes(45).withKeep(0))) {
            sink.accept(Batch.of(Sample.of("m", 1, 1)));
            sink.accept(Batch.of(Sample.of("m", 2, 2)));
        }
        assertThat(Files.list(dir)).containsExactly(csv);
        assertThat(Files.readString(csv)).isEqualTo("timestamp_ms,metric,value,labels\n2,m,2,\n");
    }

    @Test
    void aBatchLargerThanMaxBytesIsWrittenWholeToAFileOfItsOwn() throws Exception {
        Path jsonl = dir.resolve("energy.jsonl");
        try (JsonLinesFileSink sink = JsonLinesFileSink.open(FileSinkSettings.of(jsonl).withMaxBytes(100))) {
            sink.accept(Batch.of(Sample.of("m", 0, 0)));
            sink.accept(Batch.of(Sample.of("m", 1, 1), Sample.of("m", 2, 2), Sample.of("m", 3, 3)));
        }
        assertThat(jsonValues(List.of(dir.resolve("energy.jsonl.1")))).containsExactly(0);
        assertThat(jsonValues(List.of(jsonl))).containsExactly(1, 2, 3);
    }

    @Test
    void rotatesAFileOlderThanMaxAgeOnTheNextBatch() throws Exception {
        Path csv = dir.resolve("energy.csv");
        MutableClock clock = new MutableClock(Instant.now());
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(csv).withMaxAge(Duration.ofMinutes(1)), clock)) {
            sink.accept(Batch.of(Sample.of("m", 1, 1)));
            clock.advance(Duration.ofSeconds(30));
            sink.accept(Batch.of(Sample.of("m", 2, 2)));
            clock.advance(Duration.ofSeconds(31));
            sink.accept(Batch.of(Sample.of("m", 3, 3)));
        }
        assertThat(Files.readString(dir.resolve("energy.csv.1")))
                .isEqualTo("timestamp_ms,metric,value,labels\n1,m,1,\n2,m,2,\n");
        assertThat(Files.readString(csv)).isEqualTo("timestamp_ms,metric,value,labels\n3,m,3,\n");
    }

    @Test
    void anExistingFileOlderThanMaxAgeIsRotatedOnTheFirstBatchAfterRestart() throws Exception {
        Path jsonl = Files.writeString(dir.resolve("energy.jsonl"), "{\"old\":true}\n");
        MutableClock clock = new MutableClock(Instant.now().plus(Duration.ofHours(2)));
        try (JsonLinesFileSink sink = JsonLinesFileSink.open(FileSinkSettings.of(jsonl)
                .withMaxAge(Duration.ofHours(1)), clock)) {
            sink.accept(Batch.of(Sample.of("m", 1, 1)));
        }
        assertThat(Files.readString(dir.resolve("energy.jsonl.1"))).isEqualTo("{\"old\":true}\n");
        assertThat(jsonValues(List.of(jsonl))).containsExactly(1);
    }

    @Test
    void createsMissingParentFolders() throws Exception {
        Path csv = dir.resolve("a/b/c/energy.csv");
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(csv).withFsync(true))) {
            sink.accept(Batch.of(Sample.of("m", 1, 1)));
        }
        assertThat(Files.readString(csv)).isEqualTo("timestamp_ms,metric,value,labels\n1,m,1,\n");
    }

    @Test
    void aParentFolderThatCannotBeCreatedFailsAtConstructionNamingIt() throws Exception {
        Path inTheWay = Files.writeString(dir.resolve("plain-file"), "x");
        Path csv = inTheWay.resolve("sub/energy.csv");
        assertThatThrownBy(() -> CsvFileSink.open(FileSinkSettings.of(csv)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("csv:" + csv + ": cannot create the folder " + csv.getParent())
                .hasMessageContaining("or choose another path");
    }

    @Test
    void aPathThatIsAFolderFailsAtConstructionNamingIt() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("energy.jsonl"));
        assertThatThrownBy(() -> JsonLinesFileSink.open(FileSinkSettings.of(folder)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("jsonl:" + folder + ": cannot open " + folder + ": it is a folder, not a file");
    }

    @Test
    void aFolderWithoutWritePermissionFailsAtConstructionSayingHowToFixIt() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("locked"));
        Path csv = folder.resolve("energy.csv");
        try (AutoCloseable unlock = denyWrites(folder)) {
            assertThatThrownBy(() -> CsvFileSink.open(FileSinkSettings.of(csv)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot open " + csv + ": permission denied")
                    .hasMessageContaining("write access to " + folder)
                    .hasMessageContaining("chown")
                    .hasMessageContaining("chmod u+w " + folder);
        }
    }

    @Test
    void aRotationDeniedByTheFolderIsNotRetryableAndRecoversOnceFixed() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("locked"));
        Path csv = folder.resolve("energy.csv");
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(csv).withMaxBytes(45))) {
            sink.accept(Batch.of(Sample.of("m", 1, 1)));
            try (AutoCloseable unlock = denyWrites(folder)) {
                assertThatThrownBy(() -> sink.accept(Batch.of(Sample.of("m", 2, 2))))
                        .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.retryable()).isFalse())
                        .hasMessageContaining("csv:" + csv + ": cannot rotate " + csv + ": permission denied")
                        .hasMessageContaining("chmod u+w " + folder);
            }
            sink.accept(Batch.of(Sample.of("m", 3, 3)));
        }
        assertThat(Files.readString(folder.resolve("energy.csv.1")))
                .isEqualTo("timestamp_ms,metric,value,labels\n1,m,1,\n");
        assertThat(Files.readString(csv)).isEqualTo("timestamp_ms,metric,value,labels\n3,m,3,\n");
    }

    @Test
    void aFullDiskIsRetryableAndNamesThePath() throws Exception {
        Path full = Path.of("/dev/full");
        if (!Files.exists(full)) {
            fail("this test writes to /dev/full, the Linux device that answers every write with ENOSPC "
                    + "(No space left on device); it is missing on this machine");
        }
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(full))) {
            assertThatThrownBy(() -> sink.accept(Batch.of(Sample.of("m", 1, 1))))
                    .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("csv:/dev/full: cannot write 40 bytes to /dev/full")
                    .hasMessageContaining("No space left on device")
                    .hasMessageContaining("free space");
        }
    }

    @Test
    void aClosedSinkRefusesBatchesForGood() throws Exception {
        JsonLinesFileSink sink = JsonLinesFileSink.open(FileSinkSettings.of(dir.resolve("energy.jsonl")));
        sink.close();
        assertThatThrownBy(() -> sink.accept(Batch.of(Sample.of("m", 1, 1))))
                .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("is closed");
    }

    /**
     * Makes {@code folder} refuse new entries, for real: with its permission bits when the tests run as a normal
     * user, with the immutable attribute (chattr +i, which root cannot write through either) when they run as root.
     */
    private static AutoCloseable denyWrites(Path folder) throws Exception {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-x------"));
        Path probe = folder.resolve("probe");
        try {
            Files.createFile(probe);
        } catch (AccessDeniedException denied) {
            return () -> Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        }
        Files.delete(probe);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        run("chattr", "+i", folder.toString());
        try {
            Files.createFile(probe);
            run("chattr", "-i", folder.toString());
            fail("could not deny writes to " + folder + " as root: chattr +i succeeded but files can still be "
                    + "created there; run the tests as a normal user or with @TempDir on ext4, xfs or btrfs");
        } catch (IOException expected) {
            // root cannot create files in an immutable folder
        }
        return () -> run("chattr", "-i", folder.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("tests running as root deny writes with chattr, which could not start: " + e
                    + "; install e2fsprogs or run the tests as a normal user", e);
        }
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            fail(String.join(" ", command) + " failed (" + output.strip() + "): tests running as root deny writes "
                    + "with the immutable attribute, which needs @TempDir on ext4, xfs or btrfs; run them as a "
                    + "normal user or point java.io.tmpdir at such a file system");
        }
    }

    private static List<Path> filesOldestFirst(Path file) {
        List<Path> files = new ArrayList<>();
        for (int index = 1; Files.exists(file.resolveSibling(file.getFileName() + "." + index)); index++) {
            files.addFirst(file.resolveSibling(file.getFileName() + "." + index));
        }
        files.add(file);
        return files;
    }

    private static List<Integer> values(List<Path> csvFiles) throws IOException {
        List<Integer> values = new ArrayList<>();
        for (Path file : csvFiles) {
            List<String> lines = Files.readAllLines(file);
            assertThat(lines.getFirst()).isEqualTo(CsvFileSink.HEADER);
            for (String line : lines.subList(1, lines.size())) {
                values.add(Integer.parseInt(line.split(",")[2]));
            }
        }
        return values;
    }

    private static List<Integer> jsonValues(List<Path> jsonlFiles) throws IOException {
        List<Integer> values = new ArrayList<>();
        for (Path file : jsonlFiles) {
            for (String line : Files.readAllLines(file)) {
                values.add(((Number) dev.ergometer.json.JsonReader.object(line).get("value")).intValue());
            }
        }
        return values;
    }

    private static List<Integer> range(int fromInclusive, int toExclusive) {
        return java.util.stream.IntStream.range(fromInclusive, toExclusive).boxed().toList();
    }
}
