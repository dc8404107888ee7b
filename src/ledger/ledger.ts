import type Database from "better-sqlite3";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pathExists } from "../fsAtomic.ts";
import type { AuditEntry, DeletionRequestRecord, DeletionRequestStatus } from "../verifier/auditTypes.ts";
import type { ProofBundle } from "../verifier/types.ts";
import { verifyBundle, type VerifyOptions } from "../verifier/verify.ts";
import { createDatabase, LedgerError, openDatabase } from "./database.ts";
import { statementTransition } from "../verifier/transition.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { requestCommitment, type RequestedSlot } from "../verifier/requestCommitment.ts";

/**
 * The controller's ledger: an append-only list of state transitions (the commit, then one entry
 * per proof), the deletion requests they answer, and the controller's private snapshot of the
 * state the last entry moved to. Every append is one SQLite transaction that adds the entry,
 * replaces the snapshot and updates the request, so after a crash the ledger and the snapshot
 * are both at the last committed entry. An entry is appended only when its proof verifies and
 * continues the chain from the current state.
 */

/** File name of the ledger inside a workspace. */
export const LEDGER_FILE = "ledger.sqlite";

/** What the ledger records about its workspace (fixed at commit). */
export interface LedgerInfo {
  /** Profile of the workspace's state transitions. */
  profile: string;
  /**
   * The workspace's method ("deletion", "sisa", …: a kind registered in
   * src/methods/workspaceMethods.ts). The ledger stores it; the workspace checks it is known.
   */
  workspace: string;
  createdAt: string;
  /** SISA: 0x-hex config hash every state is pinned to. */
  configHash?: string;
  /** SISA: number of shards. */
  shards?: number;
}

/** The controller's private snapshot: an opaque body (see workspace/stateFile.ts) and the state it is at. */
export interface LedgerSnapshot {
  /** Seq of the entry the snapshot belongs to. */
  seq: number;
  /** 0x-hex state (or data root) the snapshot's contents hash to. */
  state: string;
  body: string;
}

/** A deletion request with the record ids it names and the opening of its commitment (private: never exported as such). */
export interface StoredRequest extends DeletionRequestRecord {
  recordIds: string[];
  /** 0x-hex salt of the request commitment. */
  salt: string;
  /** The requested slots and their leaves at receipt (0x-hex), the commitment's opening. */
  slots: { index: number; leaf: string }[];
  /** Seq of the `request` entry that recorded it in the chain. */
  seq: number;
}

/** The opening of a request commitment: what the controller commits to when it receives a request. */
export interface RequestOpening {
  salt: bigint;
  slots: readonly RequestedSlot[];
}

/** Raised when an append is refused; the ledger is unchanged. */
export class LedgerAppendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LedgerAppendError";
  }
}

/** One proved state transition to append. */
export interface AppendInput {
  /** The proof bundle, parsed or as JSON text (untrusted until verified). */
  bundle: unknown;
  /** The request it answers, if any; the request must exist and not be proved yet. */
  requestId?: string;
  /** Mark the request proved in the same transaction (the last entry answering it). */
  completesRequest?: boolean;
  proveSeconds?: number;
  /** The controller's state after the transition; its `state` must be the bundle's new state. */
  snapshot: { state: string; body: string };
}

/** Parameters of a new ledger. */
export interface CreateLedgerInput extends Omit<LedgerInfo, "createdAt"> {
  /** The committed (genesis) state: data root, or SISA state with the empty model. */
  genesisState: string;
  /** Snapshot body at the genesis state. */
  snapshotBody: string;
}

interface EntryRow {
  seq: number;
  kind: AuditEntry["kind"];
  old_state: string;
  new_state: string;
  recorded_at: string;
  request_id: string | null;
  prove_seconds: number | null;
  bundle: string | null;
  request_commitment: string | null;
  record_count: number | null;
}

