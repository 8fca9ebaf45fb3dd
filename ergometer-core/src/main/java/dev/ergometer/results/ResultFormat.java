package dev.ergometer.results;

/** The kinds of file {@link ResultFiles} reads. */
public enum ResultFormat {
    /** {@code erg measure --format json}, schema {@code ergometer.measure/1}. */
    MEASURE_JSON("erg measure JSON (ergometer.measure/1)"),
    /** {@code erg measure --format csv}. */
    MEASURE_CSV("erg measure CSV"),
    /** pyJoules' CSV handler, or Ergometer's {@code CsvHandler}: {@code timestamp;tag;duration;<domains>} in µJ. */
    PYJOULES_CSV("pyJoules CSV"),
    /** Ergometer's {@code JsonHandler}: one sample per line, joules. */
    JSON_LINES("JSON Lines (JsonHandler)"),
    /** A completed task of the measurement service ({@code GET /api/v1/tasks/{id}}), JouleTrace's field names. */
    SERVICE_JSON("service task result (JouleTrace)"),
    /** Several files of a directory, read together. */
    DIRECTORY("directory");

    private final String description;

    ResultFormat(String description) {
        this.description = description;
    }

    /** A few words for reports. */
    public String description() {
        return description;
    }
}
