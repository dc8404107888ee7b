import { embeddedProfiles } from "../verifier/statements.ts";
import { pathExists, readJsonFile } from "../fsAtomic.ts";
import { dirname, join } from "node:path";
import { AUDIT_FORMAT, AUDIT_VERSION, type AuditEntry, type AuditKey, type AuditPackage } from "../verifier/auditTypes.ts";
import type { KeyRing } from "../verifier/types.ts";
import { publicRequest } from "./ledger.ts";
import { SqliteLedgerStore, type LedgerStore } from "./store.ts";
import { statementKindOf } from "../methods/statementKinds.ts";

/** File a workspace's evaluation figures are read from (written by `zkforget evaluate`). */
export const EVALUATION_FILE = "evaluation.json";

/**
 * The audit package of the ledger at `ledgerPath`: its entries with their bundles, its deletion
 * requests without the record ids, the key (vkey and manifest) of every profile an entry uses,
 * taken from `keys`, the config hash and shard count of a SISA workspace, and the regulator's
 * part of `evaluation.json` next to the ledger when there is one ({@link evaluationForRegulator};
 * with `fullEvaluation`, all of it: for the controller's own report, never for export).
 * Nothing private goes in.
 *
 * @throws LedgerError for a missing or corrupt ledger; Error when `keys` lacks a profile the
 *   ledger uses, or evaluation.json is not JSON
 */
export async function auditPackageFromLedger(
  ledgerPath: string, keys: KeyRing, now = new Date(), options: { fullEvaluation?: boolean } = {},
): Promise<AuditPackage> {
  // Read-only: exporting or verifying someone's ledger must not write to it.
  const store = SqliteLedgerStore.open(ledgerPath, { readonly: true });
  try {
    return await auditPackageFromStore(store, keys, join(dirname(ledgerPath), EVALUATION_FILE), now, options);
  } finally {
    await store.close();
  }
}

/**
 * The audit package of any ledger backend (see {@link auditPackageFromLedger}), with the
 * evaluation figures read from `evaluationPath` when that file exists.
 */
export async function auditPackageFromStore(
  store: LedgerStore, keys: KeyRing, evaluationPath: string | undefined, now = new Date(), options: { fullEvaluation?: boolean } = {},
): Promise<AuditPackage> {
  const all = await store.readAll();
  const entries = all.entries;
  const requests = all.requests.map(publicRequest);
  // With the keys of the proofs a bundle embeds (a ridge genesis' batches), so the package is complete.
  const profiles = new Set([store.info.profile, ...entries.flatMap((e) => (e.bundle
    ? [e.bundle.profile, ...(keys.get(e.bundle.profile) ? embeddedProfiles(e.bundle.statement, keys.get(e.bundle.profile)!.manifest) : [])]
    : []))]);
  const packageKeys: Record<string, AuditKey> = {};
  for (const profile of [...profiles].sort()) {
    const key = keys.get(profile);
    if (!key) throw new Error(`no verification key for profile ${profile} (used by ${store.location}); give the directory that holds it with --keys`);
    packageKeys[profile] = { vkey: key.vkey, manifest: key.manifest };
  }
  const measured = evaluationPath !== undefined ? await readEvaluation(evaluationPath) : undefined;
  const evaluation = options.fullEvaluation ? measured : evaluationForRegulator(measured);
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

/**
 * What of the controller's evaluation goes into the audit package: the figures a regulator
 * needs to judge the unlearning as a whole — whether the unlearned model equals the reference
 * retrained without the records, accuracy on the retained and test sets, the cost, and the
 * membership-inference AUCs and advantages that are the evidence of forgetting — and nothing that
 * singles out the forgotten records: accuracy on the forget set (with a few records it says which
 * were classified right, i.e. their labels), the ROC points (their steps rank each forgotten
 * record's score among the non-members) and the shards the records were in. Returns undefined
 * when there is no evaluation.
 */
export function evaluationForRegulator(evaluation: unknown): unknown {
  if (!isRecord(evaluation)) return undefined;
  const pick = (o: unknown, keys: readonly string[]) =>
    isRecord(o) ? Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]])) : undefined;
  const perModel = (o: unknown, f: (v: unknown) => unknown) => (isRecord(o) ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)])) : undefined);
  const mia = isRecord(evaluation.membershipInference)
    ? {
      ...evaluation.membershipInference,
      attacks: perModel(evaluation.membershipInference.attacks, (models) => perModel(models, (r) => pick(r, ["auc", "maxAdvantage", "tuned", "calibrationAuc"]))),
    }
    : undefined;
  return {
    ...pick(evaluation, ["format", "version", "provenance", "startedAt", "finishedAt", "profile", "configHash", "shards", "states", "records", "exact", "efficiency"]),
    forget: pick(evaluation.forget, ["size", "proofs"]),
    ...(isRecord(evaluation.utility) ? { utility: perModel(evaluation.utility, (u) => pick(u, ["retain", "test"])) } : {}),
    ...(mia ? { membershipInference: mia } : {}),
    omitted: "accuracy on the forget set, the ROC points and the shards the forget set touched single out data subjects' records; they stay with the controller",
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function readEvaluation(path: string): Promise<unknown> {
  return (await pathExists(path)) ? readJsonFile(path, "evaluation") : undefined;
}

/** `NNNN-deletion.json`, `NNNN-genesis-shard3.json`, `NNNN-retrain-shard3.json`, … (NNNN = seq). */
export function bundleFileName(entry: AuditEntry): string {
  const s = entry.bundle?.statement;
  const tag = s ? statementKindOf(s)?.fileTag(s as unknown as Record<string, unknown>) ?? "" : "";
  return `${String(entry.seq).padStart(4, "0")}-${entry.kind}${tag}.json`;
}
