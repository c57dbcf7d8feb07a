package io.deadunit.exporter.stats;

import java.util.Arrays;

/**
 * The fast path of {@link UnitScanner} for float tensors whose innermost (collapsed) axis is contiguous: large bulk
 * reads into a float block, then element-wise loops with no loop-carried dependence and no branch, which C2
 * vectorises (JDK 17 does not vectorise float-to-double conversions nor reductions, so the old loop, which widened
 * each float to a double and summed into scalars, ran one element at a time).
 *
 * <p>Each element adds into "slots": per-slot float partial sums of |v| (activations only: gradients report
 * none), v and v², and float counters of non-zero and saturated values. Rows across units use one slot per (row of
 * a small group, unit); runs of one unit use {@code lanes} slots per unit. Slots are folded into per-unit and
 * per-layer doubles after at most {@link #FLUSH} additions each, and at the end of the tensor.
 *
 * <p>Precision: every partial sum is compensated (Knuth's TwoSum keeps the rounding error of each addition in a
 * second float, exactly), so a folded slot is off by at most γ²·Σ|x| with γ = (FLUSH-1)·2⁻²⁴ ≈ 6.1e-5, i.e.
 * 3.7e-9 of the sum of magnitudes (Ogita, Rump, Oishi 2005, Sum2), and hi and lo are added in double. Sums of
 * |v| and v are then as good as double sums for any practical purpose; v² is one float product (relative error
 * ≤ 2⁻²⁴ ≈ 6e-8 each), so sums of squares are within 6e-8 relative. Counters are floats that never exceed
 * {@link #FLUSH} before a fold: exact.
 *
 * <p>Exactness with NaN and infinities: a non-finite input (or a float overflow: v² above 3.4e38) makes some slot
 * non-finite, which stays so until its fold; then the whole tensor is abandoned ({@code false}) and the caller
 * reruns the exact double path, so non-finite counts and sums stay exact. Nothing reaches the accumulator before
 * the tensor is known to be finite.
 *
 * <p>The scratch arrays are per thread and reused: a scan never calls out, so it is never re-entered.
 */
final class FloatScan {
    /** Floats per bulk read. */
    private static final int BLOCK = 4096;
    /** Rows across few units are grouped so that each element-wise loop covers at least this many slots. */
    private static final int ROW_SLOTS = 256;
    /**
     * Slots per unit for runs of one unit. C2 unrolls a vector loop (16 floats a vector with AVX-512, unrolled
     * four times) and runs what is left one element at a time, so a loop must cover a few hundred elements.
     */
    private static final int LANES = 256;
    /** Floats of the largest segment (every unit's run) transposed in memory into rows across units. */
    private static final int TRANSPOSE_BLOCK = 16384;
    /** Bounds the scratch (8 floats per slot): 2 MiB per training thread at most. */
    private static final int MAX_SLOTS = 1 << 16;
    /** Additions per slot between folds: keeps float counters exact and the compensated sums' bound tiny. */
    private static final int FLUSH = 1024;
    private static final ThreadLocal<FloatScan> SCRATCH = ThreadLocal.withInitial(FloatScan::new);

    private float[] block = new float[BLOCK];
    /** The elements of one element-wise loop, at index 0 like the slots (see {@link SlotKernels#add}). */
    private float[] stage = new float[0];
    /** Rows across units: one set of slots, (row in group, unit) → slot. */
    private SlotKernels.Slots rowSlots = new SlotKernels.Slots(0);
    /** Runs of one unit: one set of {@code lanes} slots per unit. */
    private SlotKernels.Slots[] unitSlots = new SlotKernels.Slots[0];
    private int[] unitCalls = new int[0];
    private double[] unitSumAbs = new double[0];
    private long[] unitNonZero = new long[0];
    private long[] unitSaturated = new long[0];

    private int units;
    private int slots;
    private int lanes;
    private int group;
    private int calls;
    private boolean bounded;
    /** Whether sums of |v| are kept ({@link UnitAccumulator#magnitudes()}); gradients skip that loop. */
    private boolean magnitudes;
    /** Float thresholds equivalent to the double ones: v ≤ low (as floats) exactly when (double) v ≤ lowThreshold. */
    private float low;
    private float high;
    private double sum;
    private double sumSquares;
    private boolean finite;

