package io.deadunit.bench;

import io.deadunit.bench.Bench.Config;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The plot of one run over time: training throughput (it/s per tick) above, the agent's self-timed share of each
 * tick below, the phases shaded (measured interval, then the one-JVM segments with monitoring active or paused).
 * Plain Java2D and ImageIO: a chart is two polylines, not worth a plotting library in the build.
 */
final class TimelinePlot {
    /**
     * Half a second: a tick that spans a phase change is left out, so with 1-s ticks a short run (smoke mode: 2 s
     * measured, 1-s segments) kept fewer than two points and drew nothing.
     */
    static final double TICK_SECONDS = 0.5;
    private static final int W = 1000;
    private static final int H = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;

    private TimelinePlot() {
    }

    /** The one run that records a timeline: the first workload's agent-defaults run of round 1. */
    static boolean plotted(BenchOptions o, String workload, Config c, int round) {
        return round == 1 && c == Config.AGENT_DEFAULTS && workload.equals(o.workloads.get(0));
    }

    /** One tick: end time, it/s and agent share over the tick, phase. */
    record Tick(double t, double its, double share, String phase) {
    }

    static List<Tick> ticks(Fork.Outcome outcome) {
        List<Tick> out = new ArrayList<>();
        Fork.Line previous = null;
        for (Fork.Line l : outcome.all("tick")) {
            if (previous != null) {
                double dt = l.number("t") - previous.number("t");
                double its = (l.number("iterations") - previous.number("iterations")) / dt;
                double share = (l.number("agentSeconds") - previous.number("agentSeconds")) / dt;
                String phase = l.fields.get("phase");
                // warm-up (first window close, JIT) is start-up, not the steady state the plot shows
                if (phase != null && !phase.equals("warmup") && phase.equals(previous.fields.get("phase")) && dt > 0) {
                    out.add(new Tick(l.number("t"), its, share, phase));
                }
            }
            previous = l;
        }
        return out;
    }

    /** Draws the run's ticks into {@code png}; false when the run has too few ticks to plot. */
    static boolean draw(List<Tick> ticks, String title, Path png) throws IOException {
        if (ticks.size() < 2) {
            return false;
        }
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 22);
        double t0 = ticks.get(0).t() - TICK_SECONDS;
        double t1 = ticks.get(ticks.size() - 1).t();
        double maxIts = ticks.stream().mapToDouble(Tick::its).max().orElse(1) * 1.1;
        double maxShare = Math.max(0.005, ticks.stream().mapToDouble(Tick::share).filter(s -> !Double.isNaN(s))
                .max().orElse(0.005) * 1.2);
        panel(g, ticks, t0, t1, 40, 250, maxIts, "it/s", false);
        panel(g, ticks, t0, t1, 300, 510, maxShare, "agent share", true);
        g.setColor(Color.BLACK);
        g.drawString(String.format(Locale.ROOT, "seconds (%.1f-s ticks, warm-up left out); white: measured interval; one-JVM segments: "
                + "green = monitoring active, grey = paused",
                TICK_SECONDS), LEFT, H - 16);
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        return ImageIO.write(image, "png", png.toFile());
    }

    private static void panel(Graphics2D g, List<Tick> ticks, double t0, double t1, int top, int bottom, double max,
                              String label, boolean percent) {
        int right = W - RIGHT;
        for (Tick k : ticks) {
            Color shade = k.phase().equals("active") ? new Color(225, 245, 225)
                    : k.phase().equals("paused") ? new Color(232, 232, 232) : null;
            if (shade != null) {
                g.setColor(shade);
                int a = x(k.t() - TICK_SECONDS, t0, t1);
                g.fillRect(a, top, x(k.t(), t0, t1) - a, bottom - top);
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, top, right - LEFT, bottom - top);
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            int y = bottom - (int) ((bottom - top) * i / 4.0);
            g.drawLine(LEFT - 4, y, LEFT, y);
            g.drawString(percent ? String.format(Locale.ROOT, "%.2f%%", 100 * v)
                    : String.format(Locale.ROOT, max < 20 ? "%.1f" : "%.0f", v), 8, y + 5);
        }
        for (int s = 0; s <= (int) (t1 - t0); s += Math.max(1, (int) ((t1 - t0) / 10))) {
            int xx = x(t0 + s, t0, t1);
            g.drawLine(xx, bottom, xx, bottom + 4);
            g.drawString(String.valueOf(s), xx - 4, bottom + 18);
        }
        g.setColor(Color.BLACK);
        g.drawString(label, LEFT + 6, top + 16);
        g.setColor(percent ? new Color(200, 60, 30) : new Color(30, 80, 200));
        g.setStroke(new BasicStroke(2f));
        int px = -1;
        int py = -1;
        for (Tick k : ticks) {
            double v = percent ? k.share() : k.its();
            if (Double.isNaN(v)) {
                px = -1;
                continue;
            }
            int xx = x(k.t() - TICK_SECONDS / 2, t0, t1);
            int yy = bottom - (int) ((bottom - top) * Math.min(1, Math.max(0, v / max)));
            if (px >= 0) {
                g.drawLine(px, py, xx, yy);
            }
            g.fillOval(xx - 2, yy - 2, 5, 5);
            px = xx;
            py = yy;
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static int x(double t, double t0, double t1) {
        return LEFT + (int) ((W - LEFT - RIGHT) * (t - t0) / Math.max(1e-9, t1 - t0));
    }
}
