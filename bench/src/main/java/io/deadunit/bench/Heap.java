package io.deadunit.bench;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Heap after a full GC: MemoryMXBean "used" and the class histogram's total (which forces its own full GC). */
final class Heap {
    long used;
    long histogramTotal;
    long histogramInstances;
    long deadunitBytes;
    String text;

    /** {@code jcmd PID GC.class_histogram} from inside: a full GC, then live instances and bytes per class. */
    static String histogramText() throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
    }

    /** {@code -Dbench.histogramTop=N}: the N biggest classes of each histogram, on stderr (diagnostics). */
    static final int TOP = Integer.getInteger("bench.histogramTop", 0);

    /**
     * ND4J frees an INDArray's native buffer from its own deallocator threads, after a GC has enqueued the
     * array's phantom reference; until then each dead array still holds ~150 bytes of bookkeeping on the heap
     * (DeallocatableReference, OpaqueDataBuffer, map nodes, id strings). So: histogram (full GC), give the
     * deallocator threads time, again, until the live total stops shrinking.
     */
    static Heap afterFullGc(String label) throws Exception {
        Heap h = histogram();
        for (int k = 0; k < 30; k++) {
            Thread.sleep(200);
            Heap next = histogram();
            boolean settled = h.histogramTotal - next.histogramTotal < 16 * 1024;
            h = next;
            if (settled) {
                break;
            }
        }
        String dir = System.getProperty("bench.histogramDir");
        if (dir != null) {
            java.nio.file.Path file = java.nio.file.Path.of(dir, "histogram-" + label + ".txt");
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(file, h.text);
        }
        System.gc();
        h.used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return h;
    }

    private static Heap histogram() throws Exception {
        Heap h = new Heap();
        h.text = histogramText();
        String histogram = h.text;
        if (TOP > 0) {
            String[] lines = histogram.split("\n");
            for (int k = 0; k < Math.min(lines.length, TOP + 3); k++) {
                System.err.println(lines[k]);
            }
        }
        for (String line : histogram.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals("Total")) {
                h.histogramInstances = Long.parseLong(f[1]);
                h.histogramTotal = Long.parseLong(f[2]);
            } else if (f.length >= 4 && f[3].startsWith("io.deadunit.")) {
                h.deadunitBytes += Long.parseLong(f[2]);
            }
        }
        return h;
    }
}
