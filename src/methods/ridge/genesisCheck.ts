/**
 * What a verifier checks ACROSS the proofs of a ridge genesis, outside the circuits (browser-safe:
 * no prover, no circomlibjs), in ONE place: with genesisProving.ts on the prover side, the only
 * genesis-specific code of the ridge method.
 *
 * The genesis bundle embeds its N batch proofs, `statement.batches[k]` = { batch: k, profile,
 * vkeyHash, publicSignals, proof }. The generic verifier checks each under its own trusted key
 * (StatementKind.embeddedProofs: a RidgeGenesisBatch key with the genesis' parameters;
 * {@link genesisEmbeddedProofs} lists them), and the genesis kind's check calls
 * {@link genesisBatchProblems}, which runs {@link checkGenesisBatches} on their public signals.
 *
 * A genesis is one `RidgeGenesis` proof and N = 2^(D − B) `RidgeGenesisBatch` proofs, batch k
 * covering the aligned subtree of depth B at position k. Each batch proof says: "subtreeRoot is
 * the root of these committed records, and fingerprint = Σ of their contributions at ρ + τ_k"
 * (genesis.ts). The genesis proof says: "fingerprintSum = F_ρ(S) + Poseidon(maskSeed, 0) −
 * Poseidon(maskSeed, N) for the statistics S committed in the state, and ρ is the hash of those
 * commitments". The proofs are independent, so only the verifier can tie them together:
 *   1. exactly one batch per k in 0 … N − 1 (none counted twice, none skipped);
 *   2. every batch names the genesis' ρ and maskCommitment (the same challenge and the same mask);
 *   3. the N subtree roots, as the leaves of a Poseidon(2) Merkle tree of depth D − B, hash to the
 *      genesis' dataRoot (each batch covers its own records, at its own position);
 *   4. Σ_k fingerprint_k ≡ fingerprintSum (mod p): the masks telescope to the genesis' mask
 *      terms, so the sum holds iff Σ_k F_ρ(batch k) = F_ρ(S), i.e. (Schwartz–Zippel, ρ fixed
 *      after S) iff S is the statistics of exactly the committed records.
 */
import { SparseMerkleTree } from "../../crypto/merkle.ts";
import { SNARK_FIELD } from "../../field.ts";
import type { KeyManifest } from "../../keys/manifest.ts";
import type { PoseidonFn } from "../../ml/weights.ts";
import { parseDecimal } from "../../verifier/fieldText.ts";
import { isObject, namedSignal, poseidonLite, signalFields } from "../../verifier/statementFields.ts";
import type { EmbeddedProof } from "../statementKind.ts";

/** Public signals of a `RidgeGenesis` proof, in proof order. */
export interface GenesisSignals {
  state: bigint;
  dataRoot: bigint;
  configHash: bigint;
  rho: bigint;
  maskCommitment: bigint;
  fingerprintSum: bigint;
}

/** Public signals of a `RidgeGenesisBatch` proof, in proof order. */
export interface BatchSignals {
  batch: bigint;
  subtreeRoot: bigint;
  rho: bigint;
  maskCommitment: bigint;
  fingerprint: bigint;
}

/** The genesis' public signals as the proof's array: [state, dataRoot, configHash, rho, maskCommitment, fingerprintSum]. */
export function genesisSignalArray(s: GenesisSignals): bigint[] {
  return [s.state, s.dataRoot, s.configHash, s.rho, s.maskCommitment, s.fingerprintSum];
}

/** A batch's public signals as the proof's array: [batch, subtreeRoot, rho, maskCommitment, fingerprint]. */
export function batchSignalArray(s: BatchSignals): bigint[] {
  return [s.batch, s.subtreeRoot, s.rho, s.maskCommitment, s.fingerprint];
}

/** Reads a genesis proof's public signals. @throws RangeError when there are not exactly 6 */
export function genesisSignalsOf(signals: readonly bigint[]): GenesisSignals {
  if (signals.length !== 6) throw new RangeError(`a ridge genesis proof has 6 public signals, got ${signals.length}`);
  const [state, dataRoot, configHash, rho, maskCommitment, fingerprintSum] = signals as [bigint, bigint, bigint, bigint, bigint, bigint];
  return { state, dataRoot, configHash, rho, maskCommitment, fingerprintSum };
}

/** Reads a batch proof's public signals. @throws RangeError when there are not exactly 5 */
export function batchSignalsOf(signals: readonly bigint[]): BatchSignals {
  if (signals.length !== 5) throw new RangeError(`a ridge genesis batch proof has 5 public signals, got ${signals.length}`);
  const [batch, subtreeRoot, rho, maskCommitment, fingerprint] = signals as [bigint, bigint, bigint, bigint, bigint];
  return { batch, subtreeRoot, rho, maskCommitment, fingerprint };
}

/**
 * N = 2^(depth − batchDepth), the number of batches of a genesis.
 * @throws RangeError unless 1 ≤ batchDepth < depth ≤ 32
 */
export function genesisBatchCount(depth: number, batchDepth: number): number {
  if (!Number.isInteger(depth) || !Number.isInteger(batchDepth) || batchDepth < 1 || batchDepth >= depth || depth > 32) {
    throw new RangeError(`batch depth ${batchDepth} must be an integer from 1 to ${depth - 1} (data depth ${depth} ≤ 32)`);
  }
  return 2 ** (depth - batchDepth);
}

/**
 * The cross-bundle check of a ridge genesis (see the module comment), on public signals whose
 * proofs the caller has verified. Returns every problem found, each naming the batch; [] means
 * the batches cover the data tree exactly once and their fingerprints add up to the genesis'.
 * @param hash Poseidon over 1..16 inputs (the data tree's node hash is hash([left, right]))
 * @throws RangeError for an impossible depth / batchDepth
 */
