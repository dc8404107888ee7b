import type { AuditEntry, DeletionRequestStatus } from "../verifier/auditTypes.ts";
import type { ProofBundle } from "../verifier/types.ts";
import { LedgerError } from "./database.ts";
import type { StoredRequest } from "./ledger.ts";

/**
 * The rows of the ledger's `entries` and `requests` tables, and turning them into the API's
 * objects. Both backends (SQLite, PostgreSQL) use the same column names and these mappers.
 */

/** A row of `entries`. */
export interface EntryRow {
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

/** A row of `requests`. */
export interface RequestRow {
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

/** An entry from its row. @throws LedgerError naming `source` when the stored bundle is not JSON */
export function entryFromRow(row: EntryRow, source: string): AuditEntry {
  let bundle: ProofBundle | undefined;
  if (row.bundle !== null) {
    try {
      bundle = JSON.parse(row.bundle) as ProofBundle;
    } catch {
      throw new LedgerError(source, `entry ${row.seq}: its stored bundle is not valid JSON (the database is corrupt)`);
    }
  }
  return {
    seq: Number(row.seq),
    kind: row.kind,
    oldState: row.old_state,
    newState: row.new_state,
    recordedAt: row.recorded_at,
    ...(row.request_id !== null ? { requestId: row.request_id } : {}),
    ...(row.prove_seconds !== null ? { proveSeconds: Number(row.prove_seconds) } : {}),
    ...(row.request_commitment !== null ? { requestCommitment: row.request_commitment } : {}),
    ...(row.record_count !== null ? { recordCount: Number(row.record_count) } : {}),
    ...(bundle ? { bundle } : {}),
  };
}

/**
 * A request from its row and the entries tagged with it (seq and kind, in order): its `request`
 * entry gives its seq, the others are the entries that answer it.
 * @throws LedgerError naming `source` when the request has no request entry
 */
export function requestFromRow(row: RequestRow, tagged: readonly { seq: number; kind: string }[], source: string): StoredRequest {
  const seq = tagged.find((e) => e.kind === "request")?.seq;
  if (seq === undefined) throw new LedgerError(source, `deletion request ${JSON.stringify(row.id)} has no request entry in the chain (the database is corrupt)`);
  return {
    id: row.id,
    recordCount: Number(row.record_count),
    status: row.status,
    receivedAt: row.received_at,
    updatedAt: row.updated_at,
    ...(row.proved_at !== null ? { provedAt: row.proved_at } : {}),
    entries: tagged.filter((e) => e.kind !== "request").map((e) => Number(e.seq)),
    ...(row.error !== null ? { error: row.error } : {}),
    commitment: row.commitment,
    recordIds: JSON.parse(row.record_ids) as string[],
    salt: row.salt,
    slots: JSON.parse(row.slots) as StoredRequest["slots"],
    seq: Number(seq),
  };
}

/** An entry tagged with a request: its seq, kind and the request's id. */
export interface TaggedEntryRow {
  request_id: string;
  seq: number;
  kind: string;
}

/** Entries tagged with a request (in seq order), grouped by request id, for {@link requestFromRow}. */
export function taggedByRequest(rows: readonly TaggedEntryRow[]): Map<string, { seq: number; kind: string }[]> {
  const byRequest = new Map<string, { seq: number; kind: string }[]>();
  for (const row of rows) {
    const list = byRequest.get(row.request_id) ?? [];
    list.push({ seq: Number(row.seq), kind: row.kind });
    byRequest.set(row.request_id, list);
  }
  return byRequest;
}
