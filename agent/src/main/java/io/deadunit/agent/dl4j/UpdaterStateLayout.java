package io.deadunit.agent.dl4j;

import java.util.Arrays;
import java.util.Map;

/**
 * The index maths of revival, free of DL4J types (unit-tested with arrays).
 *
 * <p>Parameters: a unit's incoming weights are a column of the compact {@code W [nIn, nOut]}, its outgoing weights a
 * row of the next layer's {@code W}, its bias one element of a vector; positions are offsets within the parameter's
 * own view, from its shape's strides.
 *
 * <p>Updater state: DL4J groups consecutive parameters with equal updater configuration into blocks; a block of
 * {@code n} parameters owns {@code stateLength} elements of the updater state view, laid out as
 * {@code stateLength / n} contiguous segments of {@code n}, element {@code i} of a segment belonging to the block's
 * parameter {@code i}. A block whose state is not a whole number of segments has no known layout.
 */
final class UpdaterStateLayout {

    /** What each state segment of an updater holds, for the updaters revival knows. */
    enum Kind {
        /** Sgd, NoOp: no state. */
        NONE,
        /** Nesterovs: one velocity segment; zeroed. */
        MOMENTA,
        /** Adam, Nadam, AdaMax, AMSGrad, AdaBelief: a first moment {@code m}, then running scales. */
        MOMENT_THEN_SCALES,
        /** RmsProp, AdaGrad, AdaDelta: running averages of squares only. */
        SCALES;

        private static final String CONFIG = "org.nd4j.linalg.learning.config.";
        /** By exact class name: a release without one of them (AdaBelief is newer than 1.0.0-beta7) still links. */
        private static final Map<String, Kind> BY_CLASS = Map.ofEntries(
                Map.entry(CONFIG + "Sgd", NONE), Map.entry(CONFIG + "NoOp", NONE),
                Map.entry(CONFIG + "Nesterovs", MOMENTA),
                Map.entry(CONFIG + "Adam", MOMENT_THEN_SCALES), Map.entry(CONFIG + "Nadam", MOMENT_THEN_SCALES),
                Map.entry(CONFIG + "AdaMax", MOMENT_THEN_SCALES), Map.entry(CONFIG + "AMSGrad", MOMENT_THEN_SCALES),
                Map.entry(CONFIG + "AdaBelief", MOMENT_THEN_SCALES),
                Map.entry(CONFIG + "RmsProp", SCALES), Map.entry(CONFIG + "AdaGrad", SCALES),
                Map.entry(CONFIG + "AdaDelta", SCALES));

        /** The kind of the updater configuration class {@code className}; null when revival does not know it. */
        static Kind of(String className) {
            return BY_CLASS.get(className);
        }

        /**
         * Which of {@code segments} state segments hold a running scale (re-seeded) rather than a momentum (zeroed).
         * Zeroing a scale at a late iteration is no fresh start: DL4J's bias correction uses the block's global
         * iteration, so Adam's first steps after a zeroed {@code v} are 3 to 6 times the learning rate.
         */
        boolean[] scaleSegments(int segments) {
            boolean[] scale = new boolean[segments];
            if (this == SCALES) {
                Arrays.fill(scale, true);
            } else if (this == MOMENT_THEN_SCALES) {
                for (int s = 1; s < segments; s++) {
                    scale[s] = true;
                }
            }
            return scale;
        }
    }

    private UpdaterStateLayout() {
    }

    /**
     * State segments of a block of {@code n} parameters whose state is {@code stateLength} elements long: 0 when it
     * has no state or its state is not a whole number of segments (then its layout is unknown and left alone).
     */
    static int segments(long n, long stateLength) {
        if (n <= 0 || stateLength <= 0 || stateLength % n != 0 || stateLength / n > Integer.MAX_VALUE) {
            return 0;
        }
        return (int) (stateLength / n);
    }

    /**
     * Indices in the whole updater state view of segment {@code segment} of the state of parameters
     * {@code positions} of a parameter that starts {@code start} elements into a block of {@code n} parameters whose
     * state starts at {@code stateStart}.
     */
    static long[] stateIndices(long stateStart, long n, int segment, long start, long[] positions) {
        long[] out = new long[positions.length];
        long base = stateStart + segment * n + start;
        for (int i = 0; i < positions.length; i++) {
            out[i] = base + positions[i];
        }
        return out;
    }

    /** Positions of columns {@code units} of a {@code [rows, ...]} matrix with strides {@code stride}. */
    static long[] columns(long rows, long[] stride, int[] units) {
        long[] out = new long[Math.toIntExact(units.length * rows)];
        int o = 0;
        for (int j : units) {
            for (long r = 0; r < rows; r++) {
                out[o++] = r * stride[0] + j * stride[1];
            }
        }
        return out;
    }

    /** Positions of rows {@code units} of a {@code [..., columns]} matrix with strides {@code stride}. */
    static long[] rows(long columns, long[] stride, int[] units) {
        long[] out = new long[Math.toIntExact(units.length * columns)];
        int o = 0;
        for (int j : units) {
            for (long m = 0; m < columns; m++) {
                out[o++] = j * stride[0] + m * stride[1];
            }
        }
        return out;
    }

    /** Positions of elements {@code units} of a vector ({@code [n]}, {@code [1, n]} or {@code [n, 1]}). */
    static long[] elements(long[] shape, long[] stride, int[] units) {
        long step = elementStride(shape, stride);
        long[] out = new long[units.length];
        for (int i = 0; i < units.length; i++) {
            out[i] = units[i] * step;
        }
        return out;
    }

    /** The stride between consecutive elements of a vector ({@code [n]}, {@code [1, n]} or {@code [n, 1]}). */
    static long elementStride(long[] shape, long[] stride) {
        long step = 1;
        for (int a = 0; a < shape.length; a++) {
            if (shape[a] > 1) {
                step = stride[a];
            }
        }
        return step;
    }

    /** Element access to a vector, for {@link #meanOfNonZero}. */
    interface Vector {
        double get(long i);
    }

    /** Mean of the non-zero elements {@code [from, from + length)} of a vector; 0 when there are none. */
    static double meanOfNonZero(Vector vector, long from, long length) {
        double sum = 0;
        long count = 0;
        for (long i = from; i < from + length; i++) {
            double v = vector.get(i);
            if (v != 0) {
                sum += v;
                count++;
            }
        }
        return count == 0 ? 0 : sum / count;
    }
}
