package io.deadunit.exporter.stats;

/**
 * The element-wise loops of {@link FloatScan}: element j of a staged run is added into slot j of each statistic.
 * Written for C2's auto-vectorisation (JDK 17): small loop bodies, the same index into every array, plain float
 * arithmetic only (see the notes on each loop).
 */
final class SlotKernels {
    /** 2^149 in two factors (2^149 is no float): scales the smallest float, 2^-149, to 1. */
    private static final float SCALE_A = 0x1p100f;
    private static final float SCALE_B = 0x1p49f;
    /** 2^23: adding and subtracting it rounds a float in [0, 2^23) to an integer. */
    private static final float ROUND = 0x1p23f;

    private SlotKernels() {
    }

    /**
     * Adds {@code x[j]} into slot j for j below n; sums of |v| only with {@code magnitudes} (gradients keep none).
     * Element-wise loops only, each small: C2 (JDK 17) vectorises a loop only if its body is small enough to
     * unroll, and only if every array is indexed alike (x and the slots are all float[], which it cannot tell apart:
     * a different offset per array would look like a dependence).
     */
    static void add(float[] x, int n, Slots s, boolean magnitudes, boolean bounded, float low, float high) {
        if (magnitudes) {
            twoSumAbs(x, n, s.absHi, s.absLo);
        }
        twoSum(x, n, s.sumHi, s.sumLo);
        twoSumSquares(x, n, s.sqHi, s.sqLo);
        countNonZero(x, n, s.nonZero);
        if (bounded) {
            countSaturated(x, n, s.saturated, low, high);
        }
    }

    /** Knuth's TwoSum: hi + a is hi' + e exactly, with e added into lo. Branch-free, six float operations. */
    private static void twoSumAbs(float[] x, int n, float[] hi, float[] lo) {
        for (int j = 0; j < n; j++) {
            float a = Math.abs(x[j]);
            float old = hi[j];
            float t = old + a;
            float b = t - old;
            lo[j] += (old - (t - b)) + (a - b);
            hi[j] = t;
        }
    }

    private static void twoSum(float[] x, int n, float[] hi, float[] lo) {
        for (int j = 0; j < n; j++) {
            float a = x[j];
            float old = hi[j];
            float t = old + a;
            float b = t - old;
            lo[j] += (old - (t - b)) + (a - b);
            hi[j] = t;
        }
    }

    private static void twoSumSquares(float[] x, int n, float[] hi, float[] lo) {
        for (int j = 0; j < n; j++) {
            float a = x[j] * x[j];
            float old = hi[j];
            float t = old + a;
            float b = t - old;
            lo[j] += (old - (t - b)) + (a - b);
            hi[j] = t;
        }
    }

    /*
     * Counting without a branch, a min/max or a look at the bits: C2 (JDK 17) vectorises none of those here (Math.min
     * on floats is intrinsified only when its profile looks unpredictable; Float.floatToRawIntBits and float-to-int
     * conversions are not vectorised). Plain float arithmetic is, and is exact on these values:
     * t = |v|·2^149 is 0 for ±0 and at least 1 otherwise (the smallest float is 2^-149; a large one gives +Inf);
     * 1/(1+t) is then exactly 1, or at most 1/2; and (r + 2^23) − 2^23 rounds r ∈ [0, 1] to the nearest integer,
     * ties to even, which maps 1 to 1 and [0, 1/2] to 0. So zero(v) is exactly 1 for ±0 and exactly 0 otherwise.
     * For v ≤ low: d = v − low is ≤ 0 exactly when v ≤ low (a difference of floats is 0 only for equal floats and
     * at least 2^-149 in magnitude otherwise, with the exact sign); d + |d| is 0 then, else at least 2^-148 (or
     * +Inf), so scaled by 2^149 it is 0 or at least 2 and the same rounding counts it. (Scaling d before adding
     * |d| would overflow to -Inf + Inf = NaN for a value far below the bound.)
     */

    private static void countNonZero(float[] x, int n, float[] count) {
        for (int j = 0; j < n; j++) {
            float t = Math.abs(x[j]) * SCALE_A * SCALE_B;
            count[j] += 1f - ((1f / (1f + t) + ROUND) - ROUND);
        }
    }

    /** Two loops (v ≤ low, then high ≤ v): one loop doing both is too large for C2 to unroll, hence to vectorise. */
    private static void countSaturated(float[] x, int n, float[] count, float low, float high) {
        for (int j = 0; j < n; j++) {
            float d = x[j] - low;
            count[j] += (1f / (1f + (d + Math.abs(d)) * SCALE_A * SCALE_B) + ROUND) - ROUND;
        }
        for (int j = 0; j < n; j++) {
            float d = high - x[j];
            count[j] += (1f / (1f + (d + Math.abs(d)) * SCALE_A * SCALE_B) + ROUND) - ROUND;
        }
    }

    /** Per-slot float partials: compensated sums of |v|, v and v², and counts of non-zero and saturated values. */
    static final class Slots {
        final int capacity;
        final float[] absHi;
        final float[] absLo;
        final float[] sumHi;
        final float[] sumLo;
        final float[] sqHi;
        final float[] sqLo;
        final float[] nonZero;
        final float[] saturated;

        Slots(int capacity) {
            this.capacity = capacity;
            absHi = new float[capacity];
            absLo = new float[capacity];
            sumHi = new float[capacity];
            sumLo = new float[capacity];
            sqHi = new float[capacity];
            sqLo = new float[capacity];
            nonZero = new float[capacity];
            saturated = new float[capacity];
        }
    }
}
