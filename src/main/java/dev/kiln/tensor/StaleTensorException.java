package dev.kiln.tensor;

/**
 * A tensor was used after the layer that owns its array wrote that array again (see
 * {@link ReusedBuffer}): the message names the layer and says how to keep a result.
 */
public final class StaleTensorException extends IllegalStateException {
    public StaleTensorException(String message) {
        super(message);
    }
}
