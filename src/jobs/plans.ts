import Database from "better-sqlite3";
import type pg from "pg";

/**
 * Planned proofs. The writer (jobs/writer.ts) plans each deletion request as a sequence of
 * state transitions before any of them is proved: it knows the controller's state, and the
 * transitions are deterministic once a retrained shard's model salt is chosen, so it can
 * compute every planned state in advance. Plans are ordered by `step` and chained by state:
 * step n starts at the new state of step n − 1 (or at the ledger's head state) and its private
 * snapshot after the step is stored here. A step is not a ledger seq: the `request` entries of
 * requests received meanwhile are appended between the proofs (they do not move the state), so
 * only the states say where a plan continues the chain. Workers read the snapshot before their
 * step from here (or from the ledger's snapshot), prove it, and hand back only the public bundle.
 *
 * Plans hold private data (records, salts, weights) and therefore live with the ledger, in
 * the controller's own database (`plans.sqlite` beside a SQLite ledger, a `planned_steps` table
 * in a PostgreSQL ledger), never in Redis. They are scratch: not part of the audit, removed once
 * appended, and dropped and planned again when the chain they assume is no longer the head.
 */

/** One planned proof. */
export interface PlannedStep {
  /** Order of the step among the plans (appended in this order; not a ledger seq). */
  step: number;
  /** Job id: the step and the start of the planned new state (a re-plan with another salt gets another id). */
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
  /** Every plan, by step. */
  all(): Promise<PlannedStep[]>;
  get(step: number): Promise<PlannedStep | undefined>;
  /** Adds steps in one transaction. @throws Error when a step is planned already */
  add(steps: readonly PlannedStep[]): Promise<void>;
  /** Removes the plans with step ≥ `step` (a broken chain) or ≤ `step` (appended), per `side`. */
  remove(side: "from" | "upTo", step: number): Promise<void>;
  close(): Promise<void>;
}

/** The job id of a plan. */
export function planId(step: number, newState: string): string {
  return `${step}-${newState.replace(/^0x/, "").slice(0, 16)}`;
}

const TABLE = `CREATE TABLE IF NOT EXISTS planned_steps (
  step INTEGER PRIMARY KEY,
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
  step: number;
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
    step: Number(row.step), id: row.id, kind: row.kind, requestId: row.request_id, completesRequest: Number(row.completes_request) === 1,
    slots: JSON.parse(row.slots) as PlannedStep["slots"], ...(row.shard !== null ? { shard: Number(row.shard) } : {}),
    oldState: row.old_state, newState: row.new_state, body: row.body,
  };
}

function toRow(p: PlannedStep): unknown[] {
  return [p.step, p.id, p.kind, p.requestId, p.completesRequest ? 1 : 0, JSON.stringify(p.slots), p.shard ?? null, p.oldState, p.newState, p.body];
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
    return (this.#db.prepare("SELECT * FROM planned_steps ORDER BY step").all() as PlanRow[]).map(fromRow);
  }

  async get(step: number): Promise<PlannedStep | undefined> {
    const row = this.#db.prepare("SELECT * FROM planned_steps WHERE step = ?").get(step) as PlanRow | undefined;
    return row && fromRow(row);
  }

  async add(steps: readonly PlannedStep[]): Promise<void> {
    const insert = this.#db.prepare("INSERT INTO planned_steps (step, id, kind, request_id, completes_request, slots, shard, old_state, new_state, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.#db.transaction(() => {
      for (const step of steps) insert.run(...toRow(step));
    })();
  }

  async remove(side: "from" | "upTo", step: number): Promise<void> {
    this.#db.prepare(side === "from" ? "DELETE FROM planned_steps WHERE step >= ?" : "DELETE FROM planned_steps WHERE step <= ?").run(step);
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

/** Plans in a `planned_steps` table of the PostgreSQL ledger's database (and schema). */
export class PostgresPlanStore implements PlanStore {
  private constructor(readonly pool: pg.Pool) {}

  /** Uses `pool` (the ledger's; not closed by {@link close}) and creates the table if needed. */
  static async open(pool: pg.Pool): Promise<PostgresPlanStore> {
    await pool.query(TABLE);
    return new PostgresPlanStore(pool);
  }

  async all(): Promise<PlannedStep[]> {
    return (await this.pool.query<PlanRow>("SELECT * FROM planned_steps ORDER BY step")).rows.map(fromRow);
  }

  async get(step: number): Promise<PlannedStep | undefined> {
    const row = (await this.pool.query<PlanRow>("SELECT * FROM planned_steps WHERE step = $1", [step])).rows[0];
    return row && fromRow(row);
  }

  async add(steps: readonly PlannedStep[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      for (const step of steps) {
        await client.query("INSERT INTO planned_steps (step, id, kind, request_id, completes_request, slots, shard, old_state, new_state, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", toRow(step));
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async remove(side: "from" | "upTo", step: number): Promise<void> {
    await this.pool.query(side === "from" ? "DELETE FROM planned_steps WHERE step >= $1" : "DELETE FROM planned_steps WHERE step <= $1", [step]);
  }

  async close(): Promise<void> {}
}
