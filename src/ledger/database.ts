import Database from "better-sqlite3";
import { existsSync } from "node:fs";

/**
 * The SQLite file behind a ledger: its schema, and opening it with checks that turn a missing,
 * foreign or corrupted file into an error naming the file. Opening never writes: a corrupted
 * file is left exactly as it was found.
 */

/** Format tag and version stored in the `meta` table. */
export const LEDGER_FORMAT = "zkforget-ledger";
export const LEDGER_VERSION = 2;

/** Raised for a missing, foreign or corrupted ledger file. */
export class LedgerError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = "LedgerError";
  }
}

/**
 * Tables. Entries are append-only (triggers refuse UPDATE and DELETE); the snapshot is one row,
 * replaced in the same transaction as each append; requests follow the life cycle
 * received → proving → proved | failed.
 */
const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE entries (
  seq INTEGER PRIMARY KEY CHECK (seq > 0),
  kind TEXT NOT NULL CHECK (kind IN ('commit', 'request', 'genesis', 'deletion', 'retrain', 'accuracy')),
  old_state TEXT NOT NULL,
  new_state TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  request_id TEXT,
  prove_seconds REAL,
  bundle TEXT,
  request_commitment TEXT,
  record_count INTEGER
);
CREATE INDEX entries_by_request ON entries (request_id);
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TABLE snapshot (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  seq INTEGER NOT NULL,
  state TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE requests (
  id TEXT PRIMARY KEY,
  record_ids TEXT NOT NULL,
  record_count INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('received', 'proving', 'proved', 'failed')),
  received_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  proved_at TEXT,
  error TEXT,
  commitment TEXT NOT NULL,
  salt TEXT NOT NULL,
  slots TEXT NOT NULL
);
`;

const TABLES = ["entries", "meta", "requests", "snapshot"];

/** Creates a new ledger database at `path` (which must not exist) with the schema and `meta`. */
export function createDatabase(path: string, meta: Readonly<Record<string, string>>): Database.Database {
  if (existsSync(path)) throw new LedgerError(path, "already exists");
  const db = new Database(path);
  configure(db);
  db.exec(SCHEMA);
  const put = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
  db.transaction(() => {
    put.run("format", LEDGER_FORMAT);
    put.run("version", String(LEDGER_VERSION));
    for (const [key, value] of Object.entries(meta)) put.run(key, value);
  })();
  return db;
}

/**
 * Opens an existing ledger and checks that it is one: SQLite's quick integrity check, the
 * tables, and the format and version in `meta`.
 * @throws LedgerError naming the file: missing, not a zkforget ledger, or corrupt
 */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): Database.Database {
  if (!existsSync(path)) throw new LedgerError(path, "no ledger here (run `zkforget commit` first)");
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true, readonly: options.readonly === true });
    const check = db.pragma("quick_check") as { quick_check: string }[];
    const problems = check.map((row) => row.quick_check).filter((text) => text !== "ok");
    if (problems.length > 0) throw new Error(problems.slice(0, 3).join("; "));
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    const missing = TABLES.filter((t) => !tables.includes(t));
    if (missing.length > 0) throw new Error(`no ${missing.join(", ")} table${missing.length > 1 ? "s" : ""}`);
    const meta = new Map((db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    if (meta.get("format") !== LEDGER_FORMAT) throw new Error(`meta.format is ${JSON.stringify(meta.get("format"))}, not "${LEDGER_FORMAT}"`);
    if (meta.get("version") !== String(LEDGER_VERSION)) {
      throw new LedgerError(path, `ledger version ${meta.get("version")} is not supported (this zkforget reads version ${LEDGER_VERSION})`);
    }
    if (!options.readonly) configure(db);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof LedgerError) throw error;
    throw new LedgerError(path, `not a zkforget ledger, or the database is corrupt (${(error as Error).message})`);
  }
}

/** Durability over speed: every committed transaction is on disk before the call returns. */
function configure(db: Database.Database): void {
  db.pragma("journal_mode = DELETE");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 10000");
}
