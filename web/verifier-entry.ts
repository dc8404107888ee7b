/**
 * The browser build of the zkforget verifier (bundled by scripts/build-web.ts into
 * `web/dist/zkforget-verifier.js`, an ES module).
 *
 * It re-exports the verifier from the individual modules rather than from
 * src/verifier/index.ts, because index.ts also exports `loadKeyRing` (keyRing.ts imports
 * node:fs/promises and node:path, which do not exist in a browser). A browser builds its key
 * ring with {@link keyRingOf} from keys it trusts, for example the ones embedded in the page.
 */
import type { KeyManifest } from "../src/keys/manifest.ts";
import type { KeyRing, TrustedKey, VerificationKey } from "../src/verifier/types.ts";

export { verifyBundle, releaseVerifierThreads, isVerificationKey, type VerifyOptions } from "../src/verifier/verify.ts";
export {
  verifyAuditPackage, describeProblem,
  type ChainOptions, type ChainReport, type ChainProblem, type ChainEntryReport, type ChainKeyReport, type ChainRequestReport,
} from "../src/verifier/chain.ts";
export { verificationKeyHash } from "../src/verifier/vkeyHash.ts";
export { canonicalJson } from "../src/verifier/canonicalJson.ts";
export { deletionDigestOf, poseidonLite, describeStatement } from "../src/verifier/statements.ts";
export { toHex32 } from "../src/verifier/fieldText.ts";
export * from "../src/verifier/types.ts";
export * from "../src/verifier/auditTypes.ts";
export type { KeyManifest, KeyContribution } from "../src/keys/manifest.ts";

/** A verification key with its manifest, as `keys/<profile>.vkey.json` + `.manifest.json` hold them. */
export interface KeyPair {
  vkey: VerificationKey;
  manifest: KeyManifest;
}

/**
 * A key ring from (vkey, manifest) pairs, by the manifest's profile. The verifier still checks
 * every key against its manifest's vkeyHash before using it.
 * @throws Error if two pairs name the same profile (which one to trust would be ambiguous).
 */
export function keyRingOf(pairs: readonly KeyPair[]): KeyRing {
  const ring = new Map<string, TrustedKey>();
  for (const { vkey, manifest } of pairs) {
    if (ring.has(manifest.profile)) throw new Error(`two trusted keys for profile ${manifest.profile}`);
    ring.set(manifest.profile, { vkey, manifest });
  }
  return ring;
}
