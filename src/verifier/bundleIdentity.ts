import { canonicalJson } from "./canonicalJson.ts";
import { isObject } from "./statements.ts";

/**
 * What identifies a proof bundle: the profile, the key, the statement and the public signals —
 * never the proof's bytes. Groth16 proofs are malleable (negating A and B gives another valid
 * proof of the same statement), so two bundles that differ only in their proofs prove the same
 * thing, and a bundle "is" an entry of a chain exactly when this identity matches. Browser-safe.
 */
export function bundleIdentity(bundle: unknown): string | undefined {
  if (!isObject(bundle)) return undefined;
  try {
    return canonicalJson({ profile: bundle.profile, vkeyHash: bundle.vkeyHash, statement: bundle.statement, publicSignals: bundle.publicSignals });
  } catch {
    return undefined;
  }
}
