package io.deadunit.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Command line shared by every example trainer, and the training loop around it.
 *
 * <pre>
 *   --iterations N     train N minibatches (fit calls); with truncated BPTT one fit call makes several
 *                      optimizer steps (see the trainer)
 *   --seconds S        train for S seconds; 0 = until killed. With --iterations too, whichever comes first.
 *   --hold             after training print TRAINING_DONE, then block until stdin reaches EOF, then exit normally
 *   --groundTruth FILE write the ground truth JSON computed by {@link GroundTruth} (a plain DL4J listener)
 *   --window W         ground truth covers the last W training forward passes (optimizer steps); default: all
 *   --seed N           RNG seed (data, DL4J configuration, ND4J); default 42
 *   --params FILE      write the final parameters (model.params()) as raw little-endian float32
 *   --paramsDigest     print {@code PARAMS_SHA256 <hex>} of those same bytes on stdout (for runs that may not
 *                      write files: a test under a file-size limit compares runs by this line)
 * </pre>
 *
 * Every trainer prints {@code TRAINING_DONE} on stdout after its last iteration (after the files above are
 * written), and returns from {@code main} normally: no {@code System.exit}.
 */
public final class TrainerOptions {

    public static final String DONE_MARKER = "TRAINING_DONE";
    private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

    private final String trainer;
    private final Map<String, String> values;
    private final Map<String, String> extraHelp;

    public final long iterations;      // -1: no limit
    public final double seconds;       // -1: no limit; 0: until killed
    public final boolean hold;
    public final Path groundTruth;     // null: none
    public final Path params;          // null: none
    public final boolean paramsDigest;
    public final long window;          // -1: every iteration
    public final long seed;

    private GroundTruth groundTruthListener;

    private TrainerOptions(String trainer, Map<String, String> values, Map<String, String> extraHelp,
                           long defaultIterations, double defaultSeconds) {
        this.trainer = trainer;
        this.values = values;
        this.extraHelp = extraHelp;
        boolean hasIterations = values.containsKey("iterations");
        boolean hasSeconds = values.containsKey("seconds");
        if (!hasIterations && !hasSeconds) {
            this.iterations = defaultIterations;
            this.seconds = defaultSeconds;
        } else {
            this.iterations = hasIterations ? longValue("iterations", -1) : -1;
            this.seconds = hasSeconds ? doubleValue("seconds", -1) : -1;
        }
        if (iterations < -1 || seconds < -1 || (iterations == -1 && seconds == -1)) {
            throw usage("bad --iterations/--seconds");
        }
        this.hold = values.containsKey("hold");
        this.groundTruth = values.containsKey("groundTruth") ? Paths.get(values.get("groundTruth")) : null;
        this.params = values.containsKey("params") ? Paths.get(values.get("params")) : null;
        this.paramsDigest = values.containsKey("paramsDigest");
        this.window = longValue("window", -1);
        this.seed = longValue("seed", 42);
    }

