import { pathExists, readJsonFile } from "../fsAtomic.ts";
import { dirname, join } from "node:path";
import { AUDIT_FORMAT, AUDIT_VERSION, type AuditEntry, type AuditKey, type AuditPackage } from "../verifier/auditTypes.ts";
import type { KeyRing } from "../verifier/types.ts";
import { Ledger, publicRequest } from "./ledger.ts";

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
  const ledger = Ledger.open(ledgerPath, { readonly: true });
  try {
    const { entries, requests } = ledger.consistentRead(() => ({ entries: ledger.entries(), requests: ledger.requests().map(publicRequest) }));
    const profiles = new Set([ledger.info.profile, ...entries.flatMap((e) => (e.bundle ? [e.bundle.profile] : []))]);
    const packageKeys: Record<string, AuditKey> = {};
    for (const profile of [...profiles].sort()) {
      const key = keys.get(profile);
      if (!key) throw new Error(`no verification key for profile ${profile} (used by ${ledgerPath}); give the directory that holds it with --keys`);
      packageKeys[profile] = { vkey: key.vkey, manifest: key.manifest };
    }
    const evaluation = await readEvaluation(join(dirname(ledgerPath), EVALUATION_FILE));
    return {
      format: AUDIT_FORMAT,
      version: AUDIT_VERSION,
      exportedAt: now.toISOString(),
      profile: ledger.info.profile,
      ...(ledger.info.configHash !== undefined ? { configHash: ledger.info.configHash } : {}),
      ...(ledger.info.shards !== undefined ? { shards: ledger.info.shards } : {}),
      entries,
      requests,
      keys: packageKeys,
      ...(evaluation !== undefined ? { evaluation } : {}),
    };
  } finally {
    ledger.close();
  }
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
