package io.deadunit.examples;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.io.IOException;
import java.util.concurrent.Callable;

import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * A trainer that uses its own Micrometer, Byte Buddy and Prometheus client, at other versions than the ones the
 * agent bundles, as many applications do. Each library is exercised while the network trains; the last line says
 * what each one did, with the version that was really loaded.
 *
 * <p>Flags: {@code --prometheusPort N} also serves the trainer's own Prometheus registry (0 = any free port).
 */
public final class OwnLibrariesTrainer {

    public static void main(String[] args) throws Exception {
        TrainerOptions o = TrainerOptions.parse("OwnLibrariesTrainer", args, 30, -1,
                "prometheusPort", "serve the trainer's own Prometheus registry on this port (default: none)");
        o.seedNd4j();

        SimpleMeterRegistry micrometer = new SimpleMeterRegistry();
        Counter steps = micrometer.counter("trainer.steps");
        io.prometheus.metrics.core.metrics.Counter prometheusSteps = io.prometheus.metrics.core.metrics.Counter
                .builder().name("trainer_steps_total").help("steps").register(PrometheusRegistry.defaultRegistry);
        HTTPServer ownServer = startOwnServer(o.intValue("prometheusPort", -1));
        Callable<String> generated = generatedCallable();

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(o.seed)
                .list()
                .layer(new DenseLayer.Builder().name("dense").nIn(20).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(16).nOut(4)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray[][] data = Fixtures.denseBatches(o.seed, 4, 32, 20, 4, 0.3);
        o.train(net, i -> {
            net.fit(data[i % data.length][0], data[i % data.length][1]);
            steps.increment();
            prometheusSteps.inc();
        });
        System.out.println("OWN_LIBRARIES micrometer " + version(Counter.class) + " counted " + (long) steps.count()
                + ", prometheus client " + version(io.prometheus.metrics.core.metrics.Counter.class) + " counted "
                + (long) prometheusSteps.get() + ", byte-buddy " + version(ByteBuddy.class) + " generated "
                + generated.call());
        if (ownServer != null) {
            ownServer.close();
        }
    }

    private static HTTPServer startOwnServer(int port) throws IOException {
        return port < 0 ? null : HTTPServer.builder().port(port).buildAndStart();
    }

    @SuppressWarnings("unchecked")
    private static Callable<String> generatedCallable() throws ReflectiveOperationException {
        return new ByteBuddy()
                .subclass(Callable.class)
                .method(named("call")).intercept(FixedValue.value("by-own-byte-buddy"))
                .make()
                .load(OwnLibrariesTrainer.class.getClassLoader())
                .getLoaded()
                .getDeclaredConstructor()
                .newInstance();
    }

    /** The jar a class came from, whose name carries the version. */
    private static String version(Class<?> type) {
        String location = type.getProtectionDomain().getCodeSource().getLocation().getPath();
        return location.substring(location.lastIndexOf('/', location.length() - 2) + 1);
    }
}