    /**
     * @param trainer           simple name for messages
     * @param args              main's arguments
     * @param defaultIterations used when neither --iterations nor --seconds is given (-1: none)
     * @param defaultSeconds    used when neither --iterations nor --seconds is given (-1: none)
     * @param extra             trainer-specific flags (all take a value): name, help, name, help, ...
     */
    public static TrainerOptions parse(String trainer, String[] args, long defaultIterations, double defaultSeconds,
                                       String... extra) {
        Map<String, String> help = new LinkedHashMap<>();
        for (int i = 0; i + 1 < extra.length; i += 2) {
            help.put(extra[i], extra[i + 1]);
        }
        List<String> common = Arrays.asList("iterations", "seconds", "groundTruth", "window", "seed", "params");
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw usage(trainer, help, "unexpected argument " + a);
            }
            String name = a.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("hold") || name.equals("paramsDigest")) {
                values.put(name, "true");
                continue;
            }
            if (name.equals("help")) {
                System.out.println(usageText(trainer, help));
                System.exit(0);
            }
            if (!common.contains(name) && !help.containsKey(name)) {
                throw usage(trainer, help, "unknown option --" + name);
            }
            if (inline == null) {
                if (i + 1 >= args.length) {
                    throw usage(trainer, help, "--" + name + " needs a value");
                }
                inline = args[++i];
            }
            values.put(name, inline);
        }
        return new TrainerOptions(trainer, values, help, defaultIterations, defaultSeconds);
    }

    public String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    public int intValue(String name, int def) {
        return (int) longValue(name, def);
    }

    public long longValue(String name, long def) {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw usage("--" + name + " expects an integer, got " + v);
        }
    }

    public double doubleValue(String name, double def) {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw usage("--" + name + " expects a number, got " + v);
        }
    }

    /** Integer option that also accepts the word {@code all} (returned as {@code allValue}). */
    public int countOrAll(String name, int def, int allValue) {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        if (v.trim().equalsIgnoreCase("all")) {
            return allValue;
        }
        int n = intValue(name, def);
        if (n < 0 || n > allValue) {
            throw usage("--" + name + " must be between 0 and " + allValue + " or 'all', got " + v);
        }
        return n;
    }

    public IllegalArgumentException usage(String message) {
        return usage(trainer, extraHelp, message);
    }

    private static IllegalArgumentException usage(String trainer, Map<String, String> help, String message) {
        return new IllegalArgumentException(message + "\n" + usageText(trainer, help));
    }

    private static String usageText(String trainer, Map<String, String> help) {
        StringBuilder sb = new StringBuilder("usage: ").append(trainer)
                .append(" [--iterations N] [--seconds S] [--hold] [--groundTruth FILE] [--window W] [--seed N]")
                .append(" [--params FILE] [--paramsDigest]");
        for (Map.Entry<String, String> e : help.entrySet()) {
            sb.append("\n  --").append(e.getKey()).append("  ").append(e.getValue());
        }
        return sb.toString();
    }

    /** Seeds ND4J's global RNG (weight init, dropout). Call before building the model. */
    public void seedNd4j() {
        Nd4j.getRandom().setSeed(seed);
    }

    /**
     * If --groundTruth was given, attaches a {@link GroundTruth} listener to the model (MultiLayerNetwork or
     * ComputationGraph). {@code channelsLast}: rank 3/4 activations carry their units on the last axis (NWC/NHWC).
     *
     * <p>It also switches off DL4J's in-place input modification on every layer ({@code
     * allowInputModification(false)}, which {@code init()} switches on): with it, a layer that applies dropout to its
     * input (or a DropoutLayer) overwrites the previous layer's activation array, so the listener, called after the
     * whole forward pass, would see the previous layer's output already dropped out. The values computed are the
     * same either way; only where they are written changes. Call after {@code init()}.
     */
    public void attachGroundTruth(Model model, boolean channelsLast) {
        if (groundTruth == null) {
            return;
        }
        groundTruthListener = new GroundTruth(channelsLast);
        if (model instanceof MultiLayerNetwork) {
            for (org.deeplearning4j.nn.api.Layer l : ((MultiLayerNetwork) model).getLayers()) {
                l.allowInputModification(false);
            }
            ((MultiLayerNetwork) model).addListeners(groundTruthListener);
        } else if (model instanceof ComputationGraph) {
            for (org.deeplearning4j.nn.api.Layer l : ((ComputationGraph) model).getLayers()) {
                l.allowInputModification(false);
            }
            ((ComputationGraph) model).addListeners(groundTruthListener);
        } else {
            throw new IllegalArgumentException("unsupported model " + model.getClass());
        }
    }

    /**
     * Runs {@code step} (one minibatch: one fit call) until the iteration or time limit, printing a progress line
     * every few seconds, then {@link #finish}.
     */
    public void train(Model model, IntConsumer step) {
        long start = System.nanoTime();
        long deadline = seconds > 0 ? start + (long) (seconds * 1e9) : Long.MAX_VALUE;
        long nextProgress = start + PROGRESS_EVERY_NANOS;
        long lastProgressIter = 0;
        long lastProgressTime = start;
        int i = 0;
        while ((iterations < 0 || i < iterations) && System.nanoTime() < deadline) {
            step.accept(i);
            i++;
            long now = System.nanoTime();
            if (now >= nextProgress) {
                double rate = (i - lastProgressIter) / ((now - lastProgressTime) / 1e9);
                System.out.printf(Locale.ROOT, "%s: iteration %d, score %.5f, %.1f it/s%n", trainer, i,
                        model.score(), rate);
                System.out.flush();
                lastProgressIter = i;
                lastProgressTime = now;
                nextProgress = now + PROGRESS_EVERY_NANOS;
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s: trained %d minibatches (%d optimizer steps) in %.1f s, final score %.5f%n",
                trainer, i, optimizerSteps(model), elapsed, model.score());
        finish(model);
    }

    private static long optimizerSteps(Model model) {
        if (model instanceof MultiLayerNetwork) {
            return ((MultiLayerNetwork) model).getIterationCount();
        }
        if (model instanceof ComputationGraph) {
            return ((ComputationGraph) model).getIterationCount();
        }
        return -1;
    }

    /** Writes --params and --groundTruth, prints TRAINING_DONE, and holds if asked. */
    public void finish(Model model) {
        try {
            if (params != null) {
                writeParams(model, params);
            }
            if (paramsDigest) {
                System.out.println("PARAMS_SHA256 " + sha256(paramsBytes(model)));
            }
            if (groundTruthListener != null) {
                groundTruthListener.write(groundTruth, window);
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        System.out.println(DONE_MARKER);
        System.out.flush();
        if (hold) {
            try {
                InputStream in = System.in;
                byte[] buf = new byte[256];
                while (in.read(buf) != -1) {
                    // discard until EOF
                }
            } catch (IOException e) {
                // stdin closed abruptly: same as EOF
            }
        }
    }

    static void writeParams(Model model, Path file) throws IOException {
        byte[] bytes = paramsBytes(model);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            StringBuilder hex = new StringBuilder();
            for (byte b : java.security.MessageDigest.getInstance("SHA-256").digest(bytes)) {
                hex.append(String.format(Locale.ROOT, "%02x", b));
            }
            return hex.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** model.params() as raw little-endian float32. */
    private static byte[] paramsBytes(Model model) {
        float[] values;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray p = model.params();
            values = p.castTo(DataType.FLOAT).dup('c').data().asFloat();
        }
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    /** All trainer-specific values given, for a banner line. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            parts.add(e.getKey() + "=" + e.getValue());
        }
        return trainer + " " + String.join(" ", parts);
    }
}
