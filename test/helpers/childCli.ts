import { spawn } from "node:child_process";

/** Outcome of a CLI run in a child process. */
export interface CliOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

/**
 * Runs the real CLI entry point (bin/zkforget.js) in a child process, as a user would, without
 * blocking the test process (so two runs can overlap). `env` is added to the environment.
 */
export function startCli(args: string[], env: Record<string, string> = {}): { pid: number; done: Promise<CliOutcome> } {
  const child = spawn(process.execPath, ["bin/zkforget.js", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
  const done = new Promise<CliOutcome>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, pid: child.pid! }));
  });
  return { pid: child.pid!, done };
}
