package dev.ergometer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.fleet.HwpcEvents;
import dev.ergometer.fleet.HwpcReport;
import dev.ergometer.kafka.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent in sensor mode: its attributed intervals reach a real (in-JVM KRaft) Kafka as HWPC reports. */
class AgentSensorTest {

    @TempDir
    Path root;

    @Test
    void attributedIntervalsArePublishedAsHwpcReportsKeyedByTheMachine() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(); TenWattMachine machine = TenWattMachine.withWorker(root)) {
            kafka.createTopic("hwpc", 1);
            Map<String, String> settings = TenWattMachine.attributingSettings("node-3");
            settings.put("SENSOR_KAFKA_TOPIC", "hwpc");
            settings.put("SENSOR_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            Agent agent = machine.startAgent(AgentConfig.from(settings, Map.of()));
            machine.runWorker();
            agent.close();

            assertThat(agent.sinkCounts().get("sensor").droppedSamples()).isZero();
            List<ConsumerRecord<String, String>> records = kafka.read("hwpc", 2, Duration.ofSeconds(20));
            assertThat(records).isNotEmpty().allSatisfy(r -> assertThat(r.key()).isEqualTo("node-3"));
            List<HwpcReport> reports = records.stream().map(r -> HwpcReport.fromJson(r.value())).toList();
            assertThat(reports).anySatisfy(r -> {
                assertThat(r.isMachine()).isTrue();
                assertThat(r.sensor()).isEqualTo("node-3");
                assertThat(r.groups()).containsKey(HwpcEvents.RAPL_GROUP);
            });
            assertThat(reports).anySatisfy(r -> {
                assertThat(r.target()).startsWith("process/100@");
                assertThat(r.metadata()).containsEntry("label", "worker (pid 100)");
                assertThat(r.cpus(HwpcEvents.CORE_GROUP, HwpcEvents.ANY_SOCKET).get(HwpcEvents.ANY_CPU)
                        .get(HwpcEvents.TASK_CLOCK)).isPositive();
            });
        }
    }

    @Test
    void reportsSurviveTheTripThroughSamples() {
        HwpcReport machine = HwpcReport.builder(1_764_115_200_000L, "node-3", HwpcReport.MACHINE_TARGET)
                .event("rapl", "0", "0", "RAPL_ENERGY_PKG", 42_949_672.96).build();
        HwpcReport process = HwpcReport.builder(1_764_115_200_000L, "node-3", "process/100@10")
                .event("core", "0", "-1", "PERF_COUNT_SW_TASK_CLOCK", 1.5e8).metadata("kind", "process")
                .metadata("label", "worker (pid 100)").build();

        assertThat(SensorSink.reports(SensorSink.samples(List.of(machine, process))))
                .containsExactly(machine, process);
    }
}
