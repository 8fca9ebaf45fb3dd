/**
 * The table handler: energy samples collected in a Tablesaw table, as pyJoules' {@code PandasHandler} collects them
 * in a pandas DataFrame. Tablesaw is this module's only dependency beyond ergometer-core (pinned at 0.44.4).
 */
package dev.ergometer.tablesaw;
