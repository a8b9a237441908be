package io.strato.launcher;

/**
 * A known reason the all-in-one cannot start, said in one line with what to do about it; {@code ./strato run} prints
 * it instead of a stack trace.
 */
final class StartupProblem extends RuntimeException {
  StartupProblem(String causeAndRemedy) {
    super(causeAndRemedy, null, false, false);
  }
}
