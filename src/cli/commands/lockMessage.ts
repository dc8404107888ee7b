/**
 * What the workspace commands print when another zkforget run holds the workspace lock: the
 * second run waits (it never interleaves its proofs with the first's) and says so on stderr.
 */
export function waitingForLock(dir: string): (holderPid: number) => void {
  return (pid) => process.stderr.write(`waiting: another zkforget run (pid ${pid}) is working on ${dir}; continuing when it finishes…\n`);
}
