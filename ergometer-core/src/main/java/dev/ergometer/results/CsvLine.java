package dev.ergometer.results;

import java.util.ArrayList;
import java.util.List;

/** Splits one line of a delimited text file into fields, with RFC 4180 quoting ({@code "a,b"}, {@code ""}). */
final class CsvLine {

    private CsvLine() {
    }

    /**
     * The fields of {@code line} separated by {@code delimiter}.
     *
     * @throws IllegalArgumentException when a quoted field is not closed, or text follows a closing quote
     */
    static List<String> split(String line, char delimiter) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException("a quoted field opened in column " + (fields.size() + 1)
                                + " is never closed: expected a closing '\"'");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                if (i < line.length() && line.charAt(i) != delimiter) {
                    throw new IllegalArgumentException("text follows the closing quote of column "
                            + (fields.size() + 1) + ": expected '" + delimiter + "' or the end of the line");
                }
            } else {
                while (i < line.length() && line.charAt(i) != delimiter) {
                    field.append(line.charAt(i++));
                }
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= line.length()) {
                return fields;
            }
            i++; // the delimiter
        }
    }
}
