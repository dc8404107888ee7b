/**
 * The browser-safe verifier: everything in `zkforget/verifier` except `loadKeyRing` (which
 * reads key files with node:fs). Package consumers get this module under the "browser"
 * condition of the `./verifier` export; web/verifier-entry.ts bundles it for the static page.
 * A browser builds its key ring with {@link keyRingOf} from keys it trusts.
 */
import type { KeyRing, TrustedKey } from "./types.ts";

export { verifyBundle, releaseVerifierThreads, isVerificationKey, type VerifyOptions } from "./verify.ts";
export {
  verifyAuditPackage, describeProblem,
  type ChainOptions, type ChainReport, type ChainProblem, type ChainEntryReport, type ChainKeyReport, type ChainRequestReport,
} from "./chain.ts";
export { verificationKeyHash } from "./vkeyHash.ts";
export { canonicalJson } from "./canonicalJson.ts";
export { deletionDigestOf, poseidonLite, describeStatement } from "./statements.ts";
export { toHex32 } from "./fieldText.ts";
export * from "./types.ts";
export * from "./auditTypes.ts";
export {
  checkReceipt, merkleRootFromPath, RECEIPT_FORMAT, RECEIPT_VERSION,
  type Receipt, type InclusionReceipt, type RequestReceipt, type DeletionReceipt, type RequestOpeningJson, type ReceiptCheckOptions, type ReceiptCheckResult,
} from "./receiptCheck.ts";
export { requestCommitment, REQUEST_COMMITMENT_DOMAIN, type RequestedSlot } from "./requestCommitment.ts";
export { bundleIdentity } from "./bundleIdentity.ts";
export { entryDigest, chainDigests, CHAIN_DIGEST_DOMAIN, EMPTY_CHAIN_DIGEST, ChainDigestError } from "./chainDigest.ts";
export {
  verifyHeadLog, headMatchesChain, headsMatchChain, findEquivocation, checkEquivocation, signHead, headHash, parseSignedHead,
  HEAD_FORMAT, HEAD_VERSION, EQUIVOCATION_FORMAT,
  type SignedHead, type UnsignedHead, type HeadLogOptions, type HeadLogReport, type Equivocation, type EquivocationSearch,
} from "./headLog.ts";
export {
  DEFAULT_TRAINING_POLICY, trainingPolicyProblems, parsePublicTrainingConfig, publicTrainingConfig, type TrainingPolicy,
} from "../ml/publicConfig.ts";
export { parseSubjectRecord, subjectRecordElements, type SubjectRecord } from "./subjectRecord.ts";
export type { KeyManifest, KeyContribution } from "../keys/manifest.ts";
export { documentFieldElements } from "../dataset/document.ts";

/** A verification key with its manifest, as `keys/<profile>.vkey.json` + `.manifest.json` hold them. */
export type KeyPair = TrustedKey;

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
