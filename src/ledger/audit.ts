import { pathExists, readJsonFile } from "../fsAtomic.ts";
import { dirname, join } from "node:path";
import { AUDIT_FORMAT, AUDIT_VERSION, type AuditEntry, type AuditKey, type AuditPackage } from "../verifier/auditTypes.ts";
import type { KeyRing } from "../verifier/types.ts";
import { publicRequest } from "./ledger.ts";
import { SqliteLedgerStore, type LedgerStore } from "./store.ts";

/** File a workspace's evaluation figures are read from (written by `zkforget evaluate`). */
export const EVALUATION_FILE = "evaluation.json";

/**
 * The audit package of the ledger at `ledgerPath`: its entries with their bundles, its deletion
 * requests without the record ids, the key (vkey and manifest) of every profile an entry uses,
 * taken from `keys`, the config hash and shard count of a SISA workspace, and the parsed
 * `evaluation.json` next to the ledger when there is one. Nothing private goes in.
 *
 * @throws LedgerError for a missing or corrupt ledger; Error when `keys` lacks a profile the
 *   ledger uses, or evaluation.json is not JSON
 */
export async function auditPackageFromLedger(ledgerPath: string, keys: KeyRing, now = new Date()): Promise<AuditPackage> {
  // Read-only: exporting or verifying someone's ledger must not write to it.
  const store = SqliteLedgerStore.open(ledgerPath, { readonly: true });
  try {
    return await auditPackageFromStore(store, keys, join(dirname(ledgerPath), EVALUATION_FILE), now);
  } finally {
    await store.close();
  }
}

/**
 * The audit package of any ledger backend (see {@link auditPackageFromLedger}), with the
 * evaluation figures read from `evaluationPath` when that file exists.
 */
export async function auditPackageFromStore(store: LedgerStore, keys: KeyRing, evaluationPath: string | undefined, now = new Date()): Promise<AuditPackage> {
  const all = await store.readAll();
  const entries = all.entries;
  const requests = all.requests.map(publicRequest);
  const profiles = new Set([store.info.profile, ...entries.flatMap((e) => (e.bundle ? [e.bundle.profile] : []))]);
  const packageKeys: Record<string, AuditKey> = {};
  for (const profile of [...profiles].sort()) {
    const key = keys.get(profile);
    if (!key) throw new Error(`no verification key for profile ${profile} (used by ${store.location}); give the directory that holds it with --keys`);
    packageKeys[profile] = { vkey: key.vkey, manifest: key.manifest };
  }
  const evaluation = evaluationPath !== undefined ? await readEvaluation(evaluationPath) : undefined;
  return {
    format: AUDIT_FORMAT,
    version: AUDIT_VERSION,
    exportedAt: now.toISOString(),
    profile: store.info.profile,
    ...(store.info.configHash !== undefined ? { configHash: store.info.configHash } : {}),
    ...(store.info.shards !== undefined ? { shards: store.info.shards } : {}),
    entries,
    requests,
    keys: packageKeys,
    ...(evaluation !== undefined ? { evaluation } : {}),
  };
}

async function readEvaluation(path: string): Promise<unknown> {
  return (await pathExists(path)) ? readJsonFile(path, "evaluation") : undefined;
}

/** `NNNN-deletion.json`, `NNNN-genesis-shard3.json`, `NNNN-retrain-shard3.json`, … (NNNN = seq). */
export function bundleFileName(entry: AuditEntry): string {
  const s = entry.bundle?.statement;
  const shard = s?.type === "shard-retrain" ? `-shard${s.shard}` : "";
  return `${String(entry.seq).padStart(4, "0")}-${entry.kind}${shard}.json`;
}
