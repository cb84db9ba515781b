package io.orderflow.cli;

/** What {@code orderflow} exits with; the README's "Input rules" lists them. */
final class ExitCodes {
    /** Applied, in flight, or shown; a repeated command id whose first answer was one of those. */
    static final int OK = 0;
    /** {@code show}: no such order. */
    static final int NOT_FOUND = 1;
    /** Refused: by the engine, by the CLI before sending (bad input, bad usage), or a repeat of a refused command. */
    static final int REFUSED = 2;
    /** No answer: the broker cannot be reached, or the engine did not answer within {@code --timeout}. */
    static final int NO_ANSWER = 3;

    private ExitCodes() {}
}
