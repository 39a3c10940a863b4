package dev.kiln.tensor;

/** A tensor arrived with the wrong shape. The message names the op, the shape seen and the one expected. */
public final class ShapeMismatchException extends IllegalArgumentException {
    public ShapeMismatchException(String message) {
        super(message);
    }
}
