package io.orderflow.domain.validation;

/** Text that cannot even be read as the value it stands for (a quantity, a price); carries the one problem. */
public final class InvalidInputException extends IllegalArgumentException {
    private final transient Problem problem;

    public InvalidInputException(Problem problem) {
        super(problem.message());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
