package dev.ergometer.cli;

import dev.ergometer.json.JsonWriter;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code erg domains}: every source tried on this machine, the domains it offers, or why it cannot be used. */
@Command(name = "domains",
        description = "List what can be measured here: each energy source, its domains, unit, resolution and"
                + " counter range, and for each unavailable source the reason and the fix.",
        mixinStandardHelpOptions = true)
final class DomainsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernel;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    String format;

    /** What trying one source gave. */
    record Probe(SourceFactory factory, String method, boolean estimated, List<DomainCounter> counters,
            SourceUnavailableException failure, String access) {
        boolean available() {
            return failure == null;
        }
    }

    @Override
    public Integer call() {
        SystemPaths paths = kernel.paths();
        List<Probe> probes = new ArrayList<>();
        for (SourceFactory factory : kernel.factories()) {
            probes.add(probe(factory, paths));
        }
        List<String> used = kernel.source != null
                ? List.of(kernel.source.split(","))
                : defaultSelection(probes);
        String selected = used.isEmpty() ? null : String.join("+", used);
        PrintWriter out = spec.commandLine().getOut();
        switch (format) {
            case "json" -> out.print(json(probes, selected));
            case "table" -> out.print(table(probes, selected));
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--format takes table or json, got '" + format + "'");
        }
        out.flush();
        return selected == null ? Erg.EXIT_ERG_FAILED : 0;
    }

    /** What erg measure reads by default: the first available machine source and every available GPU source. */
    static List<String> defaultSelection(List<Probe> probes) {
        List<String> used = new ArrayList<>();
        probes.stream().filter(p -> p.available() && !p.factory().accelerator()).findFirst()
                .ifPresent(p -> used.add(p.factory().name()));
        if (used.isEmpty()) {
            return used;
        }
        probes.stream().filter(p -> p.available() && p.factory().accelerator())
                .forEach(p -> used.add(p.factory().name()));
        return used;
    }

    static Probe probe(SourceFactory factory, SystemPaths paths) {
        String access = factory.access(paths).orElse(null);
        try (EnergySource source = factory.open(paths, Ticker.system())) {
            return new Probe(factory, source.method(), source.estimated(), source.counters(), null, access);
        } catch (SourceUnavailableException e) {
            return new Probe(factory, null, false, List.of(), e, access);
        }
    }

    static String table(List<Probe> probes, String selected) {
        StringBuilder out = new StringBuilder();
        for (Probe probe : probes) {
            String name = probe.factory().name();
            String state = !probe.available() ? "unavailable"
                    : (selected != null && List.of(selected.split("\\+")).contains(name)
                            ? "available, used by default" : "available")
                            + (probe.estimated() ? " (ESTIMATED values)" : "");
            out.append(String.format(Locale.ROOT, "%-9s %s%n", name, state));
            out.append(String.format(Locale.ROOT, "          %s%n", probe.factory().summary()));
            if (probe.access() != null) {
                out.append(String.format(Locale.ROOT, "          access: %s%n", probe.access()));
            }
            if (!probe.available()) {
                out.append(String.format(Locale.ROOT, "          why: %s%n", probe.failure().reason()));
                if (!probe.failure().fix().isEmpty()) {
                    out.append(String.format(Locale.ROOT, "          fix: %s%n", probe.failure().fix()));
                }
            } else {
                out.append(String.format(Locale.ROOT, "          %s%n", probe.method()));
                out.append(String.format(Locale.ROOT, "          %-12s %-5s %14s %18s  %s%n",
                        "domain", "unit", "resolution", "counter range", "read from"));
                for (DomainCounter c : probe.counters()) {
                    out.append(String.format(Locale.ROOT, "          %-12s %-5s %14s %18s  %s%n",
                            c.domain().id(), "µJ", resolution(c), range(c), c.origin()));
                }
            }
            out.append('\n');
        }
        out.append(selected == null
                ? "No source can be used on this machine: see the fixes above.\n"
                : "erg measure uses " + selected + (probes.stream().anyMatch(p -> p.estimated()
                        && List.of(selected.split("\\+")).contains(p.factory().name()))
                        ? ": some of its values are ESTIMATED (see above).\n" : ".\n"));
        return out.toString();
    }

    static String json(List<Probe> probes, String selected) {
        JsonWriter json = new JsonWriter().beginObject();
        json.name("selected").value(selected);
        json.name("sources").beginArray();
        for (Probe probe : probes) {
            json.beginObject()
                    .name("name").value(probe.factory().name())
                    .name("summary").value(probe.factory().summary())
                    .name("available").value(probe.available())
                    .name("access").value(probe.access());
            if (probe.available()) {
                json.name("estimated").value(probe.estimated()).name("method").value(probe.method());
                json.name("domains").beginArray();
                for (DomainCounter c : probe.counters()) {
                    json.beginObject()
                            .name("id").value(c.domain().id())
                            .name("unit").value("uJ")
                            .name("resolution_uj").value(c.resolutionMicrojoules())
                            .name("range_uj");
                    if (c.wraps()) {
                        json.value(c.wrapMicrojoules());
                    } else {
                        json.nullValue();
                    }
                    json.name("read_from").value(c.origin()).endObject();
                }
                json.endArray();
            } else {
                json.name("reason").value(probe.failure().reason()).name("fix").value(probe.failure().fix());
            }
            json.endObject();
        }
        json.endArray();
        return json.endObject() + "\n";
    }

    private static String resolution(DomainCounter c) {
        double r = c.resolutionMicrojoules();
        return r >= 1 && r == Math.rint(r) ? String.format(Locale.ROOT, "%.0f µJ", r)
                : String.format(Locale.ROOT, "%.3g µJ", r);
    }

    private static String range(DomainCounter c) {
        return c.wraps() ? String.format(Locale.ROOT, "%.1f J", c.wrapMicrojoules() / 1e6) : "no wrap";
    }
}