interface RequestRow {
  id: string;
  record_ids: string;
  record_count: number;
  status: DeletionRequestStatus;
  received_at: string;
  updated_at: string;
  proved_at: string | null;
  error: string | null;
  commitment: string;
  salt: string;
  slots: string;
}

/** Number of bundle appends this process made; see {@link Ledger.append}'s test hook. */
let appendsInProcess = 0;

/** An open ledger. Close it when done. */
export class Ledger {
  readonly #db: Database.Database;

  private constructor(readonly path: string, db: Database.Database, readonly info: LedgerInfo) {
    this.#db = db;
  }

  /**
   * Creates the ledger at `path` with its commit entry (seq 1, the genesis state, no bundle) and
   * the genesis snapshot. Built in a temporary file and renamed into place, so a crash leaves no
   * half-made ledger. An existing ledger is replaced only with `replace`, and is then kept
   * beside it as `ledger.<time>.replaced.sqlite` (its history is not thrown away).
   * @throws LedgerError when a ledger exists and `replace` is not set
   */
  static async create(path: string, input: CreateLedgerInput, options: { replace?: boolean; now?: Date } = {}): Promise<Ledger> {
    const now = (options.now ?? new Date()).toISOString();
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    await rm(tmp, { force: true });
    const meta: Record<string, string> = { profile: input.profile, workspace: input.workspace, createdAt: now };
    if (input.configHash !== undefined) meta.configHash = input.configHash;
    if (input.shards !== undefined) meta.shards = String(input.shards);
    const db = createDatabase(tmp, meta);
    try {
      db.transaction(() => {
        db.prepare("INSERT INTO entries (seq, kind, old_state, new_state, recorded_at) VALUES (1, 'commit', ?, ?, ?)")
          .run(input.genesisState, input.genesisState, now);
        db.prepare("INSERT INTO snapshot (one, seq, state, body) VALUES (1, 1, ?, ?)").run(input.genesisState, input.snapshotBody);
      })();
    } finally {
      db.close();
    }
    try {
      if (await pathExists(path)) {
        if (!options.replace) throw new LedgerError(path, "a ledger already exists here");
        await rename(path, join(dirname(path), `ledger.${now.replace(/[:.]/g, "-")}.replaced.sqlite`));
      }
      await rename(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    return Ledger.open(path);
  }

  /**
   * Opens an existing ledger. @throws LedgerError naming the file: missing, not a zkforget
   * ledger, or corrupt (the file is not changed)
   */
  static open(path: string, options: { readonly?: boolean } = {}): Ledger {
    const db = openDatabase(path, options);
    try {
      const meta = new Map((db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
      const profile = meta.get("profile"), workspace = meta.get("workspace"), createdAt = meta.get("createdAt");
      if (profile === undefined || workspace === undefined || !/^[a-z][a-z0-9-]*$/.test(workspace) || createdAt === undefined) {
        throw new LedgerError(path, "not a zkforget ledger (meta lacks profile, workspace or createdAt)");
      }
      const info: LedgerInfo = { profile, workspace, createdAt };
      const configHash = meta.get("configHash"), shards = meta.get("shards");
      if (configHash !== undefined) info.configHash = configHash;
      if (shards !== undefined) info.shards = Number(shards);
      return new Ledger(path, db, info);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    this.#db.close();
  }

  /** Runs `fn` in one read transaction, so that what it reads is one consistent version of the ledger. */
  consistentRead<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  /** The entries in order (bundles parsed). */
  entries(): AuditEntry[] {
    return (this.#db.prepare("SELECT * FROM entries ORDER BY seq").all() as EntryRow[]).map((row) => this.#entry(row));
  }

  /** The last entry (there is always one: the commit). */
  head(): AuditEntry {
    const row = this.#db.prepare("SELECT * FROM entries ORDER BY seq DESC LIMIT 1").get() as EntryRow | undefined;
    if (!row) throw new LedgerError(this.path, "the ledger has no entries (not even its commit)");
    return this.#entry(row);
  }

  /** The controller's snapshot at the head. */
  snapshot(): LedgerSnapshot {
    const row = this.#db.prepare("SELECT seq, state, body FROM snapshot WHERE one = 1").get() as LedgerSnapshot | undefined;
    if (!row) throw new LedgerError(this.path, "the ledger has no snapshot");
    return row;
  }

  /**
   * Verifies `input.bundle` and appends it as the next entry, replacing the snapshot (and
   * updating the request) in the same transaction. Refused, with the ledger unchanged, when
   * the bundle is not JSON, does not verify under `verify`, is for another profile (accuracy
   * attestations excepted), does not start at the current state, or the snapshot is not at
   * the bundle's new state.
   *
   * Test hook: with ZKFORGET_TEST_CRASH_BEFORE_APPEND=N the process kills itself with SIGKILL
   * at the start of its N-th append, i.e. after the proof was made and before it is recorded.
   *
   * @throws LedgerAppendError saying why the entry was refused
   */
  async append(input: AppendInput, verify: VerifyOptions, now?: Date): Promise<AuditEntry> {
    appendsInProcess++;
    if (process.env.ZKFORGET_TEST_CRASH_BEFORE_APPEND === String(appendsInProcess)) process.kill(process.pid, "SIGKILL");
    let bundle = input.bundle;
    if (typeof bundle === "string") {
      try {
        bundle = JSON.parse(bundle);
      } catch (error) {
        throw new LedgerAppendError(`refused: the bundle is not valid JSON (truncated?): ${(error as Error).message}`);
      }
    }
    const result = await verifyBundle(bundle, verify);
    if (!result.valid || !result.bundle) throw new LedgerAppendError(`refused: the bundle does not verify: ${result.reasons.join("; ")}`);
    const verified: ProofBundle = result.bundle;
    const transition = statementTransition(verified.statement);
    if (typeof transition === "string") throw new LedgerAppendError(`refused: ${transition}`);
    if (transition.kind !== "accuracy" && verified.profile !== this.info.profile) {
      throw new LedgerAppendError(`refused: the bundle is for profile ${verified.profile}, but this ledger records ${this.info.profile} transitions`);
    }
    if (input.snapshot.state !== transition.newState) {
      throw new LedgerAppendError(`refused: the snapshot is at state ${input.snapshot.state}, not at the bundle's new state ${transition.newState}`);
    }
    const recordedAt = (now ?? new Date()).toISOString();
    return this.#db.transaction((): AuditEntry => {
      // Read the head inside the transaction: another writer may have appended since we verified.
      const head = this.head();
      if (transition.oldState !== head.newState) {
        throw new LedgerAppendError(`refused: the proof starts at state ${transition.oldState}, but the ledger is at ${head.newState} (entry ${head.seq}); it does not continue the chain`);
      }
      if (input.requestId !== undefined) {
        const request = this.request(input.requestId);
        if (!request) throw new LedgerAppendError(`refused: unknown deletion request ${JSON.stringify(input.requestId)}`);
        if (request.status === "proved") throw new LedgerAppendError(`refused: deletion request ${JSON.stringify(input.requestId)} is already proved`);
        const outside = deletedOutsideRequest(request, verified.statement);
        if (outside) throw new LedgerAppendError(`refused: the proof deletes slot ${outside.index}, which deletion request ${JSON.stringify(input.requestId)} does not name: it cannot answer it`);
      }
      const seq = head.seq + 1;
      this.#db.prepare("INSERT INTO entries (seq, kind, old_state, new_state, recorded_at, request_id, prove_seconds, bundle) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .run(seq, transition.kind, transition.oldState, transition.newState, recordedAt, input.requestId ?? null, input.proveSeconds ?? null, JSON.stringify(verified));
      this.#db.prepare("UPDATE snapshot SET seq = ?, state = ?, body = ? WHERE one = 1").run(seq, input.snapshot.state, input.snapshot.body);
      if (input.requestId !== undefined) {
        const status = input.completesRequest ? "proved" : "proving";
        this.#db.prepare("UPDATE requests SET status = ?, updated_at = ?, proved_at = CASE WHEN ? = 'proved' THEN ? ELSE proved_at END, error = NULL WHERE id = ?")
          .run(status, recordedAt, status, recordedAt, input.requestId);
      }
      return this.#entry(this.#db.prepare("SELECT * FROM entries WHERE seq = ?").get(seq) as EntryRow);
    })();
  }

  /**
   * Records a deletion request as received: stores it with its record ids and the opening of
   * its commitment, and appends a `request` entry to the chain carrying the salted commitment
   * (the state does not move), in one transaction. So the request is in the chain before any
   * proof answers it and cannot later be left out or swapped for another. Receiving an existing
   * unproved request again with the same record ids resumes it (after a crash or failure) and
   * returns it unchanged (`opening` is then not needed).
   * @throws LedgerAppendError for a request already proved, or known with other record ids
   */
  receiveRequest(id: string, recordIds: readonly string[], opening: RequestOpening | undefined, now = new Date()): StoredRequest {
    return this.#db.transaction((): StoredRequest => {
      const existing = this.request(id);
      if (existing) {
        if (existing.status === "proved") throw new LedgerAppendError(`deletion request ${JSON.stringify(id)} was already proved (entries ${existing.entries.join(", ")})`);
        if (JSON.stringify([...existing.recordIds].sort()) !== JSON.stringify([...recordIds].sort())) {
          throw new LedgerAppendError(`deletion request ${JSON.stringify(id)} was received with other record ids (${existing.recordIds.length} of them); use another --request-id`);
        }
        return existing;
      }
      if (opening === undefined) throw new LedgerAppendError(`deletion request ${JSON.stringify(id)} is new, so it needs the opening of its commitment (salt and slots)`);
      if (opening.slots.length !== recordIds.length) throw new LedgerAppendError(`deletion request ${JSON.stringify(id)}: ${recordIds.length} record ids but ${opening.slots.length} slots`);
      const at = now.toISOString();
      const commitment = toHex32(requestCommitment(opening.salt, opening.slots));
      const slots = [...opening.slots].sort((a, b) => a.index - b.index).map((s) => ({ index: s.index, leaf: toHex32(s.leaf) }));
      const head = this.head();
      const seq = head.seq + 1;
      this.#db.prepare("INSERT INTO entries (seq, kind, old_state, new_state, recorded_at, request_id, request_commitment, record_count) VALUES (?, 'request', ?, ?, ?, ?, ?, ?)")
        .run(seq, head.newState, head.newState, at, id, commitment, recordIds.length);
      this.#db.prepare("UPDATE snapshot SET seq = ? WHERE one = 1").run(seq);
      this.#db.prepare("INSERT INTO requests (id, record_ids, record_count, status, received_at, updated_at, commitment, salt, slots) VALUES (?, ?, ?, 'received', ?, ?, ?, ?, ?)")
        .run(id, JSON.stringify(recordIds), recordIds.length, at, at, commitment, toHex32(opening.salt), JSON.stringify(slots));
      return this.request(id)!;
    })();
  }

  /** Moves a request to `proving`, or to `failed` with the error text. */
  setRequestStatus(id: string, status: "proving" | "failed", error?: string, now = new Date()): void {
    const changed = this.#db.prepare("UPDATE requests SET status = ?, updated_at = ?, error = ? WHERE id = ? AND status <> 'proved'")
      .run(status, now.toISOString(), status === "failed" ? (error ?? "unknown error") : null, id).changes;
    if (changed === 0 && !this.request(id)) throw new LedgerAppendError(`unknown deletion request ${JSON.stringify(id)}`);
  }

  /** One request with its record ids and answering entries, or undefined. */
  request(id: string): StoredRequest | undefined {
    const row = this.#db.prepare("SELECT * FROM requests WHERE id = ?").get(id) as RequestRow | undefined;
    return row && this.#request(row);
  }

  /** All requests, oldest first. */
  requests(): StoredRequest[] {
    return (this.#db.prepare("SELECT * FROM requests ORDER BY received_at, id").all() as RequestRow[]).map((row) => this.#request(row));
  }

  #request(row: RequestRow): StoredRequest {
    const tagged = this.#db.prepare("SELECT seq, kind FROM entries WHERE request_id = ? ORDER BY seq").all(row.id) as { seq: number; kind: string }[];
    const entries = tagged.filter((e) => e.kind !== "request").map((e) => e.seq);
    const seq = tagged.find((e) => e.kind === "request")?.seq;
    if (seq === undefined) throw new LedgerError(this.path, `deletion request ${JSON.stringify(row.id)} has no request entry in the chain (the database is corrupt)`);
    return {
      id: row.id,
      recordCount: row.record_count,
      status: row.status,
      receivedAt: row.received_at,
      updatedAt: row.updated_at,
      ...(row.proved_at !== null ? { provedAt: row.proved_at } : {}),
      entries,
      ...(row.error !== null ? { error: row.error } : {}),
      commitment: row.commitment,
      recordIds: JSON.parse(row.record_ids) as string[],
      salt: row.salt,
      slots: JSON.parse(row.slots) as StoredRequest["slots"],
      seq,
    };
  }

  #entry(row: EntryRow): AuditEntry {
    let bundle: ProofBundle | undefined;
    if (row.bundle !== null) {
      try {
        bundle = JSON.parse(row.bundle) as ProofBundle;
      } catch {
        throw new LedgerError(this.path, `entry ${row.seq}: its stored bundle is not valid JSON (the database is corrupt)`);
      }
    }
    return {
      seq: row.seq,
      kind: row.kind,
      oldState: row.old_state,
      newState: row.new_state,
      recordedAt: row.recorded_at,
      ...(row.request_id !== null ? { requestId: row.request_id } : {}),
      ...(row.prove_seconds !== null ? { proveSeconds: row.prove_seconds } : {}),
      ...(row.request_commitment !== null ? { requestCommitment: row.request_commitment } : {}),
      ...(row.record_count !== null ? { recordCount: row.record_count } : {}),
      ...(bundle ? { bundle } : {}),
    };
  }
}

/**
 * The first slot a statement deletes that `request` does not name (index and leaf), if any: such
 * a proof cannot answer the request (the verifier would refuse the chain), so the ledger refuses it.
 */
export function deletedOutsideRequest(request: Pick<StoredRequest, "slots">, statement: unknown): { index: number; leaf: string } | undefined {
  const deleted = typeof statement === "object" && statement !== null && Array.isArray((statement as { deleted?: unknown }).deleted)
    ? ((statement as { deleted: { index: number; leaf: string }[] }).deleted)
    : [];
  return deleted.find((d) => !request.slots.some((s) => s.index === d.index && s.leaf === d.leaf));
}

/**
 * A request as exported: without the record ids or the slots, and with the commitment's salt
 * only once it is proved (the verifier then opens the commitment with the deleted slots).
 */
export function publicRequest(request: StoredRequest): DeletionRequestRecord {
  const { recordIds: _ids, slots: _slots, salt, seq: _seq, ...rest } = request;
  return { ...rest, ...(request.status === "proved" ? { salt } : {}) };
}

/** True when `request` is not proved and was received more than `hours` hours before `now`. */
export function isOverdue(request: DeletionRequestRecord, hours: number, now = new Date()): boolean {
  return request.status !== "proved" && now.getTime() - Date.parse(request.receivedAt) > hours * 3_600_000;
}
