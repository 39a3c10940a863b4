package dev.kiln.anneal;

/**
 * Shared checks for schedules and controllers: argument validation with messages that name the
 * config field, and the range assertion every β goes through.
 */
final class ScheduleMath {
    private ScheduleMath() {}

    /** t must be a finite number ≥ 0 (fractional epochs). */
    static double requireEpoch(String schedule, double epoch) {
        if (!(epoch >= 0) || epoch == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(schedule + ": epoch must be a finite number ≥ 0, got " + epoch);
        }
        return epoch;
    }

    /** The range assertion: β must lie in [0, max]. A failure here is a bug in the schedule, not bad input. */
    static double checkRange(String schedule, double epoch, double beta, double max) {
        if (!(beta >= 0 && beta <= max)) {
            throw new IllegalStateException(schedule + ": β(" + epoch + ") = " + beta + " is outside [0, " + max + "]");
        }
        return beta;
    }

    static double finite(String field, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(field + " must be a finite number, got " + v);
        }
        return v;
    }

    static void nonNegative(String field, double v) {
        if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(field + " must be a finite number ≥ 0, got " + v);
        }
    }

    static void positive(String field, double v) {
        if (!(v > 0) || v == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(field + " must be a finite number > 0, got " + v);
        }
    }

    static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Formats a parameter value for {@code describe()}: integers without ".0". */
    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
