/**
 * Wall-clock and CPU time of a step. CPU time is `process.cpuUsage()` (user + system), which on
 * Linux is getrusage(RUSAGE_SELF): the sum over ALL threads of the process, so the work of
 * snarkjs's prover worker threads is counted, not only the main thread's.
 */

/** Seconds a step took. */
export interface StepTime {
  wallSeconds: number;
  /** User + system CPU seconds of the whole process (all threads) during the step. */
  cpuSeconds: number;
}

/**
 * Starts a clock; `stop()` returns the time since. For code that cannot be wrapped in
 * {@link timed} without restructuring it (a loop whose variables outlive it).
 */
export function startClock(): { stop(): StepTime } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  return {
    stop() {
      const used = process.cpuUsage(cpu);
      return { wallSeconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
    },
  };
}

/** Runs `step` and measures it. Nothing else should run in the process meanwhile. */
export async function timed<T>(step: () => Promise<T> | T): Promise<{ value: T } & StepTime> {
  const clock = startClock();
  const value = await step();
  return { value, ...clock.stop() };
}

/**
 * The fastest of `runs` timings of a short synchronous step (by wall time): for steps of a few
 * milliseconds, where one run mostly measures JIT warm-up and scheduling noise.
 */
export async function fastestOf<T>(runs: number, step: () => T): Promise<{ value: T } & StepTime> {
  let best = await timed(step);
  for (let i = 1; i < runs; i++) {
    const t = await timed(step);
    if (t.wallSeconds < best.wallSeconds) best = t;
  }
  return best;
}
