import type { ProofBundle, TrustedKey } from "./types.ts";

/**
 * The audit chain as data: what `zkforget export` writes (audit.json), what `verify-chain` and
 * the browser page check, and what `zkforget report` renders. Everything a regulator needs to
 * verify on another machine is inside: the bundles in ledger order, the verification keys with
 * their manifests, and the deletion requests. Nothing private (no records, salts or weights).
 */

/** Format tag and version of an audit package. */
export const AUDIT_FORMAT = "zkforget-audit";
export const AUDIT_VERSION = 1;

/**
 * What a ledger entry records. `request` entries record a deletion request when it is received
 * (its salted commitment to the slots it names); they and `accuracy` entries do not move the state.
 */
export const LEDGER_ENTRY_KINDS = ["commit", "request", "genesis", "deletion", "retrain", "accuracy"] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

/** One appended ledger entry, as exported. */
export interface AuditEntry {
  /** 1-based position in the ledger; strictly increasing, no gaps. */
  seq: number;
  kind: LedgerEntryKind;
  /** 0x-hex state (SISA) or data root (dataset deletion) before and after the entry. */
  oldState: string;
  newState: string;
  /** ISO time the entry was appended (controller's clock, not proved). */
  recordedAt: string;
  /** The deletion request this entry answers (or, for a `request` entry, records). */
  requestId?: string;
  /** `request` entries: 0x-hex salted commitment to the requested slots (verifier/requestCommitment.ts). */
  requestCommitment?: string;
  /** `request` entries: how many records the request names. */
  recordCount?: number;
  /** Seconds the proof took (controller's measurement, not proved). */
  proveSeconds?: number;
  /** The proof; absent only for the `commit` entry, which records the genesis state. */
  bundle?: ProofBundle;
}

/** Life cycle of a deletion request. */
export const DELETION_REQUEST_STATUSES = ["received", "proving", "proved", "failed"] as const;
export type DeletionRequestStatus = (typeof DELETION_REQUEST_STATUSES)[number];

/** A deletion request as the controller recorded it (times are the controller's clock). */
export interface DeletionRequestRecord {
  id: string;
  /** Number of records the request named (the ids themselves stay private). */
  recordCount: number;
  status: DeletionRequestStatus;
  receivedAt: string;
  /** Time the status last changed. */
  updatedAt: string;
  /** Time the last proof for it was appended, when proved. */
  provedAt?: string;
  /** Ledger seqs of the entries that answer it. */
  entries: number[];
  /** Why it failed, when failed. */
  error?: string;
  /** 0x-hex salted commitment to the requested slots, as recorded in the chain's `request` entry. */
  commitment: string;
  /**
   * 0x-hex salt of the commitment, published once the request is proved so that the verifier can
   * open the commitment with the slots the answering proofs deleted.
   */
  salt?: string;
}

/** A verification key with its manifest, as shipped in an audit package (the shape of a TrustedKey). */
export type AuditKey = TrustedKey;

/** A self-contained audit package. */
export interface AuditPackage {
  format: typeof AUDIT_FORMAT;
  version: typeof AUDIT_VERSION;
  /** ISO time of export. */
  exportedAt: string;
  /** Profile of the workspace's state transitions. */
  profile: string;
  /** 0x-hex config hash every SISA state is pinned to (absent for dataset-deletion workspaces). */
  configHash?: string;
  /** Number of shards (2^S) for SISA workspaces. */
  shards?: number;
  entries: AuditEntry[];
  requests: DeletionRequestRecord[];
  /** Keys by profile name, for every profile an entry uses. */
  keys: Record<string, AuditKey>;
  /** Evaluation figures measured by the controller (not proved), if any were recorded. */
  evaluation?: unknown;
}
