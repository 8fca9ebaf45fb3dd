package dev.ergometer.attribution;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads which container and which Kubernetes pod a cgroup belongs to from its path, as container runtimes and the
 * kubelet name their cgroups.
 *
 * <p>Containers: Docker ({@code /docker/<64 hex>} with the cgroupfs driver, {@code docker-<64 hex>.scope} with
 * systemd), containerd ({@code cri-containerd-<id>.scope}), CRI-O ({@code crio-<id>.scope}) and Podman
 * ({@code libpod-<id>.scope}); the runtimes' monitor scopes ({@code crio-conmon-}, {@code libpod-conmon-}) are not
 * containers. Pods: {@code kubepods-burstable-pod<uid>.slice} (systemd driver, with {@code _} in place of the UID's
 * {@code -}), {@code /kubepods/besteffort/pod<uid>/} (cgroupfs driver); a pod directly under {@code kubepods} is of
 * the Guaranteed class.
 */
public final class CgroupPaths {

    private static final String HEX64 = "([0-9a-f]{64})";
    private static final Pattern DOCKER_SCOPE = Pattern.compile("docker-" + HEX64 + "\\.scope");
    private static final Pattern CONTAINERD_SCOPE = Pattern.compile("cri-containerd-" + HEX64 + "\\.scope");
    private static final Pattern CRIO_SCOPE = Pattern.compile("crio-" + HEX64 + "\\.scope");
    private static final Pattern PODMAN_SCOPE = Pattern.compile("libpod-" + HEX64 + "\\.scope");
    private static final Pattern PLAIN_ID = Pattern.compile(HEX64);
    private static final String UID = "([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})";
    private static final Pattern SYSTEMD_POD = Pattern.compile("kubepods(?:-(burstable|besteffort))?-pod" + UID
            + "\\.slice");
    private static final Pattern CGROUPFS_POD = Pattern.compile("pod" + UID);

    private CgroupPaths() {
    }

    /** The container whose cgroup is {@code path} or one of its ancestors, when a runtime's naming is recognised. */
    public static Optional<Consumer.Container> container(String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            String part = parts[i];
            Optional<Consumer.Container> found = scope(part);
            if (found.isPresent()) {
                return found;
            }
            if (i > 0 && parts[i - 1].equals("docker") && PLAIN_ID.matcher(part).matches()) {
                return Optional.of(new Consumer.Container("docker", part));
            }
        }
        return Optional.empty();
    }

    /** The Kubernetes pod whose cgroup is {@code path} or one of its ancestors, when it is under {@code kubepods}. */
    public static Optional<Consumer.Pod> pod(String path) {
        String[] parts = path.split("/");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            Matcher systemd = SYSTEMD_POD.matcher(part);
            if (systemd.matches()) {
                return Optional.of(new Consumer.Pod(dashed(systemd.group(2)), qos(systemd.group(1))));
            }
            Matcher cgroupfs = CGROUPFS_POD.matcher(part);
            if (cgroupfs.matches() && i > 0) {
                String parent = parts[i - 1];
                if (parent.equals("kubepods")) {
                    return Optional.of(new Consumer.Pod(dashed(cgroupfs.group(1)), Consumer.QosClass.GUARANTEED));
                }
                if (i > 1 && parts[i - 2].equals("kubepods")
                        && (parent.equals("burstable") || parent.equals("besteffort"))) {
                    return Optional.of(new Consumer.Pod(dashed(cgroupfs.group(1)), qos(parent)));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Consumer.Container> scope(String part) {
        if (!part.endsWith(".scope")) {
            return Optional.empty();
        }
        Matcher m;
        if ((m = DOCKER_SCOPE.matcher(part)).matches()) {
            return Optional.of(new Consumer.Container("docker", m.group(1)));
        }
        if ((m = CONTAINERD_SCOPE.matcher(part)).matches()) {
            return Optional.of(new Consumer.Container("containerd", m.group(1)));
        }
        if ((m = CRIO_SCOPE.matcher(part)).matches()) {
            return Optional.of(new Consumer.Container("cri-o", m.group(1)));
        }
        if ((m = PODMAN_SCOPE.matcher(part)).matches()) {
            return Optional.of(new Consumer.Container("podman", m.group(1)));
        }
        return Optional.empty();
    }

    private static Consumer.QosClass qos(String name) {
        if (name == null) {
            return Consumer.QosClass.GUARANTEED;
        }
        return name.equals("burstable") ? Consumer.QosClass.BURSTABLE : Consumer.QosClass.BEST_EFFORT;
    }

    private static String dashed(String uid) {
        return uid.replace('_', '-');
    }
}
