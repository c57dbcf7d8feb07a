package io.deadunit.exporter.stats;

/**
 * The last few zero-copy views made on this thread, by the memory they cover: a workspace hands a layer's output the
 * same memory at every iteration, and a model's weights never move, while making a view (JavaCPP's JNI buffer, ND4J's
 * wrappers) costs more than scanning a small tensor. The caller describes the memory (pointer kind, address,
 * position, limit, buffer offset, element type) and gets back the view it made for exactly that memory before.
 *
 * <p>Here, in the agent's own loader, rather than in the DL4J adapter: a thread-local value lives as long as its
 * thread, and one whose class came from an adapter loader would pin that loader and the application's DL4J loader
 * behind it on every thread that outlives them (a notebook's kernel thread). Only JDK types and this module's are
 * held: the pointer's kind by class name, views as JNI direct buffers that reference nothing of ND4J's.
 */
public final class RecentViews {
    private static final int SIZE = 16;
    private static final ThreadLocal<RecentViews> PER_THREAD = ThreadLocal.withInitial(RecentViews::new);

    private final String[] kinds = new String[SIZE];
    private final long[] addresses = new long[SIZE];
    private final long[] positions = new long[SIZE];
    private final long[] limits = new long[SIZE];
    private final long[] offsets = new long[SIZE];
    private final boolean[] floats = new boolean[SIZE];
    private final TensorData[] views = new TensorData[SIZE];
    private int next;

    RecentViews() {
    }

    /** This thread's views (a view's position is its reader's, so views are never shared between threads). */
    public static RecentViews forThread() {
        return PER_THREAD.get();
    }

    /** The view remembered for exactly this memory, or null. */
    public TensorData find(String kind, long address, long position, long limit, long offset, boolean isFloat) {
        for (int i = 0; i < SIZE; i++) {
            if (views[i] != null && addresses[i] == address && positions[i] == position && limits[i] == limit
                    && offsets[i] == offset && floats[i] == isFloat && kinds[i].equals(kind)) {
                return views[i];
            }
        }
        return null;
    }

    /** Remembers {@code view} for this memory, replacing the oldest entry. */
    public void remember(String kind, long address, long position, long limit, long offset, boolean isFloat,
                         TensorData view) {
        int i = next;
        next = (next + 1) % SIZE;
        kinds[i] = kind;
        addresses[i] = address;
        positions[i] = position;
        limits[i] = limit;
        offsets[i] = offset;
        floats[i] = isFloat;
        views[i] = view;
    }
}