    private FloatScan() {
    }

    /** Scans the tensor into {@code acc} and returns true, or returns false having added nothing. */
    static boolean scan(FloatTensorData data, long offset, Layout layout, int units, long elements,
                        UnitAccumulator acc) {
        if (!layout.innerContiguous()) {
            return false;
        }
        FloatScan scan = SCRATCH.get();
        int inner = layout.inner();
        long runLength = layout.size[inner];
        long positions = elements / units;
        if (layout.unitDim == inner) {
            return scan.begin(acc, units, true) && scan.walk(data, offset, layout, false)
                    && scan.finish(acc, elements);
        }
        if (layout.unitDim < 0 || (runLength >= LANES && (long) units * LANES <= MAX_SLOTS
                && positions >= 16 * LANES)) {
            // Long runs of one unit: LANES slots per unit, each seeing at least 16 elements per tensor.
            return scan.begin(acc, units, false) && scan.walk(data, offset, layout, false)
                    && scan.finish(acc, elements);
        }
        // Short runs of one unit (NCHW with small H·W, 'f'-order recurrent): turn them into rows across units by a
        // transpose in memory, when a segment holds every unit's run. Otherwise the exact path, whose bulk-read runs
        // measured faster than gathering rows one element at a time.
        boolean segmentOfUnits = inner >= 1 && layout.unitDim == inner - 1 && layout.stride[inner - 1] == runLength;
        if (segmentOfUnits && units * runLength <= TRANSPOSE_BLOCK) {
            return scan.begin(acc, units, true) && scan.walk(data, offset, layout, true)
                    && scan.finish(acc, elements);
        }
        return false;
    }

    /**
     * Masked rank-3 scan with contiguous units (NWC): the real positions' rows are copied into blocks, then scanned
     * like a contiguous [positions, units] tensor. Returns false having added nothing when the fast path does not apply.
     */
    static boolean scanMasked(FloatTensorData data, long offset, long[] stride, int unitAxis, int timeAxis,
                              int batch, int steps, float[] mask, int units, long elements, UnitAccumulator acc) {
        long unitStride = stride[unitAxis];
        if (unitStride != 1) {
            // Units apart in memory (NCW): gathering each row measured slower than the exact path's strided runs.
            return false;
        }
        FloatScan scan = SCRATCH.get();
        if (!scan.begin(acc, units, true)) {
            return false;
        }
        int rowsPerBlock = scan.rowsPerBlock();
        int rows = 0;
        for (int b = 0; b < batch && scan.finite; b++) {
            for (int t = 0; t < steps; t++) {
                if (mask[b * steps + t] != 0) {
                    long start = offset + b * stride[0] + t * stride[timeAxis];
                    data.copy(start, scan.block, rows * units, units);
                    if (++rows == rowsPerBlock) {
                        scan.rows(rows);
                        rows = 0;
                    }
                }
            }
        }
        if (rows > 0) {
            scan.rows(rows);
        }
        return scan.finish(acc, elements);
    }

    /** Sizes the scratch for a tensor; false when the tensor has too many units for it. */
    private boolean begin(UnitAccumulator acc, int units, boolean acrossUnits) {
        this.units = units;
        if (acrossUnits) {
            group = Math.max(1, (ROW_SLOTS + units - 1) / units);
            slots = group * units;
            lanes = 0;
        } else {
            lanes = LANES;
            slots = units * lanes;
            group = 0;
        }
        if (slots > MAX_SLOTS) {
            return false;
        }
        bounded = acc.bounded();
        magnitudes = acc.magnitudes();
        low = floatAtOrBelow(acc.lowThreshold());
        high = floatAtOrAbove(acc.highThreshold());
        if (bounded && !(low < high)) {
            return false;
        }
        if (acrossUnits && rowSlots.capacity < slots) {
            rowSlots = new SlotKernels.Slots(slots);
        }
        if (!acrossUnits && (unitSlots.length < units || unitSlots[0].capacity < lanes)) {
            int capacity = Math.max(lanes, unitSlots.length == 0 ? 0 : unitSlots[0].capacity);
            unitSlots = new SlotKernels.Slots[Math.max(units, unitSlots.length)];
            for (int u = 0; u < unitSlots.length; u++) {
                unitSlots[u] = new SlotKernels.Slots(capacity);
            }
        }
        if (stage.length < Math.max(slots, lanes)) {
            stage = new float[Math.max(slots, lanes)];
        }
        if (unitSumAbs.length < units) {
            unitSumAbs = new double[units];
            unitNonZero = new long[units];
            unitSaturated = new long[units];
            unitCalls = new int[units];
        }
        int blockSize = acrossUnits ? Math.max(TRANSPOSE_BLOCK, rowsPerBlock() * units) : BLOCK;
        if (block.length < blockSize) {
            block = new float[blockSize];
        }
        calls = 0;
        sum = 0;
        sumSquares = 0;
        finite = true;
        return true;
    }

