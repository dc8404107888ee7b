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
 * taken from `keys`, the config hash and shard count of a SISA workspace, and the regulator's
 * part of `evaluation.json` next to the ledger when there is one ({@link evaluationForRegulator}).
 * Nothing private goes in.
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
    const evaluation = evaluationForRegulator(await readEvaluation(join(dirname(ledgerPath), EVALUATION_FILE)));
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

/**
 * What of the controller's evaluation goes into the audit package: the figures a regulator
 * needs to judge the unlearning as a whole — whether the unlearned model equals the reference
 * retrained without the records, accuracy on the retained and test sets, the cost — and nothing
 * about the forgotten records themselves. Left out: accuracy on the forget set and the
 * membership-inference figures on it (per-forget-set facts about data subjects' records) and the
 * shards their records were in. Returns undefined when there is no evaluation.
 */
export function evaluationForRegulator(evaluation: unknown): unknown {
  if (typeof evaluation !== "object" || evaluation === null || Array.isArray(evaluation)) return undefined;
  const e = evaluation as Record<string, unknown>;
  const pick = (o: unknown, keys: readonly string[]) =>
    typeof o === "object" && o !== null ? Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, (o as Record<string, unknown>)[k]])) : undefined;
  const utility = typeof e.utility === "object" && e.utility !== null
    ? Object.fromEntries(Object.entries(e.utility as Record<string, unknown>).map(([model, u]) => [model, pick(u, ["retain", "test"])]))
    : undefined;
  return {
    ...pick(e, ["format", "version", "provenance", "startedAt", "finishedAt", "profile", "configHash", "shards", "states", "records", "exact", "efficiency"]),
    forget: pick(e.forget, ["size", "proofs"]),
    ...(utility ? { utility } : {}),
    omitted: "accuracy on the forget set, membership-inference figures on it and the shards it touched are facts about data subjects' records; they stay with the controller",
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
