package dev.ergometer.groups;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a process group Ergometer creates: one cgroup directory name of letters, digits, {@code _}, {@code .}
 * and {@code -} (no {@code /}, not {@code .} or {@code ..}), at most 200 characters.
 */
public record GroupName(String value) {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final int MAX_LENGTH = 200;

    public GroupName {
        Objects.requireNonNull(value, "value");
        if (!ALLOWED.matcher(value).matches() || value.equals(".") || value.equals("..")
                || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("invalid group name '" + value + "': a group name is one cgroup"
                    + " directory name of 1 to " + MAX_LENGTH + " characters from [A-Za-z0-9_.-], not '.' or '..'"
                    + " (no '/': groups are created as ergometer.slice/<name>)");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
