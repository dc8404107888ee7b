/**
 * Bridge between the ceremony's logger and snarkjs's. Several snarkjs calls (`zkey new`,
 * `zkey beacon`, `zkey verify`) report failure only by a `logger.error` line and a -1/false
 * return value, so the errors are also collected to put into the thrown Error.
 */
import type { SnarkLogger } from "snarkjs";

/** Where the ceremony steps report to (the CLI prints `info`, and `debug` with --verbose). */
export interface CeremonyLog {
  /** Results and steps: hashes, checks, "writing ...". One line each. */
  info(message: string): void;
  /** Progress detail, mostly snarkjs's ("processing constraints: 10000/77760"); can be chatty. */
  debug?(message: string): void;
}

/** A snarkjs logger forwarding to `log`, and the error lines snarkjs emitted through it. */
export interface CapturingLogger {
  logger: SnarkLogger;
  errors: string[];
}

/** Make a snarkjs logger that forwards to `log` (if any) and records its error lines. */
export function capturingLogger(log?: CeremonyLog): CapturingLogger {
  const errors: string[] = [];
  // snarkjs's info lines are step names and hashes the ceremony reports itself in a shorter
  // form, so they go to debug with its progress lines; errors end up in the thrown Error or
  // the verify result, so they are not printed twice.
  const logger: SnarkLogger = {
    info: (m) => log?.debug?.(m),
    debug: (m) => log?.debug?.(m),
    warn: (m) => log?.info(`warning: ${m}`),
    error: (m) => {
      errors.push(m);
      log?.debug?.(`error: ${m}`);
    },
  };
  return { logger, errors };
}