    private int rowsPerBlock() {
        return Math.max(group, BLOCK / units / group * group);
    }

    /**
     * Walks the collapsed layout: an odometer over the outer axes, each position giving a segment of whole
     * contiguous runs (several runs when the next-outer axis steps exactly one run: NCHW channels, 'f' units).
     */
    private boolean walk(FloatTensorData data, long offset, Layout layout, boolean transpose) {
        int inner = layout.inner();
        int runLength = Math.toIntExact(layout.size[inner]);
        int odometerDims = inner;
        long runsPerSegment = 1;
        if (inner >= 1 && layout.stride[inner - 1] == runLength) {
            odometerDims = inner - 1;
            runsPerSegment = layout.size[inner - 1];
        }
        boolean segmentOfUnits = odometerDims == inner - 1 && layout.unitDim == inner - 1;
        Odometer runs = new Odometer(layout, odometerDims, offset);
        while (finite) {
            long start = runs.start();
            if (transpose) {
                transposedSegment(data, start, runLength);
            } else if (lanes == 0) {
                rowsSegment(data, start, runsPerSegment);
            } else {
                unitRunsSegment(data, start, runLength, runsPerSegment, segmentOfUnits, runs.unit());
            }
            if (!runs.next()) {
                break;
            }
        }
        return true;
    }

    /** {@code rows} contiguous rows across units from {@code start}, read a block of rows at a time. */
    private void rowsSegment(FloatTensorData data, long start, long rows) {
        int rowsPerBlock = rowsPerBlock();
        long position = start;
        for (long left = rows; left > 0 && finite; ) {
            int n = (int) Math.min(left, rowsPerBlock);
            data.copy(position, block, 0, n * units);
            rows(n);
            position += (long) n * units;
            left -= n;
        }
    }

    /** Every unit's run of {@code runLength} from {@code start}, unit after unit: read at once, then transposed. */
    private void transposedSegment(FloatTensorData data, long start, int runLength) {
        data.copy(start, block, 0, units * runLength);
        for (int j0 = 0; j0 < runLength; j0 += group) {
            int rows = Math.min(group, runLength - j0);
            for (int r = 0; r < rows; r++) {
                int to = r * units;
                int from = j0 + r;
                for (int u = 0; u < units; u++) {
                    stage[to + u] = block[from + u * runLength];
                }
            }
            addRows(rows * units);
        }
    }

    /** Scans {@code block[0, rows·units)}, rows across units, a group of rows per element-wise loop. */
    private void rows(int rows) {
        for (int g = 0; g < rows; g += group) {
            int n = Math.min(group, rows - g) * units;
            System.arraycopy(block, g * units, stage, 0, n);
            addRows(n);
        }
    }

    /** {@code stage[0, n)} into the row slots, one element each. */
    private void addRows(int n) {
        SlotKernels.add(stage, n, rowSlots, magnitudes, bounded, low, high);
        if (++calls == FLUSH) {
            foldRows();
            calls = 0;
        }
    }

    private void foldRows() {
        for (int k = 0; k < slots; k++) {
            fold(rowSlots, k, k % units);
        }
    }

