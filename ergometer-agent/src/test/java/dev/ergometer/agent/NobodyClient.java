package dev.ergometer.agent;

import dev.ergometer.groups.CgroupException;
import dev.ergometer.groups.MeteredGroup;
import dev.ergometer.groups.ProcessGroups;
import dev.ergometer.json.JsonReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The client side of GroupsSocketAsNobodyTest, run in a child JVM as nobody: uses the agent as an ordinary user
 * would and prints one line per step ({@code step: outcome}) for the test to check. Needs only ergometer-core.
 *
 * <p>Arguments: the agent's socket, the pid of a root process, the name of a group root created, and a socket that
 * only root may connect to.
 */
final class NobodyClient {

    private NobodyClient() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        long rootPid = Long.parseLong(args[1]);
        String rootGroup = args[2];
        Path rootOnly = Path.of(args[3]);
        long me = ProcessHandle.current().pid();
        System.out.println("pid: " + me);
        try (ProcessGroups ignored = ProcessGroups.openAgent(rootOnly)) {
            System.out.println("root-only: connected");
        } catch (IOException e) {
            System.out.println("root-only: " + e.getMessage());
        }
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try (ProcessGroups api = ProcessGroups.openAgent(socket)) {
            System.out.println("backend: " + api.backend());
            MeteredGroup own = api.createGroup("nobody-own-" + me, sleeper.pid());
            System.out.println("own: " + own.name() + " createdHere=" + own.createdHere());
            try {
                api.createGroup("nobody-foreign-" + me, rootPid);
                System.out.println("foreign: created");
            } catch (CgroupException e) {
                System.out.println("foreign: " + e.getMessage());
            }
            try {
                api.thisGroup(rootPid);
                System.out.println("this-of-root: created");
            } catch (CgroupException e) {
                System.out.println("this-of-root: " + e.getMessage());
            }
            MeteredGroup self = api.group("this");
            long sum = 0;
            for (long i = 0; i < 300_000_000L; i++) {
                sum += i ^ (sum >>> 3);
            }
            System.out.println("this: " + self.name() + " cpuNanos=" + self.cpuNanos() + " positive="
                    + (self.consumption().cpuMicrojoules() > 0) + " (" + (sum & 1) + ")");
            MeteredGroup followed = api.group(rootGroup);
            System.out.println("follow-root-group: createdHere=" + followed.createdHere());
            try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                raw.connect(UnixDomainSocketAddress.of(socket));
                raw.write(ByteBuffer.wrap(("{\"op\":\"remove\",\"name\":\"" + rootGroup + "\"}\n")
                        .getBytes(StandardCharsets.UTF_8)));
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                ByteBuffer in = ByteBuffer.allocate(1);
                while (raw.read(in.clear()) > 0 && in.get(0) != '\n') {
                    line.write(in.get(0));
                }
                System.out.println("remove-root-group: " + JsonReader.object(line.toString(StandardCharsets.UTF_8))
                        .get("error"));
            }
        } finally {
            sleeper.destroy();
            sleeper.waitFor(5, TimeUnit.SECONDS);
        }
        System.out.println("closed: yes");
    }
}
