package dev.kiln.error;

/**
 * Bad user input discovered while a command runs (a config value, a data file, an argument that
 * only makes sense together with another). The message says what is wrong, where, and what is
 * allowed; the CLI prints it without a stack trace and exits with code 2.
 */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