    /** {@code runs} contiguous runs of {@code runLength} elements, each of one unit. */
    private void unitRunsSegment(FloatTensorData data, long start, int runLength, long runs, boolean runsAreUnits,
                                 int unit) {
        if (runLength > BLOCK) {
            for (long r = 0; r < runs && finite; r++) {
                int u = runsAreUnits ? (int) r : unit;
                long runStart = start + r * runLength;
                for (int from = 0; from < runLength; from += BLOCK) {
                    int n = Math.min(BLOCK, runLength - from);
                    data.copy(runStart + from, block, 0, n);
                    unitRun(0, n, u);
                }
            }
            return;
        }
        int runsPerBlock = BLOCK / runLength;
        for (long r = 0; r < runs && finite; ) {
            int n = (int) Math.min(runs - r, runsPerBlock);
            data.copy(start + r * runLength, block, 0, n * runLength);
            for (int i = 0; i < n; i++) {
                unitRun(i * runLength, runLength, runsAreUnits ? (int) (r + i) : unit);
            }
            r += n;
        }
    }

    /** {@code block[from, from+n)}, all of unit {@code unit}, into that unit's lanes, {@code lanes} at a time. */
    private void unitRun(int from, int n, int unit) {
        SlotKernels.Slots slots = unitSlots[unit];
        for (int c = 0; c < n; c += lanes) {
            int m = Math.min(lanes, n - c);
            System.arraycopy(block, from + c, stage, 0, m);
            SlotKernels.add(stage, m, slots, magnitudes, bounded, low, high);
            if (++unitCalls[unit] == FLUSH) {
                foldUnit(unit);
            }
        }
    }

    private void foldUnit(int unit) {
        SlotKernels.Slots slots = unitSlots[unit];
        for (int k = 0; k < lanes; k++) {
            fold(slots, k, unit);
        }
        unitCalls[unit] = 0;
    }

    /** Moves slot {@code k} into unit {@code unit}'s doubles and clears it; notes any non-finite partial. */
    private void fold(SlotKernels.Slots s, int k, int unit) {
        float aHi = s.absHi[k];
        float aLo = s.absLo[k];
        float sHi = s.sumHi[k];
        float sLo = s.sumLo[k];
        float qHi = s.sqHi[k];
        float qLo = s.sqLo[k];
        float fired = s.nonZero[k];
        double check = (double) aHi + aLo + sHi + sLo + qHi + qLo + fired + s.saturated[k];
        if (!(Math.abs(check) <= Double.MAX_VALUE)) {
            finite = false;
        }
        unitSumAbs[unit] += (double) aHi + aLo;
        sum += (double) sHi + sLo;
        sumSquares += (double) qHi + qLo;
        unitNonZero[unit] += (long) fired;
        unitSaturated[unit] += (long) s.saturated[k];
        s.absHi[k] = 0;
        s.absLo[k] = 0;
        s.sumHi[k] = 0;
        s.sumLo[k] = 0;
        s.sqHi[k] = 0;
        s.sqLo[k] = 0;
        s.nonZero[k] = 0;
        s.saturated[k] = 0;
    }

    /** Folds what is left; hands the tensor's totals to {@code acc} if all was finite. Leaves the scratch clear. */
    private boolean finish(UnitAccumulator acc, long elements) {
        if (lanes == 0) {
            foldRows();
        } else {
            for (int u = 0; u < units; u++) {
                if (unitCalls[u] > 0) {
                    foldUnit(u);
                }
            }
        }
        boolean ok = finite;
        if (ok) {
            acc.addTensorTotals(elements, unitSumAbs, unitNonZero, unitSaturated, sum, sumSquares);
        }
        Arrays.fill(unitSumAbs, 0, units, 0);
        Arrays.fill(unitNonZero, 0, units, 0);
        Arrays.fill(unitSaturated, 0, units, 0);
        return ok;
    }

    /** The largest float f with (double) f ≤ x. */
    static float floatAtOrBelow(double x) {
        float f = (float) x;
        return f > x ? Math.nextDown(f) : f;
    }

    /** The smallest float f with (double) f ≥ x. */
    static float floatAtOrAbove(double x) {
        float f = (float) x;
        return f < x ? Math.nextUp(f) : f;
    }
}
