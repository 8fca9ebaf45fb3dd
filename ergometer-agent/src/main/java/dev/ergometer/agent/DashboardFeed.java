package dev.ergometer.agent;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dashboard's live data: the agent states of the last minutes in a ring (what a page that opens draws first),
 * and one bounded queue per connected event stream (what it draws next).
 *
 * <p>The scheduler thread {@link #publish publishes} each new state; that never waits: a state goes into each
 * client's queue with {@link ArrayBlockingQueue#offer}, and a client whose queue is full (its browser reads more slowly
 * than the agent samples) is dropped then and there, its queue emptied and its stream told to end. The browser's
 * {@code EventSource} reconnects by itself and reloads the history, so a slow client loses a stretch of live points,
 * never the agent a sample. Each stream's own thread ({@link DashboardEndpoint}) takes states out and writes them.
 */
final class DashboardFeed implements AutoCloseable {

    /** How far back the history reaches. */
    static final Duration HISTORY_WINDOW = Duration.ofMinutes(10);

    /** The most states the history keeps: ten minutes at a 50 ms scrape interval. */
    static final int MAX_HISTORY_POINTS = 12_000;

    /** States waiting per client before it counts as too slow and is dropped. */
    static final int CLIENT_QUEUE_EVENTS = 256;

    /** The most event streams at once: each holds an HTTP thread, and /metrics must keep some. */
    static final int MAX_CLIENTS = 32;

    /** Put in a client's queue to end its stream: the client was dropped or the agent stops. */
    private static final AgentState END = new AgentState("end", false, "end", List.of(), 0, 0, List.of(), 0, "END");

    private final long windowMillis;
    private final int maxPoints;
    private final int clientQueueEvents;
    private final int maxClients;
    private final ArrayDeque<AgentState> history = new ArrayDeque<>();   // guarded by itself
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong droppedClients = new AtomicLong();
    private volatile boolean closed;

    DashboardFeed(Duration window, int maxPoints, int clientQueueEvents, int maxClients) {
        this.windowMillis = Objects.requireNonNull(window, "window").toMillis();
        if (windowMillis <= 0 || maxPoints < 1 || clientQueueEvents < 1 || maxClients < 1) {
            throw new IllegalArgumentException("a dashboard feed needs a positive window, history, queue and client"
                    + " count, got " + window + ", " + maxPoints + " points, " + clientQueueEvents
                    + " events per client, " + maxClients + " clients");
        }
        this.maxPoints = maxPoints;
        this.clientQueueEvents = clientQueueEvents;
        this.maxClients = maxClients;
    }

    /** A feed with the agent's sizes: ten minutes, 12 000 points, 256 events per client, 32 clients. */
    static DashboardFeed standard() {
        return new DashboardFeed(HISTORY_WINDOW, MAX_HISTORY_POINTS, CLIENT_QUEUE_EVENTS, MAX_CLIENTS);
    }

    /** Adds a new state to the history and to every client's queue; never waits (called by the scheduler). */
    void publish(AgentState state) {
        Objects.requireNonNull(state, "state");
        synchronized (history) {
            history.addLast(state);
            long oldest = state.sampleWallMillis() - windowMillis;
            while (history.size() > maxPoints || history.getFirst().sampleWallMillis() < oldest) {
                history.removeFirst();
            }
        }
        for (Client client : clients) {
            client.offer(state);   // returns at once for a client that was dropped or ended
        }
    }

    /** The states of the history window, the oldest first. */
    List<AgentState> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /**
     * A new client that receives every state published from now on, until it is closed, dropped, or the feed closes.
     *
     * @throws IllegalStateException when the feed is closed (the agent stops) or serves its most clients already
     */
    synchronized Client connect() {
        if (closed) {
            throw new IllegalStateException("the agent is stopping; its dashboard streams no more events");
        }
        if (clients.size() >= maxClients) {
            throw new IllegalStateException(maxClients + " dashboard event streams are open already, the most one"
                    + " agent serves; close a dashboard tab and reload this one");
        }
        Client client = new Client(clientQueueEvents);
        clients.add(client);
        return client;
    }

    /**
     * How many streams are open now: a dropped client counts until its handler gives up its write and closes it, so
     * {@link #MAX_CLIENTS} also bounds the HTTP threads that stalled browsers hold.
     */
    int clientCount() {
        return clients.size();
    }

    /** How many clients were dropped because they read too slowly. */
    long droppedClients() {
        return droppedClients.get();
    }

    /** Ends every client's stream and refuses new ones. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        for (Client client : clients) {
            client.end();
        }
    }

    /** One connected event stream: a bounded queue of states, taken out by the stream's own thread. */
    final class Client implements AutoCloseable {

        private final int capacity;
        private final ArrayBlockingQueue<AgentState> queue;
        private volatile boolean ended;
        private volatile boolean dropped;

        private Client(int capacity) {
            this.capacity = capacity;
            this.queue = new ArrayBlockingQueue<>(capacity + 1);   // + 1: room for END when full
        }

        /** Called by the publishing thread only, so the size cannot grow between the check and the offer. */
        private void offer(AgentState state) {
            if (ended) {
                return;
            }
            if (queue.size() >= capacity) {
                dropped = true;
                droppedClients.incrementAndGet();
                end();
                return;
            }
            queue.offer(state);
        }

        /** Ends the stream; the client still counts until its handler {@link #close closes} it. */
        private void end() {
            ended = true;
            queue.clear();
            queue.offer(END);
        }

        /**
         * The next state, waiting up to {@code timeout}; {@code null} when none came meanwhile (time for a
         * keep-alive) or when the stream is over ({@link #over()} tells them apart).
         */
        AgentState next(Duration timeout) throws InterruptedException {
            if (ended) {
                return null;
            }
            AgentState state = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return state == END ? null : state;
        }

        /** True once the stream is over: dropped for reading too slowly, closed, or the feed closed. */
        boolean over() {
            return ended;
        }

        /** True when this client was dropped for reading too slowly. */
        boolean dropped() {
            return dropped;
        }

        /** Ends the stream and stops counting it: its handler is done. */
        @Override
        public void close() {
            end();
            clients.remove(this);
        }
    }
}
