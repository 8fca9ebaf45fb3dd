package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FormulaCommandTest {

    @TempDir
    Path folder;

    private static CliRun run(Map<String, String> environment, String... args) {
        if (args.length == 0) {
            args = new String[] {"formula"};
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Erg.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        ((FormulaCommand) cli.getSubcommands().get("formula").getCommand()).environment = environment;
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Test
    void helpNamesTheFormulasAndTheOutputs() {
        CliRun run = CliRun.of("formula", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("cpu-share").contains("smartwatts").contains("MONGODB_URI")
                .contains("KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void withoutKafkaItSaysWhichSettingIsMissing() {
        CliRun run = run(Map.of());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("KAFKA_BOOTSTRAP_SERVERS is not set");
    }

    @Test
    void anUnknownFormulaIsRefusedWithTheKnownOnes() throws Exception {
        Path config = folder.resolve("formula.properties");
        Files.writeString(config, "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9\nFORMULA_OUTPUT_TOPIC=power\n");

        CliRun run = run(Map.of("FORMULA", "rapl"), "formula", "--config", config.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("FORMULA=rapl is not a formula").contains("smartwatts");
    }

    @Test
    void withNowhereToWriteItSaysWhatToSet() {
        CliRun run = run(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9"), "formula");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("FORMULA_OUTPUT_TOPIC").contains("MONGODB_URI").contains("REMOTE_WRITE_URL");
    }
}
