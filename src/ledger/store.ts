import type { AuditEntry } from "../verifier/auditTypes.ts";
import type { VerifyOptions } from "../verifier/verify.ts";
import { Ledger, type AppendInput, type LedgerInfo, type LedgerSnapshot, type RequestOpening, type StoredRequest } from "./ledger.ts";

/**
 * The ledger as the server and the workers use it: one asynchronous interface with two
 * backends, the workspace's SQLite file (the default; {@link SqliteLedgerStore} wraps
 * {@link Ledger}) and PostgreSQL (`postgres.ts`). Both make the same checks (appendCheck.ts)
 * and keep the same guarantees: entries are append-only, each append is one transaction that
 * adds the entry, replaces the private snapshot and updates the request, and the proof must
 * start at the head read inside that transaction.
 */
export interface LedgerStore {
  /** Where the ledger is, for messages (a path, or a postgres URL without its password). */
  readonly location: string;
  readonly info: LedgerInfo;
  head(): Promise<AuditEntry>;
  entries(): Promise<AuditEntry[]>;
  /** Entries and requests read as one consistent version of the ledger. */
  readAll(): Promise<{ entries: AuditEntry[]; requests: StoredRequest[] }>;
  snapshot(): Promise<LedgerSnapshot>;
  /** See {@link Ledger.append}. @throws LedgerAppendError */
  append(input: AppendInput, verify: VerifyOptions, now?: Date): Promise<AuditEntry>;
  /** See {@link Ledger.receiveRequest}. @throws LedgerAppendError */
  receiveRequest(id: string, recordIds: readonly string[], opening: RequestOpening | undefined, now?: Date): Promise<StoredRequest>;
  setRequestStatus(id: string, status: "proving" | "failed", error?: string, now?: Date): Promise<void>;
  request(id: string): Promise<StoredRequest | undefined>;
  requests(): Promise<StoredRequest[]>;
  close(): Promise<void>;
}

/** The SQLite ledger of a workspace behind the {@link LedgerStore} interface. */
export class SqliteLedgerStore implements LedgerStore {
  constructor(readonly ledger: Ledger) {}

  /** Opens the SQLite ledger at `path`. @throws LedgerError naming the file */
  static open(path: string, options: { readonly?: boolean } = {}): SqliteLedgerStore {
    return new SqliteLedgerStore(Ledger.open(path, options));
  }

  get location(): string {
    return this.ledger.path;
  }

  get info(): LedgerInfo {
    return this.ledger.info;
  }

  async head(): Promise<AuditEntry> {
    return this.ledger.head();
  }

  async entries(): Promise<AuditEntry[]> {
    return this.ledger.entries();
  }

  async readAll(): Promise<{ entries: AuditEntry[]; requests: StoredRequest[] }> {
    return this.ledger.consistentRead(() => ({ entries: this.ledger.entries(), requests: this.ledger.requests() }));
  }

  async snapshot(): Promise<LedgerSnapshot> {
    return this.ledger.snapshot();
  }

  append(input: AppendInput, verify: VerifyOptions, now?: Date): Promise<AuditEntry> {
    return this.ledger.append(input, verify, now);
  }

  async receiveRequest(id: string, recordIds: readonly string[], opening: RequestOpening | undefined, now?: Date): Promise<StoredRequest> {
    return this.ledger.receiveRequest(id, recordIds, opening, now);
  }

  async setRequestStatus(id: string, status: "proving" | "failed", error?: string, now?: Date): Promise<void> {
    this.ledger.setRequestStatus(id, status, error, now);
  }

  async request(id: string): Promise<StoredRequest | undefined> {
    return this.ledger.request(id);
  }

  async requests(): Promise<StoredRequest[]> {
    return this.ledger.requests();
  }

  async close(): Promise<void> {
    this.ledger.close();
  }
}

/** True for a `postgres://` or `postgresql://` ledger location. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A postgres URL with its password replaced by `***`, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return "postgres://(unparseable URL)";
  }
}
