import { parseArgs, type ParseArgsConfig } from "node:util";

/** One `zkforget` subcommand. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text. */
  help: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** Bad command-line usage: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;
type HelpOption = { help: { type: "boolean"; short: string } };
/** What {@link parseCommandArgs} returns: named so the compiled .d.ts can spell it. */
export type ParsedCommandArgs<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O & HelpOption; allowPositionals: boolean; strict: true }>>;

/**
 * `util.parseArgs` with zkforget's conventions: unknown flags are usage errors, `--help` is
 * always accepted.
 */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = true): ParsedCommandArgs<O> {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Progress lines go to stderr with the elapsed time, so stdout stays machine-readable. */
export function progress(): (message: string) => void {
  const started = Date.now();
  return (message) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}

/** Parses a positive integer option, naming it in the error. */
export function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}
