package dev.ergometer.meter.handler;

import dev.ergometer.meter.EnergyTrace;

/** Something that receives the trace of a measurement: prints it, buffers it for a file, sends it somewhere. */
@FunctionalInterface
public interface EnergyHandler {

    /** Handles one measured trace. */
    void process(EnergyTrace trace);
}
