import { releaseCurve } from "../snarkjsThreads.ts";
import { verificationKeyHash } from "./vkeyHash.ts";
import { scalarProblem } from "./fieldText.ts";
import { groth16Check } from "./groth16.ts";
import { decodeProof } from "./proofPoints.ts";
import { checkStatement, isObject } from "./statements.ts";
import { statementKindOfTemplate } from "../methods/statementKinds.ts";
import type { EmbeddedProof } from "../methods/statementKind.ts";
import { DEFAULT_TRAINING_POLICY, type TrainingPolicy } from "../ml/publicConfig.ts";
import {
  BUNDLE_FORMAT, BUNDLE_VERSION,
  type KeyRing, type ProofBundle, type TrustedKey, type VerificationKey, type VerificationResult,
} from "./types.ts";

/** Options for {@link verifyBundle}. */
export interface VerifyOptions {
  /** The verification keys this verifier trusts, by profile. */
  keys: KeyRing;
  /**
   * Accept bundles proved under insecure dev keys. Their secrets are public, so anyone can
   * forge such a proof: only for demos and tests.
   */
  allowDev?: boolean;
  /**
   * What training configs this verifier accepts (data-independent initial weights, a learning
   * rate above a floor, …). Default {@link DEFAULT_TRAINING_POLICY}.
   */
  policy?: TrainingPolicy;
}

/**
 * Verifies a proof bundle received from an untrusted controller.
 *
 * Accepts the bundle as parsed JSON or as its JSON text. Checks, in order: the shape of the
 * bundle, that its profile has a trusted key and that the bundle names that exact key, the
 * key's trust level, the count and range of the public signals, the proof's points (each in
 * canonical affine form, on its curve, in the prime-order subgroup, not the point at infinity:
 * src/verifier/proofPoints.ts), that the readable statement agrees with the public signals, and
 * finally the Groth16 pairing check on @noble/curves (src/verifier/groth16.ts; no snarkjs, no
 * worker threads). Never throws on bad input: every problem becomes a reason.
 * A valid proof is not a unique one (Groth16 is malleable): never use proof bytes as an identity.
 *
 * @example
 * const { valid, reasons } = await verifyBundle(json, { keys: await loadKeyRing("keys") });
 */
export async function verifyBundle(input: unknown, options: VerifyOptions): Promise<VerificationResult> {
  let data = input;
  if (typeof input === "string") {
    try {
      data = JSON.parse(input);
    } catch (error) {
      return reject([`malformed JSON: ${(error as Error).message}`]);
    }
  }
  if (!isObject(data)) return reject(["the bundle is not a JSON object"]);

  const shape = bundleShapeProblems(data);
  if (shape.length > 0) return reject(shape);
  const bundle = data as unknown as ProofBundle;

  const key = options.keys.get(bundle.profile);
  if (!key) {
    const known = [...options.keys.keys()].join(", ") || "none";
    return reject([`unknown profile ${JSON.stringify(bundle.profile)}: no trusted verification key for it (known: ${known})`], bundle);
  }
  const keyProblems = trustedKeyProblems(bundle, key, options.allowDev === true);
  if (keyProblems.length > 0) return reject(keyProblems, bundle, key);

  const proof = decodeProof(bundle.proof);
  const reasons = [...signalProblems(bundle.publicSignals, key), ...(proof.ok ? [] : proof.problems)];
  if (reasons.length === 0) reasons.push(...checkStatement(bundle.statement, bundle.publicSignals, key.manifest, options.policy));
  if (reasons.length > 0 || !proof.ok) return reject(reasons, bundle, key);

  let ok = false;
  try {
    ok = groth16Check(key.vkey, bundle.publicSignals.map((s) => BigInt(s as string)), proof.value);
  } catch (error) {
    return reject([`the proof could not be checked: ${(error as Error).message}`], bundle, key);
  }
  if (!ok) return reject(["the Groth16 proof does not verify for these public signals under the trusted key"], bundle, key);
  const embedded = embeddedProblems(bundle, key, options);
  if (embedded.length > 0) return reject(embedded, bundle, key);
  return { valid: true, reasons: [], bundle, security: key.manifest.security };
}

/**
 * The proofs a statement embeds (StatementKind.embeddedProofs, e.g. a ridge genesis' batch
 * proofs), each checked like a bundle's own proof under the verifier's trusted key for its
 * profile: the key proves the template and parameters the statement kind requires, the
 * controller's vkeyHash is that key's, its trust level is allowed, the signals are field
 * elements of the right count, the points are canonical, and the pairing check passes.
 */
function embeddedProblems(bundle: ProofBundle, key: TrustedKey, options: VerifyOptions): string[] {
  const kind = statementKindOfTemplate(key.manifest.template);
  if (!kind?.embeddedProofs) return [];
  const listed = kind.embeddedProofs(bundle.statement as unknown as Record<string, unknown>, key.manifest);
  if (listed.length > 0 && typeof listed[0] === "string") return listed as string[];
  return (listed as EmbeddedProof[]).flatMap((e) => embeddedProofProblems(e, options).map((r) => `${e.at}: ${r}`));
}

