import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Output of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI entry point, by absolute path, so a run may start in any directory. */
const BIN = fileURLToPath(new URL("../../bin/zkforget.js", import.meta.url));

/**
 * Runs the real CLI entry point (bin/zkforget.js) in a child process, as a user would; `cwd`
 * (default: this process's) is where relative paths in `args` resolve.
 */
export function runCli(args: readonly string[], timeoutMs = 120_000, cwd?: string): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: timeoutMs, ...(cwd !== undefined ? { cwd } : {}) });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
