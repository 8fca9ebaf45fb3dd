package dev.ergometer.agent;

import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rules for process groups made through the agent's socket, as vJoule's {@code vjoule} group has them: root may
 * do anything; anyone else who can reach the socket may group only processes of their own user (the owner of
 * {@code /proc/PID}), and may remove only the groups their user created. Every refusal names the rule and the fix.
 */
final class GroupPermissions {

    /** Where the rules are explained. */
    static final String DOCS = "see docs/attribution.md, \"Through the agent\"";

    private final SystemPaths paths;

    GroupPermissions(SystemPaths paths) {
        this.paths = Objects.requireNonNull(paths, "paths");
    }

    /** A client of the socket: its connection and its user, as the kernel reported it (SO_PEERCRED). */
    record Peer(long connection, UserPrincipal user, boolean root) {

        Peer {
            Objects.requireNonNull(user, "user");
        }

        /** A peer whose root-ness is read from its user: uid 0. */
        static Peer of(long connection, UserPrincipal user) {
            return new Peer(connection, user, isRoot(user));
        }

        String name() {
            return user.getName();
        }
    }

    /** A request a rule refused: what was refused, the rule, and what to do instead. */
    static final class Refusal extends Exception {
        final String what;
        final String reason;
        final String fix;

        Refusal(String what, String reason, String fix) {
            super(what + ": " + reason + ". Fix: " + fix);
            this.what = what;
            this.reason = reason;
            this.fix = fix;
        }
    }

    /** True for uid 0 (principals compare by uid; "0" is looked up as the uid itself). */
    static boolean isRoot(UserPrincipal user) {
        try {
            return user.equals(FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Checks that a non-root peer owns every process it asks to group; returns the pids to pass on. A process that
     * does not exist is refused too: its pid could meanwhile be given to another user's process.
     */
    List<Long> checkOwnProcesses(Peer peer, String what, List<Long> pids) throws Refusal {
        if (peer.root()) {
            return pids;
        }
        List<Long> checked = new ArrayList<>();
        for (long pid : pids) {
            UserPrincipal owner = ownerOf(pid, what);
            if (!owner.equals(peer.user())) {
                throw new Refusal(what, "process " + pid + " belongs to user " + owner.getName() + ", not to "
                        + peer.name() + ": through erg agent, a member of the socket's group may group only"
                        + " processes of their own user (root may group any)",
                        "pass only your own processes (ps -o pid,user -p " + pid + " shows the owner), or run it"
                                + " as root; " + DOCS);
            }
            checked.add(pid);
        }
        return checked;
    }

    /** Checks that a peer may remove a group its creator's user made through the agent. */
    void checkMayRemove(Peer peer, String group, UserPrincipal creator) throws Refusal {
        if (peer.root() || creator.equals(peer.user())) {
            return;
        }
        throw new Refusal("cannot remove process group " + group, "it was created through erg agent by user "
                + creator.getName() + ", not by " + peer.name() + ": only the user who created a group (or root) may"
                + " remove it", "ask " + (isRoot(creator) ? "root" : creator.getName() + " or root")
                + " to remove it; to stop following it, close"
                + " your ProcessGroups (or send forget); " + DOCS);
    }

    /** Checks that a non-root peer stays under the number of groups one connection may follow. */
    void checkGroupCount(Peer peer, String what, int following, int limit) throws Refusal {
        if (!peer.root() && following >= limit) {
            throw new Refusal(what, "this connection follows " + following + " groups already, the most a non-root"
                    + " client may", "remove or forget groups you no longer need, or open another connection");
        }
    }

    private UserPrincipal ownerOf(long pid, String what) throws Refusal {
        if (pid <= 0) {
            throw new Refusal(what, "pid " + pid + " is not a process id", "pass pids greater than 0");
        }
        try {
            return Files.getOwner(paths.proc(Long.toString(pid)), LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new Refusal(what, "process " + pid + " does not exist (" + e.getFile() + " is absent: it ended, or"
                    + " lives in another pid namespace than the agent)", "pass the pids of running processes of"
                    + " your own");
        } catch (IOException e) {
            throw new Refusal(what, "cannot tell who owns process " + pid + ": " + e, "run the agent with a"
                    + " readable procfs (ERGOMETER_PROCFS / --procfs)");
        }
    }
}