function embeddedProofProblems(e: EmbeddedProof, options: VerifyOptions): string[] {
  if (typeof e.profile !== "string") return ["profile is missing"];
  const key = options.keys.get(e.profile);
  if (!key) return [`unknown profile ${JSON.stringify(e.profile)}: no trusted verification key for it`];
  if (key.manifest.template !== e.template || key.manifest.params.join() !== e.params.join()) {
    return [`profile ${e.profile} proves ${key.manifest.template}(${key.manifest.params.join(", ")}), not the ${e.template}(${e.params.join(", ")}) this statement embeds`];
  }
  const problems = trustedKeyProblems({ profile: e.profile, vkeyHash: e.vkeyHash } as ProofBundle, key, options.allowDev === true);
  if (!Array.isArray(e.publicSignals)) problems.push("publicSignals must be a list");
  if (problems.length > 0) return problems;
  const signals = e.publicSignals as unknown[];
  const proof = decodeProof(e.proof, "proof");
  problems.push(...signalProblems(signals, key), ...(proof.ok ? [] : proof.problems));
  if (problems.length > 0 || !proof.ok) return problems;
  try {
    return groth16Check(key.vkey, signals.map((s) => BigInt(s as string)), proof.value)
      ? []
      : [`the Groth16 proof does not verify for these public signals under the trusted key of ${e.profile}`];
  } catch (error) {
    return [`the proof could not be checked: ${(error as Error).message}`];
  }
}

function reject(reasons: string[], bundle?: ProofBundle, key?: TrustedKey): VerificationResult {
  return { valid: false, reasons, ...(bundle ? { bundle } : {}), ...(key ? { security: key.manifest.security } : {}) };
}

// A key ring's keys are checked for every bundle; hash each key object once.
const keyHashes = new WeakMap<VerificationKey, string>();
function cachedKeyHash(vkey: VerificationKey): string {
  let hash = keyHashes.get(vkey);
  if (hash === undefined) {
    hash = verificationKeyHash(vkey);
    keyHashes.set(vkey, hash);
  }
  return hash;
}

function bundleShapeProblems(b: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (b.format !== BUNDLE_FORMAT) problems.push(`bundle.format must be "${BUNDLE_FORMAT}", got ${JSON.stringify(b.format)}`);
  if (b.version !== BUNDLE_VERSION) problems.push(`bundle.version ${JSON.stringify(b.version)} is not supported (this verifier reads version ${BUNDLE_VERSION})`);
  if (typeof b.profile !== "string" || b.profile === "") problems.push("bundle.profile is missing");
  if (typeof b.vkeyHash !== "string" || !/^[0-9a-f]{64}$/.test(b.vkeyHash)) problems.push("bundle.vkeyHash must be a 64-digit lowercase hex sha256");
  if (!isObject(b.statement)) problems.push("bundle.statement is missing");
  if (!Array.isArray(b.publicSignals)) problems.push("bundle.publicSignals must be a list");
  if (!isObject(b.proof)) problems.push("bundle.proof is missing");
  return problems;
}

function trustedKeyProblems(bundle: ProofBundle, key: TrustedKey, allowDev: boolean): string[] {
  const problems: string[] = [];
  let actual: string;
  try {
    actual = cachedKeyHash(key.vkey);
  } catch (error) {
    return [`the trusted key for profile ${bundle.profile} is unusable: ${(error as Error).message}`];
  }
  if (actual !== key.manifest.vkeyHash) {
    problems.push(`the trusted key for profile ${bundle.profile} does not match its manifest (vkeyHash ${actual} ≠ ${key.manifest.vkeyHash})`);
  }
  if (bundle.vkeyHash !== actual) {
    problems.push(`key mismatch: the bundle was made for verification key ${bundle.vkeyHash}, but the trusted key for profile ${bundle.profile} is ${actual}`);
  }
  if (key.manifest.security === "insecure-dev" && !allowDev) {
    problems.push(`profile ${bundle.profile} uses an INSECURE dev key (its secrets are public, anyone can forge proofs under it); refused unless dev keys are allowed explicitly`);
  }
  return problems;
}

function signalProblems(signals: unknown[], key: TrustedKey): string[] {
  const expected = key.vkey.nPublic;
  const names = key.manifest.publicSignals;
  if (signals.length !== expected || names.length !== expected) {
    return [`wrong public signal count: the bundle has ${signals.length}, the key for ${key.manifest.profile} takes ${expected} (${names.join(", ")})`];
  }
  const problems: string[] = [];
  signals.forEach((signal, i) => {
    const problem = scalarProblem(signal);
    if (problem) problems.push(`public signal ${i} (${names[i]}): ${problem}`);
  });
  return problems;
}

/** Type guard used by key loaders: a structurally valid Groth16 BN254 verification key. */
export function isVerificationKey(value: unknown): value is VerificationKey {
  return isObject(value) && value.protocol === "groth16" && value.curve === "bn128"
    && typeof value.nPublic === "number" && Array.isArray(value.IC) && value.IC.length === value.nPublic + 1
    && Array.isArray(value.vk_alpha_1) && Array.isArray(value.vk_beta_2)
    && Array.isArray(value.vk_gamma_2) && Array.isArray(value.vk_delta_2);
}

/**
 * Kept for callers written when the verifier ran on snarkjs: verification now runs on
 * @noble/curves in the calling thread and starts no worker threads, so a verifying process
 * exits by itself. In a process that also proved with snarkjs, this still stops the worker
 * threads of snarkjs's shared curve (the prover's), so calling it once at the end stays safe.
 */
export const releaseVerifierThreads: () => Promise<void> = releaseCurve;
