package dev.ergometer.results;

/** What the energies of a result series are: net of the idle machine, the whole machine's, or as recorded. */
public enum EnergyBasis {
    /** Energy minus the idle power times the duration: what the workload added. */
    NET("net of idle"),
    /** The whole machine's energy while the workload ran. */
    RAW("raw, the whole machine's"),
    /** As the file recorded them: a trace that may or may not have had its idle removed (pyJoules, JSON Lines). */
    AS_RECORDED("as recorded");

    private final String description;

    EnergyBasis(String description) {
        this.description = description;
    }

    /** A few words for reports. */
    public String description() {
        return description;
    }
}
