import { AuditSourceError, readAuditSource, type AuditSource } from "../../report/auditSource.ts";
import { describeProblem, releaseVerifierThreads, verifyAuditPackage, type ChainProblem, type ChainReport } from "../../verifier/index.ts";
import { parseCommandArgs, UsageError, type Command } from "../command.ts";
import { cliKeyRing } from "../keys.ts";

/** Exit codes of `zkforget verify-chain`. */
export const VERIFY_CHAIN_EXIT = { valid: 0, broken: 1, unusable: 2 } as const;

/** What `verify-chain` and `report` take to check an audit input. */
export interface AuditInputOptions {
  /** Trusted key directory; default: the keys/ shipped with zkforget. */
  keysDir?: string;
  allowDev: boolean;
  configHash?: string;
}

/** A checked audit input. */
export interface CheckedAudit {
  source: AuditSource;
  report: ChainReport;
}

/**
 * Loads the trusted keys and the audit package at `path`, and verifies the chain.
 * @throws AuditSourceError when the keys or the input cannot be used at all
 */
export async function checkAuditInput(path: string, options: AuditInputOptions): Promise<CheckedAudit> {
  let keys;
  try {
    keys = await cliKeyRing(options.keysDir);
  } catch (error) {
    throw new AuditSourceError((error as Error).message);
  }
  const source = await readAuditSource(path, keys);
  try {
    const report = await verifyAuditPackage(source.data, {
      keys,
      allowDev: options.allowDev,
      ...(options.configHash !== undefined ? { configHash: options.configHash } : {}),
    });
    return { source, report };
  } finally {
    await releaseVerifierThreads();
  }
}

/** Parses `--config-hash`: 0x + 64 hex digits, returned in the lowercase statement format. */
export function configHashOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new UsageError(`--config-hash must be 0x followed by 64 hex digits, got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

export const verifyChainCommand: Command = {
  name: "verify-chain",
  summary: "verify a whole audit chain (exit 0 valid, 1 broken, 2 unusable input)",
  help: `Usage: zkforget verify-chain LEDGER_OR_EXPORT [--keys DIR] [--allow-dev] [--config-hash H] [--json]

Verifies an audit chain from an untrusted controller: every proof against YOUR trusted keys
(the package's own keys must equal them), the states linking entry to entry, every training
proof pinned to one config hash, SISA training starting from the empty model and covering
every shard, and every request marked proved answered by entries of the chain. Prints the
first break (which entry, why), then every problem.

LEDGER_OR_EXPORT is an export directory (holding audit.json), an audit.json file, a ledger
file (*.sqlite), or a workspace directory holding one ledger.

Options:
  --keys DIR         directory of <profile>.vkey.json + <profile>.manifest.json
                     (default: the keys/ shipped with zkforget)
  --allow-dev        accept INSECURE dev keys (their secrets are public: anyone can forge
                     proofs under them; for demos and tests only)
  --config-hash H    the 0x-hex config hash you expect every SISA state to be pinned to
  --json             print the full chain report as JSON

Exit codes: 0 the chain is valid, 1 it is broken (first break and all problems printed),
2 the input or the keys could not be used (missing file, not JSON, unreadable key directory).`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      keys: { type: "string" },
      "allow-dev": { type: "boolean" },
      "config-hash": { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length !== 1) throw new UsageError("give exactly one LEDGER_OR_EXPORT");
    const configHash = configHashOption(values["config-hash"]);
    const print = (report: object, text: string) => process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${text}\n`);
    let checked: CheckedAudit;
    try {
      checked = await checkAuditInput(positionals[0]!, {
        ...(values.keys !== undefined ? { keysDir: values.keys } : {}),
        allowDev: values["allow-dev"] === true,
        ...(configHash !== undefined ? { configHash } : {}),
      });
    } catch (error) {
      if (!(error instanceof AuditSourceError)) throw error;
      const problem: ChainProblem = { seq: 0, kind: "package", reason: error.message };
      print({ valid: false, readable: false, problems: [problem], firstBreak: problem }, `UNUSABLE: ${error.message}`);
      return VERIFY_CHAIN_EXIT.unusable;
    }
    const { report, source } = checked;
    const lines = [...report.summary, `source: ${source.path}`];
    if (report.readable && !report.valid) {
      lines.push(`problems (${report.problems.length}):`, ...report.problems.map((p) => `  - ${describeProblem(p)}`));
    }
    print({ ...report, source: source.path }, lines.join("\n"));
    return report.valid ? VERIFY_CHAIN_EXIT.valid : report.readable ? VERIFY_CHAIN_EXIT.broken : VERIFY_CHAIN_EXIT.unusable;
  },
};
