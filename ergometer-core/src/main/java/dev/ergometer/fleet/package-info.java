/**
 * Reports that travel between machines of a fleet, in PowerAPI's layouts: {@link dev.ergometer.fleet.HwpcReport}
 * (what a sensor measured on one machine over one interval, the layout of PowerAPI's hwpc-sensor) and
 * {@link dev.ergometer.fleet.PowerReport} (the power a formula estimated for one target), with their JSON forms, and
 * {@link dev.ergometer.fleet.HwpcReports}, which turns what the agent measures into HWPC reports.
 *
 * <p>Sensors ({@code erg agent} in sensor mode, or PowerAPI's hwpc-sensor) publish HWPC reports; formula workers
 * ({@code erg formula}) turn them into power reports. See docs/fleet.md.
 */
package dev.ergometer.fleet;
