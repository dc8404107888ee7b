import Database from "better-sqlite3";
import type pg from "pg";

/**
 * Planned proofs. The writer (jobs/writer.ts) plans each deletion request as a sequence of
 * state transitions before any of them is proved: it knows the controller's state, and the
 * transitions are deterministic once a retrained shard's model salt is chosen, so it can
 * compute every planned state in advance. Planned step `seq` will become ledger entry `seq`:
 * it starts at the new state of step seq − 1 (or of the ledger's head) and its private
 * snapshot after the step is stored here. Workers read the snapshot before their step from
 * here (or from the ledger's snapshot), prove the step, and hand back only the public bundle.
 *
 * Plans hold private data (records, salts, weights) and therefore live with the ledger, in
 * the controller's own database (`plans.sqlite` beside a SQLite ledger, a `plans` table in a
 * PostgreSQL ledger), never in Redis. They are scratch: not part of the audit, removed once
 * appended, and dropped and planned again when the chain they assume is no longer the head.
 */

/** One planned proof. */
export interface PlannedStep {
  /** The ledger seq this step becomes when appended. */
  seq: number;
  /** Job id: the seq and the start of the planned new state (a re-plan with another salt gets another id). */
  id: string;
  /** Job kind that proves it (jobs/kinds.ts). */
  kind: string;
  requestId: string;
  /** True for the last step of its request: appending it marks the request proved. */
  completesRequest: boolean;
  /** Records deleted by this step and their slots (private: record ids). */
  slots: { id: string; index: number }[];
  /** Shard retrained, for SISA steps. */
  shard?: number;
  /** 0x-hex states before and after. */
  oldState: string;
  newState: string;
  /** The controller's private snapshot body after the step (see workspace/stateFile.ts). */
  body: string;
}

/** Where plans are kept. */
export interface PlanStore {
  /** Every plan, by seq. */
  all(): Promise<PlannedStep[]>;
  get(seq: number): Promise<PlannedStep | undefined>;
  /** Adds steps in one transaction. @throws Error when a seq is planned already */
  add(steps: readonly PlannedStep[]): Promise<void>;
  /** Removes the plans with seq ≥ `seq` (a broken chain) or ≤ `seq` (appended), per `side`. */
  remove(side: "from" | "upTo", seq: number): Promise<void>;
  close(): Promise<void>;
}

/** The job id of a plan. */
export function planId(seq: number, newState: string): string {
  return `${seq}-${newState.replace(/^0x/, "").slice(0, 16)}`;
}

const TABLE = `CREATE TABLE IF NOT EXISTS plans (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  request_id TEXT NOT NULL,
  completes_request INTEGER NOT NULL,
  slots TEXT NOT NULL,
  shard INTEGER,
  old_state TEXT NOT NULL,
  new_state TEXT NOT NULL,
  body TEXT NOT NULL
)`;

interface PlanRow {
  seq: number;
  id: string;
  kind: string;
  request_id: string;
  completes_request: number;
  slots: string;
  shard: number | null;
  old_state: string;
  new_state: string;
  body: string;
}

function fromRow(row: PlanRow): PlannedStep {
  return {
    seq: Number(row.seq), id: row.id, kind: row.kind, requestId: row.request_id, completesRequest: Number(row.completes_request) === 1,
    slots: JSON.parse(row.slots) as PlannedStep["slots"], ...(row.shard !== null ? { shard: Number(row.shard) } : {}),
    oldState: row.old_state, newState: row.new_state, body: row.body,
  };
}

function toRow(p: PlannedStep): unknown[] {
  return [p.seq, p.id, p.kind, p.requestId, p.completesRequest ? 1 : 0, JSON.stringify(p.slots), p.shard ?? null, p.oldState, p.newState, p.body];
}

/** Plans in an SQLite file beside the workspace's SQLite ledger. */
export class SqlitePlanStore implements PlanStore {
  readonly #db: Database.Database;

  constructor(readonly path: string) {
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = DELETE");
    this.#db.pragma("synchronous = FULL");
    this.#db.pragma("busy_timeout = 10000");
    this.#db.exec(TABLE);
  }

  async all(): Promise<PlannedStep[]> {
    return (this.#db.prepare("SELECT * FROM plans ORDER BY seq").all() as PlanRow[]).map(fromRow);
  }

  async get(seq: number): Promise<PlannedStep | undefined> {
    const row = this.#db.prepare("SELECT * FROM plans WHERE seq = ?").get(seq) as PlanRow | undefined;
    return row && fromRow(row);
  }

  async add(steps: readonly PlannedStep[]): Promise<void> {
    const insert = this.#db.prepare("INSERT INTO plans (seq, id, kind, request_id, completes_request, slots, shard, old_state, new_state, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.#db.transaction(() => {
      for (const step of steps) insert.run(...toRow(step));
    })();
  }

  async remove(side: "from" | "upTo", seq: number): Promise<void> {
    this.#db.prepare(side === "from" ? "DELETE FROM plans WHERE seq >= ?" : "DELETE FROM plans WHERE seq <= ?").run(seq);
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

/** Plans in a `plans` table of the PostgreSQL ledger's database (and schema). */
export class PostgresPlanStore implements PlanStore {
  private constructor(readonly pool: pg.Pool) {}

  /** Uses `pool` (the ledger's; not closed by {@link close}) and creates the table if needed. */
  static async open(pool: pg.Pool): Promise<PostgresPlanStore> {
    await pool.query(TABLE);
    return new PostgresPlanStore(pool);
  }

  async all(): Promise<PlannedStep[]> {
    return (await this.pool.query<PlanRow>("SELECT * FROM plans ORDER BY seq")).rows.map(fromRow);
  }

  async get(seq: number): Promise<PlannedStep | undefined> {
    const row = (await this.pool.query<PlanRow>("SELECT * FROM plans WHERE seq = $1", [seq])).rows[0];
    return row && fromRow(row);
  }

  async add(steps: readonly PlannedStep[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      for (const step of steps) {
        await client.query("INSERT INTO plans (seq, id, kind, request_id, completes_request, slots, shard, old_state, new_state, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", toRow(step));
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async remove(side: "from" | "upTo", seq: number): Promise<void> {
    await this.pool.query(side === "from" ? "DELETE FROM plans WHERE seq >= $1" : "DELETE FROM plans WHERE seq <= $1", [seq]);
  }

  async close(): Promise<void> {}
}
