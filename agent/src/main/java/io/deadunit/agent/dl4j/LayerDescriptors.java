package io.deadunit.agent.dl4j;

import io.deadunit.exporter.monitor.LayerDescriptor;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Set;

/**
 * Describes a DL4J layer for labels and layout, once per layer. Layer configurations differ a lot between layer
 * kinds and versions, so activation and data format are found by looking for the properties that carry them
 * rather than by listing classes; wrappers (frozen, bidirectional, last-time-step…) are looked through.
 */
final class LayerDescriptors {
    private static final int MAX_WRAPPER_DEPTH = 4;

    /**
     * Layers that apply no activation function although their configuration carries one (DL4J's global default,
     * sigmoid, is inherited by every feed-forward configuration): their output is not bounded by it.
     */
    private static final Set<String> NO_ACTIVATION = Set.of(
            "DropoutLayer", "BatchNormalization", "LocalResponseNormalization", "RepeatVector",
            "SubsamplingLayer", "Subsampling1DLayer", "Subsampling3DLayer", "GlobalPoolingLayer",
            "Upsampling1D", "Upsampling2D", "Upsampling3D", "ZeroPaddingLayer", "ZeroPadding1DLayer",
            "ZeroPadding3DLayer", "Cropping1DLayer", "Cropping2DLayer", "Cropping3DLayer", "SpaceToDepth",
            "SpaceToBatch", "MaskLayer");

    private LayerDescriptors() {
    }

    static LayerDescriptor describe(Object layerObject) {
        Layer layer = (Layer) layerObject;
        int index = layer.getIndex();
        org.deeplearning4j.nn.conf.layers.Layer conf = configurationOf(layer);
        String name = conf == null || conf.getLayerName() == null ? "layer" + index : conf.getLayerName();
        String activation = conf == null || appliesNoActivation(layer.getClass()) ? "none" : activationOf(conf, 0);
        boolean channelsLast = conf != null && channelsLast(conf, 0);
        return new LayerDescriptor(name, index, layer.getClass().getSimpleName(), activation, channelsLast);
    }

    private static org.deeplearning4j.nn.conf.layers.Layer configurationOf(Layer layer) {
        NeuralNetConfiguration conf = layer.conf();
        return conf == null ? null : conf.getLayer();
    }

    private static boolean appliesNoActivation(Class<?> implementation) {
        for (Class<?> c = implementation; c != null && c != Object.class; c = c.getSuperclass()) {
            if (NO_ACTIVATION.contains(c.getSimpleName())) {
                return true;
            }
        }
        return false;
    }

    /** The activation's short name ({@code relu}, {@code leakyrelu}), or {@code none} when the layer applies none. */
    private static String activationOf(Object conf, int depth) {
        Object fn = invokeGetter(conf, "getActivationFn");
        if (fn != null) {
            String name = fn.toString().toLowerCase(Locale.ROOT);
            int paren = name.indexOf('(');
            return paren > 0 ? name.substring(0, paren) : name;
        }
        Object inner = underlying(conf);
        return inner != null && depth < MAX_WRAPPER_DEPTH ? activationOf(inner, depth + 1) : "none";
    }

    /** True when a data-format property says channels come last (NHWC, NWC, NDHWC). */
    private static boolean channelsLast(Object conf, int depth) {
        for (Class<?> c = conf.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getType().isEnum() && isDataFormat(field.getType().getSimpleName())) {
                    Object value = readField(field, conf);
                    if (value != null) {
                        String format = value.toString();
                        return format.length() >= 3 && format.startsWith("N") && format.endsWith("C");
                    }
                }
            }
        }
        Object inner = underlying(conf);
        return inner != null && depth < MAX_WRAPPER_DEPTH && channelsLast(inner, depth + 1);
    }

    private static boolean isDataFormat(String enumName) {
        return enumName.equals("CNN2DFormat") || enumName.equals("RNNFormat") || enumName.equals("DataFormat");
    }

    /** The configuration a wrapper configuration wraps, if any. */
    private static Object underlying(Object conf) {
        for (String getter : new String[]{"getUnderlying", "getLayer", "getFwd"}) {
            Object inner = invokeGetter(conf, getter);
            if (inner instanceof org.deeplearning4j.nn.conf.layers.Layer) {
                return inner;
            }
        }
        return null;
    }

    private static Object invokeGetter(Object target, String name) {
        try {
            Method method = target.getClass().getMethod(name);
            return method.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Object readField(Field field, Object target) {
        try {
            field.setAccessible(true);
            return field.get(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
