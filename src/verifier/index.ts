/**
 * zkforget verifier: checks proof bundles against trusted verification keys. Imports nothing
 * from the prover, the circuit compiler or circomlibjs; `loadKeyRing` is the only Node-only
 * export (browsers pass their own Map of keys).
 */
export { verifyBundle, releaseVerifierThreads, isVerificationKey, type VerifyOptions } from "./verify.ts";
export { loadKeyRing, trustedKey } from "./keyRing.ts";
export { verificationKeyHash } from "./vkeyHash.ts";
export { canonicalJson } from "./canonicalJson.ts";
export { deletionDigestOf, poseidonLite, describeStatement } from "./statements.ts";
export { toHex32 } from "./fieldText.ts";
export {
  verifyAuditPackage, describeProblem,
  type ChainOptions, type ChainReport, type ChainProblem, type ChainEntryReport, type ChainKeyReport, type ChainRequestReport,
} from "./chain.ts";
export * from "./types.ts";
export * from "./auditTypes.ts";
export type { KeyManifest, KeyContribution } from "../keys/manifest.ts";
