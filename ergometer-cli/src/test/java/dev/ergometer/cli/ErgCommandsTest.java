package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErgCommandsTest {

    @Test
    void aNamedCommandIsTheOnlyOnePicocliReads() {
        assertThat(Erg.commandLine(new String[] {"measure", "--", "true"}).getSubcommands()).containsOnlyKeys(
                "measure");
    }

    @Test
    void withoutACommandNameEveryCommandIsThereInHelpOrder() {
        assertThat(Erg.commandLine(new String[0]).getSubcommands().keySet()).containsExactly("measure", "profile",
                "top", "domains", "agent", "serve", "formula", "report", "compare", "help");
        assertThat(Erg.commandLine(new String[] {"help", "measure"}).getSubcommands()).hasSize(10);
        assertThat(Erg.commandLine(new String[] {"mesure"}).getSubcommands()).hasSize(10);
        assertThat(Erg.commandLine(new String[] {"--help"}).getSubcommands()).hasSize(10);
    }
}
