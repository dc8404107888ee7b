import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { KeyRing } from "../verifier/types.ts";

/**
 * Node-only: finds and reads the audit package that `verify-chain` and `report` work on, from
 * an export directory (audit.json), an audit.json file, or a SQLite ledger. The ledger module
 * (and with it better-sqlite3) is loaded only when a ledger is given, so the verifier itself
 * never depends on SQLite.
 */

/** The audit input could not be used at all (missing file, not JSON, unreadable ledger): exit code 2. */
export class AuditSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditSourceError";
  }
}

/** The parsed (still untrusted) package and where it came from. */
export interface AuditSource {
  /** Parsed JSON, or the package built from a ledger; not yet checked. */
  data: unknown;
  /** The file it was read from. */
  path: string;
  from: "export" | "ledger";
}

const AUDIT_FILE = "audit.json";
/** A workspace's ledger (LEDGER_FILE of src/ledger/ledger.ts, not imported so that reading an export loads no SQLite). */
const WORKSPACE_LEDGER = "ledger.sqlite";
const LEDGER_SUFFIXES = [".sqlite", ".sqlite3", ".db"];
/**
 * Reads the audit package at `path`: a directory holding audit.json (an export) or one ledger
 * file (a workspace), an audit.json file, or a ledger file (`*.sqlite`, `*.sqlite3`, `*.db`).
 * `keys` go to the ledger export, which embeds them in the package.
 * @throws AuditSourceError naming the path and what is wrong with it
 */
export async function readAuditSource(path: string, keys: KeyRing): Promise<AuditSource> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new AuditSourceError(`cannot read ${path}: ${error.code ?? error.message}`);
  });
  const file = info.isDirectory() ? await fileInDirectory(path) : path;
  if (isLedger(file)) return { data: await fromLedger(file, keys), path: file, from: "ledger" };
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new AuditSourceError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return { data: JSON.parse(text), path: file, from: "export" };
  } catch (error) {
    throw new AuditSourceError(`${file} is malformed JSON (truncated or corrupted?): ${(error as Error).message}`);
  }
}

function isLedger(file: string): boolean {
  return LEDGER_SUFFIXES.some((suffix) => file.endsWith(suffix));
}

/** audit.json if the directory has one, else its workspace ledger, else its only ledger file. */
async function fileInDirectory(dir: string): Promise<string> {
  const names = await readdir(dir);
  if (names.includes(AUDIT_FILE)) return join(dir, AUDIT_FILE);
  if (names.includes(WORKSPACE_LEDGER)) return join(dir, WORKSPACE_LEDGER);
  const ledgers = names.filter(isLedger).sort();
  if (ledgers.length === 1) return join(dir, ledgers[0]!);
  if (ledgers.length > 1) throw new AuditSourceError(`${dir} holds several ledgers (${ledgers.join(", ")}): name one`);
  throw new AuditSourceError(`${dir} holds neither ${AUDIT_FILE} (an export) nor a ledger file (${LEDGER_SUFFIXES.map((s) => `*${s}`).join(", ")})`);
}

async function fromLedger(file: string, keys: KeyRing): Promise<unknown> {
  try {
    // Loaded on demand: reading an export never loads better-sqlite3.
    const { auditPackageFromLedger } = await import("../ledger/audit.ts");
    // A ledger is the controller's own: its report shows the whole evaluation (an export does not carry all of it).
    return await auditPackageFromLedger(file, keys, new Date(), { fullEvaluation: true });
  } catch (error) {
    throw new AuditSourceError(`cannot read ledger ${file}: ${(error as Error).message}`);
  }
}
