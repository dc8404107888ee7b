import { SNARK_FIELD } from "../field.ts";
import { DELETION_REQUEST_STATUSES, LEDGER_ENTRY_KINDS } from "./auditTypes.ts";
import type { ChainKeyReport } from "./chain.ts";
import { parseHex32 } from "./fieldText.ts";
import { isObject } from "./statementFields.ts";
import type { KeyRing } from "./types.ts";
import { verificationKeyHash } from "./vkeyHash.ts";

/**
 * The field-level checks of audit-chain verification (chain.ts): shapes of entries and
 * requests, seq order, and the package's keys against the trusted ones.
 * Each returns the problems it finds as sentences; none throws. Browser-safe.
 */

/** Every ledger entry kind and every deletion-request status (auditTypes.ts defines both). */
export const KINDS: readonly string[] = LEDGER_ENTRY_KINDS;
const REQUEST_STATUSES: readonly string[] = DELETION_REQUEST_STATUSES;

/** An integer ≥ 1. */
export function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0;
}

/** A canonical 0x-hex field element, or undefined. */
export function hexText(value: unknown): string | undefined {
  const n = parseHex32(value);
  return n !== undefined && n < SNARK_FIELD ? (value as string) : undefined;
}

export { short } from "./statementFields.ts";

/** Seqs must run 1, 2, 3, … : names a gap or a step back relative to the highest seq seen. */
export function seqProblems(seq: unknown, maxSeq: number): string[] {
  if (!isPositiveInteger(seq)) return [`seq ${JSON.stringify(seq)} is not a positive integer`];
  if (seq === maxSeq + 1) return [];
  if (seq > maxSeq + 1) {
    const gap = seq === maxSeq + 2 ? `entry ${maxSeq + 1} is` : `entries ${maxSeq + 1}..${seq - 1} are`;
    return [`seq ${seq} follows seq ${maxSeq}: ${gap} missing or out of order`];
  }
  return [`seq ${seq} comes after seq ${maxSeq}: entries are out of order or repeated`];
}

/** Shape problems of one ledger entry's fields (kind, states, time, request id, proving time, bundle). */
export function entryFieldProblems(e: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!KINDS.includes(e.kind as string)) problems.push(`kind ${JSON.stringify(e.kind)} is not one of ${KINDS.join(", ")}`);
  for (const field of ["oldState", "newState"]) {
    if (hexText(e[field]) === undefined) problems.push(`${field} is not a 0x-prefixed 64-digit lowercase hex field element`);
  }
  if (typeof e.recordedAt !== "string") problems.push("recordedAt must be an ISO time string");
  if (e.requestId !== undefined && typeof e.requestId !== "string") problems.push("requestId must be a string");
  if (e.proveSeconds !== undefined && !(typeof e.proveSeconds === "number" && Number.isFinite(e.proveSeconds) && e.proveSeconds >= 0)) {
    problems.push("proveSeconds must be a non-negative number");
  }
  if (e.bundle !== undefined && !isObject(e.bundle)) problems.push("bundle must be a proof bundle object");
  return problems;
}

/** Shape problems of one deletion request's fields. */
export function requestFieldProblems(r: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!REQUEST_STATUSES.includes(r.status as string)) problems.push(`status ${JSON.stringify(r.status)} is not one of ${REQUEST_STATUSES.join(", ")}`);
  if (!(typeof r.recordCount === "number" && Number.isInteger(r.recordCount) && r.recordCount >= 0)) problems.push("recordCount must be a non-negative integer");
  if (typeof r.receivedAt !== "string") problems.push("receivedAt must be an ISO time string");
  if (typeof r.updatedAt !== "string") problems.push("updatedAt must be an ISO time string");
  if (r.status === "proved" && typeof r.provedAt !== "string") problems.push("marked proved but has no provedAt time");
  if (!Array.isArray(r.entries)) problems.push("entries must be a list of ledger seqs");
  return problems;
}

/** Compares a package key (untrusted) with the trusted key for its profile. */
export function compareKey(profile: string, packageKey: unknown, keys: KeyRing): ChainKeyReport {
  const trusted = keys.get(profile);
  const reasons: string[] = [];
  const claimed = isObject(packageKey) && isObject(packageKey.manifest) ? packageKey.manifest : undefined;
  if (!isObject(packageKey) || !isObject(packageKey.vkey) || !claimed) {
    reasons.push(`the package carries no usable key (vkey and manifest) for profile ${profile}`);
  }
  if (!trusted) {
    reasons.push(`no trusted verification key for profile ${profile}`);
  } else if (reasons.length === 0) {
    let hash: string;
    try {
      hash = verificationKeyHash((packageKey as { vkey: object }).vkey);
    } catch (error) {
      hash = `unhashable (${(error as Error).message})`;
    }
    const want = trusted.manifest;
    if (hash !== want.vkeyHash) {
      reasons.push(`key mismatch: the package's verification key for ${profile} has vkeyHash ${hash}, the trusted key has ${want.vkeyHash}`);
    }
    for (const field of ["vkeyHash", "security", "template", "params", "publicSignals"] as const) {
      if (JSON.stringify(claimed![field]) !== JSON.stringify(want[field])) {
        reasons.push(`key mismatch: the package's manifest for ${profile} says ${field} ${JSON.stringify(claimed![field])}, the trusted manifest says ${JSON.stringify(want[field])}`);
      }
    }
  }
  const claimedSecurity = claimed?.security === "insecure-dev" || claimed?.security === "ceremony" ? claimed.security : undefined;
  const security = trusted?.manifest.security ?? claimedSecurity;
  return { profile, ...(security ? { security } : {}), matchesTrusted: trusted !== undefined && reasons.length === 0, reasons };
}