export function checkGenesisBatches(
  genesis: GenesisSignals, batches: readonly BatchSignals[], depth: number, batchDepth: number, hash: PoseidonFn,
): string[] {
  const N = genesisBatchCount(depth, batchDepth);
  const problems: string[] = [];
  const byPosition = new Map<number, BatchSignals>();
  batches.forEach((b, i) => {
    const k = b.batch;
    if (k < 0n || k >= BigInt(N)) {
      problems.push(`batch bundle ${i} names batch ${k}, not one of 0..${N - 1}`);
      return;
    }
    if (byPosition.has(Number(k))) {
      problems.push(`batch ${k} is given more than once (bundle ${i}): its records would be counted twice`);
      return;
    }
    byPosition.set(Number(k), b);
    if (b.rho !== genesis.rho) problems.push(`batch ${k} was proved at challenge ρ = ${b.rho}, not the genesis' ${genesis.rho}`);
    if (b.maskCommitment !== genesis.maskCommitment) {
      problems.push(`batch ${k} names mask commitment ${b.maskCommitment}, not the genesis' ${genesis.maskCommitment}`);
    }
  });
  const missing = Array.from({ length: N }, (_, k) => k).filter((k) => !byPosition.has(k));
  if (missing.length > 0) problems.push(`batch${missing.length > 1 ? "es" : ""} ${missing.join(", ")} missing: their records would be skipped`);
  if (missing.length > 0) return problems;

  const tree = new SparseMerkleTree(depth - batchDepth, (left, right) => hash([left, right]));
  tree.setMany([...byPosition].map(([index, b]) => ({ index, leaf: b.subtreeRoot })));
  if (tree.root !== genesis.dataRoot) {
    problems.push(`the ${N} batches' subtree roots make the data root ${tree.root}, not the genesis' ${genesis.dataRoot}`);
  }
  const sum = [...byPosition.values()].reduce((acc, b) => (acc + b.fingerprint) % SNARK_FIELD, 0n);
  if (sum !== genesis.fingerprintSum % SNARK_FIELD) {
    problems.push(`the batches' fingerprints add up to ${sum}, not the genesis' fingerprintSum ${genesis.fingerprintSum}: the committed statistics are not those of the committed records`);
  }
  return problems;
}

/** The template every embedded batch proof must be proved under. */
export const RIDGE_BATCH_TEMPLATE = "RidgeGenesisBatch";

/** The genesis' embedded batch proofs, for the generic verifier (each must be a RidgeGenesisBatch proof with the genesis' parameters). */
export function genesisEmbeddedProofs(s: Record<string, unknown>, manifest: KeyManifest): EmbeddedProof[] | string[] {
  if (!Array.isArray(s.batches)) return ["bundle.statement.batches must list the genesis' batch proofs"];
  const problems: string[] = [];
  const proofs = s.batches.flatMap((b: unknown, i: number): EmbeddedProof[] => {
    if (!isObject(b)) {
      problems.push(`bundle.statement.batches[${i}] is not an object`);
      return [];
    }
    return [{
      at: `bundle.statement.batches[${i}]`, profile: b.profile, vkeyHash: b.vkeyHash, publicSignals: b.publicSignals, proof: b.proof,
      template: RIDGE_BATCH_TEMPLATE, params: manifest.params,
    }];
  });
  return problems.length > 0 ? problems : proofs;
}

/** The genesis statement's fields that repeat its proof's challenge and fingerprint signals. */
const GENESIS_CHALLENGE_FIELDS = ["rho", "maskCommitment", "fingerprintSum"] as const;

/**
 * The cross-proof check of a genesis bundle (module comment) on the genesis' proved signals and
 * its embedded batches' signals (their proofs are verified by the generic verifier): the
 * statement repeats the proved challenge fields, each batch entry names the batch its proof is
 * of, and {@link checkGenesisBatches} holds.
 */
export function genesisBatchProblems(s: Record<string, unknown>, signals: readonly string[], manifest: KeyManifest): string[] {
  const [depth, batchDepth] = manifest.params as [number, number];
  if (!Array.isArray(s.batches)) return ["bundle.statement.batches must list the genesis' batch proofs"];
  const problems = signalFields(s, GENESIS_CHALLENGE_FIELDS, signals, manifest);
  const batches: BatchSignals[] = [];
  s.batches.forEach((b: unknown, i: number) => {
    const at = `bundle.statement.batches[${i}]`;
    if (!isObject(b)) return;
    const values = Array.isArray(b.publicSignals) && b.publicSignals.length === 5 ? b.publicSignals.map((v) => parseDecimal(v)) : [];
    if (values.length !== 5 || values.some((v) => v === undefined)) {
      problems.push(`${at}.publicSignals must be the batch's five public signals [batch, subtreeRoot, rho, maskCommitment, fingerprint]`);
      return;
    }
    const batch = batchSignalsOf(values as bigint[]);
    if (typeof b.batch !== "number" || BigInt(b.batch) !== batch.batch) problems.push(`${at}.batch says ${JSON.stringify(b.batch)}, but its proof is of batch ${batch.batch}`);
    batches.push(batch);
  });
  const named = ["state", "dataRoot", "configHash", "rho", "maskCommitment", "fingerprintSum"].map((n) => namedSignal(n, signals, manifest));
  if (named.some((v) => v === undefined)) problems.push(`the genesis proof lacks one of its six public signals (profile ${manifest.profile})`);
  if (problems.length > 0) return problems;
  return checkGenesisBatches(genesisSignalsOf(named as bigint[]), batches, depth, batchDepth, poseidonLite);
}
