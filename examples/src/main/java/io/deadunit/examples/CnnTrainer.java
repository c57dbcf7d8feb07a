package io.deadunit.examples;

import java.util.Random;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * LeNet-style CNN on synthetic 16x16 RGB images (pixels in [0,1]), 10 classes:
 * <pre>
 *   conv1  5x5, 8 channels, relu     -> 12x12x8
 *   pool1  max 2x2                   -> 6x6x8
 *   conv2  3x3, 12 channels, relu    -> 4x4x12
 *   bn2    batch normalization       -> 4x4x12
 *   pool2  max 2x2                   -> 2x2x12
 *   dense  32, relu
 *   output 10, softmax
 * </pre>
 * {@code --format NCHW|NHWC} sets the CNN2DFormat of every convolution, subsampling and batch-normalization layer,
 * the input type and the data layout. {@code --deadChannels K} sets the bias of the first K channels of conv1 to
 * -1e4 (dead feature maps; pool1 then has the same K dead channels). Also {@code --updater}, {@code --batch} (32).
 */
public final class CnnTrainer {

    static final int H = 16;
    static final int W = 16;
    static final int C = 3;
    static final int CLASSES = 10;

    public static void main(String[] args) {
        TrainerOptions o = TrainerOptions.parse("CnnTrainer", args, 50, -1,
                "format", "NCHW|NHWC (default NCHW)",
                "deadChannels", "K|all: channels of conv1 forced dead (default 0)",
                "updater", Fixtures.UPDATER_HELP,
                "batch", "minibatch size (default 32)");
        CNN2DFormat format = CNN2DFormat.valueOf(o.string("format", "NCHW").toUpperCase());
        int dead = o.countOrAll("deadChannels", 0, 8);
        int batch = o.intValue("batch", 32);
        o.seedNd4j();

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(o.seed)
                .updater(Fixtures.updater(o, 1e-3))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).name("conv1").nOut(8).stride(1, 1)
                        .activation(Activation.RELU).dataFormat(format).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool1")
                        .kernelSize(2, 2).stride(2, 2).dataFormat(format).build())
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv2").nOut(12).stride(1, 1)
                        .activation(Activation.RELU).dataFormat(format).build())
                .layer(new BatchNormalization.Builder().name("bn2").dataFormat(format).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool2")
                        .kernelSize(2, 2).stride(2, 2).dataFormat(format).build())
                .layer(new DenseLayer.Builder().name("dense").nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("output").nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(H, W, C, format))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Fixtures.setParam(net.getLayer("conv1"), "b", 0, dead, Fixtures.DEAD_BIAS);
        o.attachGroundTruth(net, format == CNN2DFormat.NHWC);

        INDArray[][] data = images(o.seed, 8, batch, format);
        System.out.println("CnnTrainer: " + format + ", " + dead + " of 8 channels of conv1 forced dead");
        o.train(net, i -> net.fit(data[i % data.length][0], data[i % data.length][1]));
    }

    /** {features [batch, C, H, W] or [batch, H, W, C], labels [batch, 10]}. */
    static INDArray[][] images(long seed, int count, int batch, CNN2DFormat format) {
        Random rnd = new Random(seed);
        float[][] protos = Fixtures.prototypes(rnd, CLASSES, C * H * W);
        INDArray[][] out = new INDArray[count][];
        for (int b = 0; b < count; b++) {
            float[] x = new float[batch * C * H * W];
            int[] labels = new int[batch];
            for (int i = 0; i < batch; i++) {
                int c = rnd.nextInt(CLASSES);
                labels[i] = c;
                for (int k = 0; k < C * H * W; k++) {
                    x[i * C * H * W + k] = Fixtures.clamp01(protos[c][k] + 0.3 * rnd.nextGaussian());
                }
            }
            INDArray nchw = Nd4j.create(x, new long[] {batch, C, H, W}, 'c');
            INDArray features = format == CNN2DFormat.NHWC ? nchw.permute(0, 2, 3, 1).dup('c') : nchw;
            out[b] = new INDArray[] {features, Fixtures.oneHot(labels, CLASSES)};
        }
        return out;
    }
}
