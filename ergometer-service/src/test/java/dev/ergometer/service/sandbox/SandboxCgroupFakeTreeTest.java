package dev.ergometer.service.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.groups.CgroupException;
import dev.ergometer.groups.CgroupFs;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.FakeCgroupTree;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run's cgroup on fake cgroup trees: the layouts this machine does not have (a pure cgroup2 machine delegating
 * memory and pids) and the failure when no hierarchy offers a process limit.
 */
class SandboxCgroupFakeTreeTest {

    @TempDir
    Path root;

    @Test
    void onCgroup2DelegatingMemoryAndPidsTheRunGetsPidsMaxAndMemoryMax() throws Exception {
        Path sysfs = root.resolve("sys");
        Path procfs = root.resolve("proc");
        FakeCgroupTree tree = FakeCgroupTree.unified(sysfs, procfs, "cpu io memory pids").group(CgroupFs.SLICE);
        Path slice = tree.directory("fs/cgroup", CgroupFs.SLICE);
        Files.writeString(slice.resolve("cgroup.controllers"), "memory pids\n");
        CgroupFs cgroups = CgroupFs.discover(new SystemPaths(sysfs, procfs, root.resolve("dev")));

        SandboxCgroup cgroup = SandboxCgroup.create(cgroups, "sandbox-1", 32, 300_000_000L);

        Path group = slice.resolve("sandbox-1");
        assertThat(group.resolve("pids.max")).hasContent("32");
        assertThat(group.resolve("memory.max")).hasContent("300000000");
        // the kernel keeps "pids memory"; the fake file keeps only the last write
        assertThat(slice.resolve("cgroup.subtree_control")).hasContent("+memory");
        assertThat(cgroup.procsFiles()).containsExactly(group.resolve("cgroup.procs"));
        assertThat(cgroup.limitsMemory()).isTrue();

        assertThat(cgroup.processLimitHit()).isFalse();
        Files.writeString(group.resolve("pids.events"), "max 3\n");
        Files.writeString(group.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 1\noom_kill 1\n");
        assertThat(cgroup.processLimitHit()).isTrue();
        assertThat(cgroup.memoryLimitHit()).isTrue();
    }

    @Test
    void withoutAnyPidsControllerCreationFailsAndLeavesNothing() throws Exception {
        Path sysfs = root.resolve("sys");
        Path procfs = root.resolve("proc");
        FakeCgroupTree tree = FakeCgroupTree.hybrid(sysfs, procfs);
        CgroupFs cgroups = CgroupFs.discover(new SystemPaths(sysfs, procfs, root.resolve("dev")));

        assertThatThrownBy(() -> SandboxCgroup.create(cgroups, "sandbox-2", 32, 1L << 30))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("no writable cgroup hierarchy offers the pids controller")
                .hasMessageContaining("Fix:");
        assertThat(tree.directory("fs/cgroup/unified", CgroupFs.SLICE + "/sandbox-2")).doesNotExist();
        assertThat(tree.directory("fs/cgroup/memory", CgroupFs.SLICE)).doesNotExist();
    }
}
