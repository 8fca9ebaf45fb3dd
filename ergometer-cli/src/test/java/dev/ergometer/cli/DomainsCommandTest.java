package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ergometer.testkit.FakePowercapTree;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainsCommandTest {

    @TempDir
    Path root;

    @Test
    void jsonListsEveryDomainOfATwoSocketMachine() throws Exception {
        FakePowercapTree.twoSockets(root);
        CliRun run = CliRun.of("domains", "--sysfs", root.toString(), "--format", "json");

        JsonNode report = new ObjectMapper().readTree(run.out());
        JsonNode powercap = null;
        for (JsonNode source : report.get("sources")) {
            if (source.get("name").asText().equals("powercap")) {
                powercap = source;
            }
        }
        assertThat(powercap).isNotNull();
        assertThat(powercap.get("available").asBoolean()).isTrue();
        assertThat(powercap.get("domains")).hasSize(8);
        assertThat(powercap.get("domains").get(0).get("id").asText()).isEqualTo("package_0");
        assertThat(powercap.get("domains").get(0).get("range_uj").asLong())
                .isEqualTo(FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
    }

    @Test
    void unavailableSourceShowsReasonAndFix() {
        CliRun run = CliRun.of("domains", "--sysfs", root.toString());
        assertThat(run.out()).contains("powercap  unavailable").contains("why: ").contains("fix: ");
        assertThat(run.out()).contains("access: kernel.perf_event_paranoid");
    }
}
