package dev.kiln.nn;

import dev.kiln.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Layers applied in order; backward runs them in reverse (the chain rule, one link at a time).
 * Parameter names get the layer's index as prefix: {@code "0.weight"}, {@code "2.bias"}.
 */
public final class Sequential implements Layer {
    private final List<Layer> layers;

    public Sequential(Layer... layers) {
        this(List.of(layers));
    }

    public Sequential(List<Layer> layers) {
        if (layers.isEmpty()) throw new IllegalArgumentException("Sequential needs at least one layer");
        this.layers = List.copyOf(layers);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (Layer layer : layers) h = layer.forward(h);
        return h;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor g = dy;
        for (int i = layers.size() - 1; i >= 0; i--) g = layers.get(i).backward(g);
        return g;
    }

    /** Backward through every layer but the first, which only adds its parameter gradients. */
    @Override
    public void backwardParams(Tensor dy) {
        Tensor g = dy;
        for (int i = layers.size() - 1; i >= 1; i--) g = layers.get(i).backward(g);
        layers.get(0).backwardParams(g);
    }

    @Override
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Param p : layers.get(i).params()) all.add(p.prefixed(Integer.toString(i)));
        }
        return all;
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("Sequential(");
        for (int i = 0; i < layers.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(layers.get(i).describe());
        }
        return sb.append(')').toString();
    }
}
