package dev.ergometer.profiler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interned frames and stacks: each distinct frame name gets an int id, each distinct stack (frame ids from the root
 * to the leaf) an int id, so that samples are counted by stack id. Only grows. Thread-safe.
 *
 * <p>Frame names are {@code package.Class.method}; names in brackets ({@code [GC Thread#0]}) are the profiler's own:
 * energy of threads without samples, of the profiler itself, or not accounted to any thread.
 */
final class StackTable {

    private final Map<String, Integer> frameIds = new HashMap<>();
    private final List<String> frames = new ArrayList<>();
    private final Map<Key, Integer> stackIds = new HashMap<>();
    private final List<int[]> stacks = new ArrayList<>();

    synchronized int frame(String name) {
        Integer id = frameIds.get(name);
        if (id == null) {
            id = frames.size();
            frames.add(name);
            frameIds.put(name, id);
        }
        return id;
    }

    /** The id of the stack of these frame ids, root first (the array is kept: do not change it afterwards). */
    synchronized int stack(int[] rootToLeaf) {
        Key key = new Key(rootToLeaf);
        Integer id = stackIds.get(key);
        if (id == null) {
            id = stacks.size();
            stacks.add(rootToLeaf);
            stackIds.put(key, id);
        }
        return id;
    }

    /** The id of the stack of these frame names, root first. */
    int stack(String... rootToLeaf) {
        int[] ids = new int[rootToLeaf.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = frame(rootToLeaf[i]);
        }
        return stack(ids);
    }

    synchronized String frameName(int id) {
        return frames.get(id);
    }

    /** The frames of stack {@code id}, root first (shared: do not change). */
    synchronized int[] frames(int stackId) {
        return stacks.get(stackId);
    }

    synchronized int stackCount() {
        return stacks.size();
    }

    /** All frame names, by id. */
    synchronized List<String> frameNames() {
        return List.copyOf(frames);
    }

    private record Key(int[] frames) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(frames, k.frames);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(frames);
        }
    }
}
