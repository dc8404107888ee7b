import pg from "pg";
import type { AuditEntry } from "../verifier/auditTypes.ts";
import type { VerifyOptions } from "../verifier/verify.ts";
import { checkBundleForAppend, checkContinuation, checkRepeatedRequest, LedgerAppendError, newRequestColumns } from "./appendCheck.ts";
import { entriesTable, LEDGER_FORMAT, LEDGER_VERSION, LedgerError, REQUESTS_TABLE } from "./database.ts";
import { ledgerInfoFromMeta, type AppendInput, type Ledger, type LedgerInfo, type LedgerSnapshot, type RequestOpening, type StoredRequest } from "./ledger.ts";
import { entryFromRow, requestFromRow, taggedByRequest, type EntryRow, type RequestRow, type TaggedEntryRow } from "./rows.ts";
import { redactUrl, type LedgerStore } from "./store.ts";

/**
 * The ledger on PostgreSQL (`--ledger postgres://user:pass@host/db[?schema=S]`), with the
 * guarantees of the SQLite ledger: the same tables and checks, entries append-only (a trigger
 * refuses UPDATE, DELETE and TRUNCATE), and one transaction per append that locks the snapshot
 * row (SELECT … FOR UPDATE), reads the head under that lock and checks the proof starts there,
 * so two writers on two machines cannot both append from the same state. A PostgreSQL ledger
 * starts as a copy of a workspace's SQLite ledger ({@link importSqliteLedger}).
 */

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
${entriesTable("DOUBLE PRECISION")};
CREATE INDEX entries_by_request ON entries (request_id);
CREATE FUNCTION zkforget_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END $$;
CREATE TRIGGER entries_no_change BEFORE UPDATE OR DELETE ON entries FOR EACH ROW EXECUTE FUNCTION zkforget_append_only();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries FOR EACH STATEMENT EXECUTE FUNCTION zkforget_append_only();
CREATE TABLE snapshot (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL);
${REQUESTS_TABLE};
`;

/**
 * A pg pool for `url`. A `schema` query parameter (not a libpq one) selects the schema the
 * tables live in, so that one database can hold several ledgers (the tests use one each).
 */
export function postgresPool(url: string): { pool: pg.Pool; schema: string | undefined } {
  const u = new URL(url);
  const schema = u.searchParams.get("schema") ?? undefined;
  u.searchParams.delete("schema");
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new LedgerError(redactUrl(url), `schema ${JSON.stringify(schema)} must be a lower-case SQL identifier`);
  // The schema is set at connection start-up (libpq's options), before any query of the client.
  const pool = new pg.Pool({ connectionString: u.toString(), max: 4, ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}) });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return { pool, schema };
}

/** The PostgreSQL ledger. Open with {@link PostgresLedgerStore.open}; close when done. */
export class PostgresLedgerStore implements LedgerStore {
  private constructor(readonly location: string, readonly info: LedgerInfo, readonly pool: pg.Pool) {}

  /** Opens the ledger at `url`. @throws LedgerError naming the (redacted) URL: unreachable, empty or not a zkforget ledger */
  static async open(url: string): Promise<PostgresLedgerStore> {
    const location = redactUrl(url);
    const { pool } = postgresPool(url);
    try {
      const meta = await readMeta(pool, location);
      if (meta.get("format") !== LEDGER_FORMAT) throw new LedgerError(location, `not a zkforget ledger (meta.format is ${JSON.stringify(meta.get("format"))})`);
      if (meta.get("version") !== String(LEDGER_VERSION)) throw new LedgerError(location, `ledger version ${meta.get("version")} is not supported (this zkforget reads version ${LEDGER_VERSION})`);
      return new PostgresLedgerStore(location, ledgerInfoFromMeta(meta, location), pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async head(): Promise<AuditEntry> {
    return headOf(this.pool, this.location);
  }

  async entries(): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<EntryRow>("SELECT * FROM entries ORDER BY seq");
    return rows.map((row) => entryFromRow(row, this.location));
  }

  async readAll(): Promise<{ entries: AuditEntry[]; requests: StoredRequest[] }> {
    return this.#transaction("REPEATABLE READ", async (client) => {
      const entries = (await client.query<EntryRow>("SELECT * FROM entries ORDER BY seq")).rows.map((row) => entryFromRow(row, this.location));
      return { entries, requests: await requestsOf(client, this.location) };
    });
  }

  async snapshot(): Promise<LedgerSnapshot> {
    const { rows } = await this.pool.query<LedgerSnapshot>("SELECT seq, state, body FROM snapshot WHERE one = 1");
    if (!rows[0]) throw new LedgerError(this.location, "the ledger has no snapshot");
    return rows[0];
  }

  /** Same checks and refusals as {@link Ledger.append}; one transaction holding the snapshot row lock. */
  async append(input: AppendInput, verify: VerifyOptions, now?: Date): Promise<AuditEntry> {
    const { bundle, transition } = await checkBundleForAppend(input.bundle, input.snapshot.state, this.info.profile, verify);
    const recordedAt = (now ?? new Date()).toISOString();
    return this.#transaction("READ COMMITTED", async (client) => {
      await lockLedger(client);
      const head = await headOf(client, this.location);
      const request = input.requestId !== undefined ? await requestOf(client, input.requestId, this.location) : undefined;
      checkContinuation(head, transition, bundle.statement, input.requestId, request);
      const seq = head.seq + 1;
      const inserted = await client.query<EntryRow>(
        "INSERT INTO entries (seq, kind, old_state, new_state, recorded_at, request_id, prove_seconds, bundle) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
        [seq, transition.kind, transition.oldState, transition.newState, recordedAt, input.requestId ?? null, input.proveSeconds ?? null, JSON.stringify(bundle)],
      );
      await client.query("UPDATE snapshot SET seq = $1, state = $2, body = $3 WHERE one = 1", [seq, input.snapshot.state, input.snapshot.body]);
      if (input.requestId !== undefined) {
        const status = input.completesRequest ? "proved" : "proving";
        await client.query("UPDATE requests SET status = $1, updated_at = $2, proved_at = CASE WHEN $1 = 'proved' THEN $2 ELSE proved_at END, error = NULL WHERE id = $3",
          [status, recordedAt, input.requestId]);
      }
      return entryFromRow(inserted.rows[0]!, this.location);
    });
  }

  /** Same checks as {@link Ledger.receiveRequest}: the request entry, the snapshot's seq and the request row in one locked transaction. */
  async receiveRequest(id: string, recordIds: readonly string[], opening: RequestOpening | undefined, now = new Date()): Promise<StoredRequest> {
    return this.#transaction("READ COMMITTED", async (client) => {
      await lockLedger(client);
      const existing = await requestOf(client, id, this.location);
      if (existing) {
        checkRepeatedRequest(id, existing, recordIds);
        return existing;
      }
      const { commitment, salt, slots } = newRequestColumns(id, recordIds, opening);
      const at = now.toISOString();
      const head = await headOf(client, this.location);
      const seq = head.seq + 1;
      await client.query("INSERT INTO entries (seq, kind, old_state, new_state, recorded_at, request_id, request_commitment, record_count) VALUES ($1, 'request', $2, $2, $3, $4, $5, $6)",
        [seq, head.newState, at, id, commitment, recordIds.length]);
      await client.query("UPDATE snapshot SET seq = $1 WHERE one = 1", [seq]);
      await client.query("INSERT INTO requests (id, record_ids, record_count, status, received_at, updated_at, commitment, salt, slots) VALUES ($1, $2, $3, 'received', $4, $4, $5, $6, $7)",
        [id, JSON.stringify(recordIds), recordIds.length, at, commitment, salt, slots]);
      return (await requestOf(client, id, this.location))!;
    });
  }

  async setRequestStatus(id: string, status: "proving" | "failed", error?: string, now = new Date()): Promise<void> {
    const { rowCount } = await this.pool.query("UPDATE requests SET status = $1, updated_at = $2, error = $3 WHERE id = $4 AND status <> 'proved'",
      [status, now.toISOString(), status === "failed" ? (error ?? "unknown error") : null, id]);
    if (rowCount === 0 && !(await this.request(id))) throw new LedgerAppendError(`unknown deletion request ${JSON.stringify(id)}`);
  }

  async request(id: string): Promise<StoredRequest | undefined> {
    return requestOf(this.pool, id, this.location);
  }

  async requests(): Promise<StoredRequest[]> {
    return requestsOf(this.pool, this.location);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async #transaction<T>(isolation: "READ COMMITTED" | "REPEATABLE READ", fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

/** Serialises writers: every write transaction first locks the one snapshot row. */
async function lockLedger(client: pg.PoolClient): Promise<void> {
  await client.query("SELECT one FROM snapshot WHERE one = 1 FOR UPDATE");
}

async function headOf(db: Queryable, location: string): Promise<AuditEntry> {
  const { rows } = await db.query<EntryRow>("SELECT * FROM entries ORDER BY seq DESC LIMIT 1");
  if (!rows[0]) throw new LedgerError(location, "the ledger has no entries (not even its commit)");
  return entryFromRow(rows[0], location);
}

async function requestOf(db: Queryable, id: string, location: string): Promise<StoredRequest | undefined> {
  const { rows } = await db.query<RequestRow>("SELECT * FROM requests WHERE id = $1", [id]);
  if (!rows[0]) return undefined;
  const tagged = await db.query<{ seq: number; kind: string }>("SELECT seq, kind FROM entries WHERE request_id = $1 ORDER BY seq", [id]);
  return requestFromRow(rows[0], tagged.rows, location);
}

/** Every request, with two queries (not one per request). */
async function requestsOf(db: Queryable, location: string): Promise<StoredRequest[]> {
  const { rows } = await db.query<RequestRow>("SELECT * FROM requests ORDER BY received_at, id");
  const tagged = taggedByRequest((await db.query<TaggedEntryRow>("SELECT request_id, seq, kind FROM entries WHERE request_id IS NOT NULL ORDER BY seq")).rows);
  return rows.map((row) => requestFromRow(row, tagged.get(row.id) ?? [], location));
}

async function readMeta(pool: pg.Pool, location: string): Promise<Map<string, string>> {
  let rows: { key: string; value: string }[];
  try {
    rows = (await pool.query<{ key: string; value: string }>("SELECT key, value FROM meta")).rows;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "42P01") throw new LedgerError(location, "no zkforget ledger in this database (create it with `zkforget ledger import`)");
    throw new LedgerError(location, `cannot read the ledger: ${(error as Error).message}`);
  }
  return new Map(rows.map((r) => [r.key, r.value]));
}

/**
 * Creates a PostgreSQL ledger at `url` as a copy of the SQLite `ledger` (meta, entries,
 * requests and the snapshot), in one transaction, after checking that its entries chain (seqs
 * 1..n, each old state the previous new state, the snapshot at the head). Refuses a database
 * (or schema) that already holds a ledger. From then on the PostgreSQL ledger is the record;
 * the SQLite file is no longer appended to.
 * @throws LedgerError naming the URL
 */
export async function importSqliteLedger(ledger: Ledger, url: string): Promise<PostgresLedgerStore> {
  const location = redactUrl(url);
  const { entries, requests, snapshot } = ledger.consistentRead(() => ({ entries: ledger.entries(), requests: ledger.requests(), snapshot: ledger.snapshot() }));
  entries.forEach((e, i) => {
    const previous = entries[i - 1];
    if (e.seq !== i + 1 || (previous && e.oldState !== previous.newState)) throw new LedgerError(ledger.path, `entry ${e.seq} does not continue the chain; not imported`);
  });
  const head = entries[entries.length - 1]!;
  if (snapshot.seq !== head.seq || snapshot.state !== head.newState) throw new LedgerError(ledger.path, "the snapshot is not at the last entry; not imported");
  const { pool, schema } = postgresPool(url);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    if (schema !== undefined) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`SET LOCAL search_path TO ${schema}`);
    }
    const exists = await client.query("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'entries'");
    if (exists.rowCount !== 0) throw new LedgerError(location, "already holds a zkforget ledger; not replaced");
    await client.query(SCHEMA);
    const meta: Record<string, string> = { format: LEDGER_FORMAT, version: String(LEDGER_VERSION), profile: ledger.info.profile, workspace: ledger.info.workspace, createdAt: ledger.info.createdAt };
    if (ledger.info.configHash !== undefined) meta.configHash = ledger.info.configHash;
    if (ledger.info.shards !== undefined) meta.shards = String(ledger.info.shards);
    for (const [key, value] of Object.entries(meta)) await client.query("INSERT INTO meta (key, value) VALUES ($1, $2)", [key, value]);
    for (const e of entries) {
      await client.query("INSERT INTO entries (seq, kind, old_state, new_state, recorded_at, request_id, prove_seconds, bundle, request_commitment, record_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        [e.seq, e.kind, e.oldState, e.newState, e.recordedAt, e.requestId ?? null, e.proveSeconds ?? null, e.bundle ? JSON.stringify(e.bundle) : null, e.requestCommitment ?? null, e.recordCount ?? null]);
    }
    for (const r of requests) {
      await client.query("INSERT INTO requests (id, record_ids, record_count, status, received_at, updated_at, proved_at, error, commitment, salt, slots) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        [r.id, JSON.stringify(r.recordIds), r.recordCount, r.status, r.receivedAt, r.updatedAt, r.provedAt ?? null, r.error ?? null, r.commitment, r.salt, JSON.stringify(r.slots)]);
    }
    await client.query("INSERT INTO snapshot (one, seq, state, body) VALUES (1, $1, $2, $3)", [snapshot.seq, snapshot.state, snapshot.body]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    if (error instanceof LedgerError) throw error;
    throw new LedgerError(location, `import failed, nothing written: ${(error as Error).message}`);
  } finally {
    client.release();
    await pool.end();
  }
  return PostgresLedgerStore.open(url);
}
