package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.attribution.AttributedInterval;
import dev.ergometer.attribution.Attribution;
import dev.ergometer.attribution.Consumer;
import dev.ergometer.attribution.DomainShare;
import dev.ergometer.attribution.TopSnapshot;
import dev.ergometer.model.Domain;
import dev.ergometer.sampler.EnergyInterval;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopCommandTest {

    private static final String DOCKER_ID = "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";

    @TempDir
    Path root;

    private SyntheticCounter counter;

    @BeforeEach
    void tenWattPackage() {
        FakePowercapTree tree = FakePowercapTree.in(root)
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.constant(10),
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 100_000L);
    }

    @AfterEach
    void stop() {
        counter.close();
    }

    @Test
    void snapshotsListProcessesWithPowerAndTheTotals() {
        CliRun run = CliRun.of("top", "--sysfs", root.toString(), "--iterations", "2", "--interval", "0.2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().filter(l -> l.startsWith("erg top "))).hasSize(2);
        assertThat(run.out()).contains("source powercap").doesNotContain("ESTIMATED")
                .contains("machine W").contains("idle W").contains("unattributed W")
                .contains("PROCESS").contains("package_0 W");
        // this JVM is a process of the real procfs, so it is listed
        assertThat(run.out()).contains("(pid " + ProcessHandle.current().pid() + ")");
        String totals = run.out().lines().filter(l -> l.startsWith("package_0 ")).findFirst().orElseThrow();
        double machineWatts = Double.parseDouble(totals.trim().split("\\s+")[1]);
        assertThat(machineWatts).isBetween(7.0, 13.0);
    }

    @Test
    void onceGivesOneSnapshotAndTheViewOptionPicksCgroups() {
        CliRun run = CliRun.of("top", "--sysfs", root.toString(), "--once", "--interval", "0.1", "--view", "cgroups");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().filter(l -> l.startsWith("erg top "))).hasSize(1);
        assertThat(run.out()).contains("cgroups").contains("CGROUP ");
    }

    @Test
    void modelSourceIsMarkedEstimatedInTheHeader() {
        CliRun run = CliRun.of("top", "--source", "model", "--once", "--interval", "0.1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().findFirst().orElseThrow()).contains("source model (ESTIMATED)");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(CliRun.of("top", "--interval", "0", "--once").err()).contains("--interval takes seconds");
        assertThat(CliRun.of("top", "--view", "pods", "--once").err()).contains("--view takes processes");
    }

    @Test
    void keysSwitchTheViewAndQQuits() {
        AttributedInterval interval = twoProcessesInOneContainer();
        TopView view = new TopView(Consumer.Kind.PROCESS, "");

        String processes = String.join("\n", view.render(snapshot(interval, view.kind()), 10));
        assertThat(processes).contains("PROCESS").contains("busy (pid 10)").contains("light (pid 11)");
        assertThat(processes.indexOf("busy (pid 10)")).isLessThan(processes.indexOf("light (pid 11)"));

        assertThat(view.key('k')).isEqualTo(TopView.Action.REDRAW);
        assertThat(view.kind()).isEqualTo(Consumer.Kind.CONTAINER);
        String containers = String.join("\n", view.render(snapshot(interval, view.kind()), 10));
        assertThat(containers).contains("CONTAINER").contains("3f2a1b4c5d6e (docker)").doesNotContain("pid 10");
        // the container holds both processes: 3 s of CPU out of 4 s busy, of 8 J active over 2 s: 3 W
        assertThat(containers.lines().filter(l -> l.startsWith("3f2a1b4c5d6e")).findFirst().orElseThrow())
                .endsWith("3.000");

        assertThat(view.key('c')).isEqualTo(TopView.Action.REDRAW);
        assertThat(String.join("\n", view.render(snapshot(interval, view.kind()), 10))).contains("CGROUP")
                .contains("/user.slice");
        assertThat(view.key('p')).isEqualTo(TopView.Action.REDRAW);
        assertThat(view.kind()).isEqualTo(Consumer.Kind.PROCESS);
        assertThat(view.key('x')).isEqualTo(TopView.Action.NONE);
        assertThat(view.key('q')).isEqualTo(TopView.Action.QUIT);
    }

    @Test
    void totalsShowMachineIdleAttributedAndUnattributedPower() {
        TopSnapshot top = snapshot(twoProcessesInOneContainer(), Consumer.Kind.PROCESS);
        List<String> lines = new TopView(Consumer.Kind.PROCESS, "").render(top, 10);

        // 10 J over 2 s; busy 4 of 5 CPU-seconds: 2 J idle, 8 J active, 6 J to the processes, 2 J unattributed
        assertThat(lines).anySatisfy(l -> assertThat(l.trim().split("\\s+"))
                .containsExactly("package_0", "5.000", "1.000", "3.000", "1.000"));
        assertThat(new TopView(Consumer.Kind.PROCESS, "").render(top, 1)).contains("... 2 more");
    }

    @Test
    void anAgentThatStopsAnsweringIsSaidAboveTheLastNumbers() {
        TopSnapshot top = snapshot(twoProcessesInOneContainer(), Consumer.Kind.PROCESS);
        TopView view = new TopView(Consumer.Kind.PROCESS, "via agent at http://127.0.0.1:9464");

        assertThat(view.render(top, 10).getFirst()).endsWith("via agent at http://127.0.0.1:9464");
        List<String> lines = view.renderProblem("no answer from the agent at http://127.0.0.1:9464", top, 3_000, 10);
        assertThat(lines.getFirst()).contains("no answer from the agent");
        assertThat(lines).contains("          (below: the last numbers, from 3 s ago)")
                .anySatisfy(l -> assertThat(l).startsWith("busy (pid 10)"));
        assertThat(view.renderProblem("no answer", null, 0, 10)).hasSize(2);
    }

    private static TopSnapshot snapshot(AttributedInterval interval, Consumer.Kind kind) {
        return TopSnapshot.of(interval, kind, 1000, "powercap", "RAPL", false);
    }

    /** 10 J over 2 s, node busy 4 s of 5 s; in a container, pid 10 used 2 s and pid 11 1 s; pid 12 outside. */
    private static AttributedInterval twoProcessesInOneContainer() {
        Domain pkg = Domain.packageOf(0);
        EnergyInterval energy = new EnergyInterval(List.of(pkg), 0, 2_000_000_000L, new long[] {10_000_000}, 0);
        List<Consumer> consumers = List.of(new Consumer.Process(10, 1, "busy"), new Consumer.Process(11, 1, "light"),
                new Consumer.Process(12, 1, "idle"));
        String inContainer = "/system.slice/docker-" + DOCKER_ID + ".scope";
        List<String> paths = List.of(inContainer, inContainer, "/user.slice");
        long[] cpu = {2_000_000_000L, 1_000_000_000L, 0};
        List<DomainShare> shares = new ArrayList<>();
        shares.add(Attribution.split(10_000_000, 4_000_000_000L, 5_000_000_000L, cpu));
        return new AttributedInterval(energy, 4_000_000_000L, 5_000_000_000L, consumers, paths, cpu, shares);
    }
}
