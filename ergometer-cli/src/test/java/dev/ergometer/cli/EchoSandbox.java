package dev.ergometer.cli;

import dev.ergometer.service.sandbox.Sandbox;
import dev.ergometer.service.sandbox.SandboxRequest;
import dev.ergometer.service.sandbox.SandboxResult;
import dev.ergometer.service.sandbox.TrialListener;
import java.time.Duration;
import java.util.List;

/**
 * A test double of the sandbox that runs nothing: each test case's output is its input. Registered for the CLI's
 * tests through META-INF/services, the way {@code erg serve} finds its sandbox.
 */
public final class EchoSandbox implements Sandbox {

    @Override
    public SandboxResult run(SandboxRequest request, TrialListener listener) {
        List<Object> outputs = request.inputs();
        int trials = 0;
        if (listener.validated(outputs)) {
            for (int warmup = -request.warmups(); warmup < 0; warmup++) {
                listener.trialStarted(warmup);
                listener.trialEnded(warmup);
            }
            for (int trial = 0; trial < request.trials(); trial++) {
                trials++;
                listener.trialStarted(trial);
                if (!listener.trialEnded(trial)) {
                    break;
                }
            }
        }
        return new SandboxResult(SandboxResult.Outcome.OK, null, null, outputs, trials, Duration.ZERO);
    }
}
