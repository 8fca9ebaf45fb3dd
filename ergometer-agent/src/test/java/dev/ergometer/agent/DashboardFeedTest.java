package dev.ergometer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DashboardFeedTest {

    private static AgentState state(long wallMillis, long samples) {
        return new AgentState("powercap", false, "test", List.of(), wallMillis, samples, List.of(), 0, "USD");
    }

    @Test
    void everyClientReceivesEveryStateInOrder() throws Exception {
        DashboardFeed feed = new DashboardFeed(Duration.ofMinutes(10), 100, 16, 4);
        DashboardFeed.Client first = feed.connect();
        DashboardFeed.Client second = feed.connect();

        for (int n = 1; n <= 10; n++) {
            feed.publish(state(1_000L * n, n));
        }

        for (DashboardFeed.Client client : List.of(first, second)) {
            List<Long> received = new ArrayList<>();
            for (AgentState s; (s = client.next(Duration.ofMillis(10))) != null; ) {
                received.add(s.samplesTaken());
            }
            assertThat(received).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(client.over()).isFalse();
        }
        assertThat(feed.clientCount()).isEqualTo(2);
    }

    @Test
    void aClientThatStopsReadingIsDroppedAndNeverDelaysThePublisher() throws Exception {
        DashboardFeed feed = new DashboardFeed(Duration.ofMinutes(10), 100, 8, 4);
        DashboardFeed.Client stalled = feed.connect();
        DashboardFeed.Client reader = feed.connect();
        List<Long> read = new CopyOnWriteArrayList<>();
        Thread readerThread = Thread.ofPlatform().start(() -> {
            try {
                for (AgentState s; (s = reader.next(Duration.ofSeconds(2))) != null; ) {
                    read.add(s.samplesTaken());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        long slowestNanos = 0;
        for (int n = 1; n <= 2_000; n++) {
            long start = System.nanoTime();
            feed.publish(state(n, n));
            slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
            if (n % 4 == 0) {
                // The reader keeps up as a browser does with a sampler (the wait is the test's, not publish's);
                // the stalled client never reads.
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (read.size() < n && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
        }
        feed.close();
        readerThread.join(5_000);

        assertThat(stalled.dropped()).isTrue();
        assertThat(stalled.over()).isTrue();
        assertThat(stalled.next(Duration.ofMillis(10))).as("a dropped client's stream ends").isNull();
        assertThat(feed.droppedClients()).isEqualTo(1);
        assertThat(feed.clientCount()).as("a dropped client counts until its handler closes it").isEqualTo(2);
        stalled.close();
        reader.close();
        assertThat(feed.clientCount()).isZero();
        assertThat(reader.dropped()).isFalse();
        assertThat(read).hasSize(2_000).isSorted();
        assertThat(slowestNanos).as("the slowest publish, ns").isLessThan(Duration.ofMillis(50).toNanos());
    }

    @Test
    void historyKeepsTheWindowAndAtMostItsSize() {
        DashboardFeed feed = new DashboardFeed(Duration.ofSeconds(10), 5, 8, 4);
        for (int n = 1; n <= 4; n++) {
            feed.publish(state(1_000L * n, n));
        }
        assertThat(feed.history()).extracting(AgentState::samplesTaken).containsExactly(1L, 2L, 3L, 4L);

        feed.publish(state(12_500, 5));
        assertThat(feed.history()).as("older than 10 s before the newest goes")
                .extracting(AgentState::samplesTaken).containsExactly(3L, 4L, 5L);

        for (int n = 6; n <= 9; n++) {
            feed.publish(state(12_500L + n, n));
        }
        assertThat(feed.history()).as("at most 5").extracting(AgentState::samplesTaken)
                .containsExactly(5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void closingEndsEveryStreamAndRefusesNewClients() throws Exception {
        DashboardFeed feed = new DashboardFeed(Duration.ofMinutes(10), 100, 8, 4);
        DashboardFeed.Client client = feed.connect();
        feed.publish(state(1, 1));

        feed.close();

        assertThat(client.next(Duration.ofSeconds(1))).isNull();
        assertThat(client.over()).isTrue();
        assertThat(client.dropped()).isFalse();
        assertThat(feed.clientCount()).as("until its handler closes it").isEqualTo(1);
        client.close();
        assertThat(feed.clientCount()).isZero();
        assertThatThrownBy(feed::connect).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopping");
    }

    @Test
    void aClosedClientGetsNothingMore() throws Exception {
        DashboardFeed feed = new DashboardFeed(Duration.ofMinutes(10), 100, 8, 4);
        DashboardFeed.Client client = feed.connect();
        client.close();

        feed.publish(state(1, 1));

        assertThat(client.next(Duration.ofMillis(10))).isNull();
        assertThat(client.over()).isTrue();
        assertThat(feed.clientCount()).isZero();
    }

    @Test
    void aFeedServesAtMostItsClientsAndSaysSo() {
        DashboardFeed feed = new DashboardFeed(Duration.ofMinutes(10), 100, 8, 2);
        DashboardFeed.Client first = feed.connect();
        feed.connect();

        assertThatThrownBy(feed::connect).isInstanceOf(IllegalStateException.class)
                .hasMessage("2 dashboard event streams are open already, the most one agent serves; close a dashboard"
                        + " tab and reload this one");
        first.close();
        assertThat(feed.connect()).isNotNull();
    }
}
