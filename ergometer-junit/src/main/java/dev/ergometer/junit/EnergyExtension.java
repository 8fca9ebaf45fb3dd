package dev.ergometer.junit;

import dev.ergometer.meter.DomainSelection;
import dev.ergometer.meter.EnergyMeter;
import dev.ergometer.meter.EnergySample;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit Jupiter extension behind {@link MeasureEnergy}: measures each test method's invocation (not its
 * before/after callbacks) on a sampler shared by the whole run, and hands the result to the run's report.
 *
 * <p>The run's source, sampler and report live in the root context's store, which JUnit closes at the end of the run:
 * that writes the summary and closes the sampler and the source.
 */
public final class EnergyExtension implements InvocationInterceptor {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EnergyExtension.class);

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext context) throws Throwable {
        measure(invocation, invocationContext.getExecutable(), context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context) throws Throwable {
        measure(invocation, invocationContext.getExecutable(), context);
    }

    private static void measure(Invocation<Void> invocation, Method method, ExtensionContext context) throws Throwable {
        MeasureEnergy settings = settingsOf(method, context);
        EnergyRun run = context.getRoot().getStore(NAMESPACE).computeIfAbsent(EnergyRun.class,
                key -> EnergyRun.open(name -> parameter(context, name)), EnergyRun.class);
        Path folder = run.reportFolder(settings.report());
        EnergyMeter meter;
        try {
            meter = run.meter(DomainSelection.ids(settings.domains()));
        } catch (RuntimeException e) {
            throw new ExtensionConfigurationException("@MeasureEnergy on " + method + ": " + e.getMessage()
                    + " (the source " + run.sourceName() + " has " + run.domainIds() + ")", e);
        }
        boolean passed = false;
        meter.start(context.getUniqueId());
        try {
            invocation.proceed();
            passed = true;
        } finally {
            meter.stop();
            EnergySample sample = meter.getTrace().get(0);
            Map<String, Double> joules = new LinkedHashMap<>();
            sample.energyMicrojoules().forEach((domain, microjoules) -> joules.put(domain, microjoules / 1e6));
            run.record(new TestEnergy(context.getUniqueId(), displayPath(context), method.getDeclaringClass().getName(),
                    method.getName(), invocationIndex(context.getUniqueId()), sample.timestampSeconds(),
                    sample.durationSeconds(), joules, meter.origin(), passed), folder);
        }
    }

    /** The annotation on the method, else on its class or an enclosing class ({@code @Nested}). */
    private static MeasureEnergy settingsOf(Method method, ExtensionContext context) {
        Optional<MeasureEnergy> found = AnnotationSupport.findAnnotation(method, MeasureEnergy.class);
        for (Class<?> type = context.getRequiredTestClass(); found.isEmpty() && type != null;
                type = type.getEnclosingClass()) {
            found = AnnotationSupport.findAnnotation(type, MeasureEnergy.class);
        }
        return found.orElseThrow(() -> new ExtensionConfigurationException("EnergyExtension was registered on "
                + method + " without @MeasureEnergy: annotate the class or the method with @MeasureEnergy instead"));
    }

    /** A JUnit configuration parameter, else the system property of the same name. */
    private static Optional<String> parameter(ExtensionContext context, String name) {
        return context.getConfigurationParameter(name)
                .or(() -> Optional.ofNullable(System.getProperty(name)))
                .filter(value -> !value.isBlank());
    }

    /** The test's display names from its class down, for example {@code ParserTest > parses() > repetition 1 of 3}. */
    private static String displayPath(ExtensionContext context) {
        List<String> names = new ArrayList<>();
        for (ExtensionContext c = context; c != null && c.getParent().isPresent(); c = c.getParent().orElse(null)) {
            names.add(c.getDisplayName());
        }
        Collections.reverse(names);
        return String.join(" > ", names);
    }

    /** The invocation number of a repeated or parameterized test ({@code 3} for {@code ...#3]}), or 0. */
    private static int invocationIndex(String uniqueId) {
        int hash = uniqueId.lastIndexOf("-invocation:#");
        if (hash < 0) {
            return 0;
        }
        int start = hash + "-invocation:#".length();
        int end = start;
        while (end < uniqueId.length() && Character.isDigit(uniqueId.charAt(end))) {
            end++;
        }
        return end > start ? Integer.parseInt(uniqueId.substring(start, end)) : 0;
    }
}
