package io.deadunit.exporter.monitor;

import java.util.Comparator;

/**
 * Orders names as people read them: runs of digits compare as numbers, so {@code model-3} comes before
 * {@code model-12}. Everything that lists models (exit summary, JMX, JSON report) uses it.
 */
public final class NaturalOrder {
    /** Names compared run by run: digits by value, other characters as they are; equal runs then plain order. */
    public static final Comparator<String> NAMES = NaturalOrder::compare;
    public static final Comparator<ModelMonitor> MODELS = Comparator.comparing(ModelMonitor::name, NAMES);

    private NaturalOrder() {
    }

    private static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            boolean digitA = isDigit(a.charAt(i));
            boolean digitB = isDigit(b.charAt(j));
            int endA = runEnd(a, i, digitA);
            int endB = runEnd(b, j, digitB);
            int c = digitA && digitB ? compareNumbers(a, i, endA, b, j, endB)
                    : a.substring(i, endA).compareTo(b.substring(j, endB));
            if (c != 0) {
                return c;
            }
            i = endA;
            j = endB;
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }

    private static int runEnd(String s, int start, boolean digits) {
        int end = start;
        while (end < s.length() && isDigit(s.charAt(end)) == digits) {
            end++;
        }
        return end;
    }

    // Without parsing, so that a run of any length compares: fewer significant digits is smaller.
    private static int compareNumbers(String a, int i, int endA, String b, int j, int endB) {
        while (i < endA - 1 && a.charAt(i) == '0') {
            i++;
        }
        while (j < endB - 1 && b.charAt(j) == '0') {
            j++;
        }
        int c = Integer.compare(endA - i, endB - j);
        return c != 0 ? c : a.substring(i, endA).compareTo(b.substring(j, endB));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
