import { spawnSync } from "node:child_process";

/** Output of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI entry point (bin/zkforget.js) in a child process, as a user would. */
export function runCli(args: readonly string[], timeoutMs = 120_000): CliRun {
  const r = spawnSync(process.execPath, ["bin/zkforget.js", ...args], { encoding: "utf8", timeout: timeoutMs });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
