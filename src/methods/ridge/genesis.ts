/**
 * Ridge genesis by batches with fingerprints: the TypeScript oracle of
 * circuits/ridgeGenesisBatch.circom and circuits/ridgeGenesis.circom (templates in
 * circuits/lib/ridge_genesis.circom), and their witness builders.
 *
 * Order of work (the controller's):
 *   1. compute the statistics S of every committed record, solve the model, commit the state
 *      (statsCommitment is salted); pick a private maskSeed, publish maskCommitment = Poseidon(maskSeed);
 *   2. the challenge ρ = Poseidon(statsCommitment, dataRoot, configHash, maskCommitment): S (and
 *      the data) are fixed before ρ;
 *   3. prove the N = 2^(D − B) batches independently (any machine, any order), each with public
 *      [k, subtreeRoot_k, ρ, maskCommitment, fingerprint_k], and the genesis with public
 *      [state, dataRoot, configHash, ρ, maskCommitment, fingerprintSum];
 *   4. the verifier ties them together (genesisCheck.ts).
 *
 * THE FINGERPRINT (the one definition; the circuits mirror it).
 * Statistics are fingerprinted through their packed WORDS, not their individual values: class c's
 * gram triangle (T values) and moments (m values) are each cut into words of 4 lanes, W = ⌈T/4⌉ + ⌈m/4⌉
 * words per class (statistics.ts: classWords, exactly what statsCommitment hashes),
 *   word = Σ_{l<4} v_l · 2^(63·l)   (signed lanes),
 * and
 *   F_ρ(S) = Σ_c α_c · Σ_w ε_w · word_{c,w}   with ε_w = ρ^(w+1) (w < W), α_c = ρ^(c·W) (c < C),
 * so F_ρ(S) = Σ_{c,w} ρ^(c·W + w + 1) · word_{c,w}: every word has its own power of ρ (exponents
 * 1 … C·W, all distinct), and for S ≠ S' (some word differs) F_ρ(S) − F_ρ(S') is a non-zero
 * polynomial of degree ≤ C·W in ρ: it vanishes at a random ρ with probability ≤ C·W / p
 * (Schwartz–Zippel; 1,500 / 2^253 at d = 32, C = 10).
 *
 * Why words and not values: statsCommitment binds only the words (the lanes are not each range-
 * checked). A fingerprint with independent coefficients per VALUE (e.g. rank-one γ_iγ_j) would not be
 * a function of what is committed: after seeing ρ the prover could pick other lanes with the same
 * words (a lane + 2^63, the next − 1, in class c, and the opposite in class c') that fit any per-class
 * split of the Gram matrix while G = Σ_c G_c stays right, and class forgetting would later subtract a
 * wrong block. Since the lane weights 2^(63·l) are in the coefficients, F depends on the words only.
 *
 * A record x̃ = (x, 2^16) of class c contributes α_c · V(x̃) with
 *   V(x̃) = Σ_{j≤k} q_{tri(j,k)} x̃_j x̃_k + Σ_j q_{T+j} x̃_j,   q_e = ε_{⌊e/4⌋} · 2^(63·(e mod 4)),
 * exactly its share of F (the gram at 2^32 is the integer product of the 2^16 features), so
 * F_ρ(S ∪ S') = F_ρ(S) + F_ρ(S') for disjoint record sets and the batches' fingerprints add up.
 *
 * THE MASK. τ_k = Poseidon(maskSeed, k) − Poseidon(maskSeed, k + 1); batch k publishes
 * F_ρ(its records) + τ_k, which hides the linear functional of its records' second moments, and
 * Σ_k τ_k telescopes to Poseidon(maskSeed, 0) − Poseidon(maskSeed, N), which the genesis adds to F_ρ(S).
 */
import type { CommittedDataset, CommittedSlot } from "../../dataset/commitment.ts";
import type { PoseidonHasher } from "../../crypto/poseidon.ts";
import { SNARK_FIELD as SNARK_P, toField } from "../../field.ts";
import type { PoseidonFn } from "../../ml/weights.ts";
import type { RidgeConfig } from "./config.ts";
import { genesisBatchCount, type BatchSignals, type GenesisSignals } from "./genesisCheck.ts";
import { solveRidge } from "./solve.ts";
import { ridgeCommitments, type RidgeSystemState } from "./state.ts";
import { solveInput, statsInput, withSlotContext, type CircuitInput } from "./statements.ts";
import { STATS_LANE_BITS, STATS_LANES } from "./bounds.ts";
import { augmentedInput, classWordCount, classWordsOfAnyLanes, entryPosition, statisticsOf, triangleIndex, triangleSize, type RidgeRecord, type RidgeStatistics } from "./statistics.ts";

/** Lanes per packed statistics word (the packing of statisticsCommitment, bounds.ts). */
export const STATS_LANES_PER_WORD = STATS_LANES;

/** Bits between two lanes of a packed statistics word (lane l has weight 2^(63·l)). */
export const STATS_LANE_SHIFT = STATS_LANE_BITS;

/** W: words per class block, ⌈T/4⌉ + ⌈m/4⌉ with T = m(m+1)/2, m = d + 1 (gram and moments packed separately). */
export function statsWordsPerClass(features: number): number {
  return classWordCount(features + 1);
}

/**
 * The words of each class block, as field elements: statistics.ts' classWords (what statsCommitment
 * hashes) without its lane bound check, since the fingerprint is defined on words whatever lanes
 * make them up.
 */
export function statisticsWords(stats: RidgeStatistics): bigint[][] {
  return stats.blocks.map((b) => classWordsOfAnyLanes(b).map(toField));
}

/** The powers of ρ the fingerprint uses: ε_w = ρ^(w+1) for w < W and α_c = ρ^(c·W) for c < C (mod p). */
export interface FingerprintPowers {
  epsilon: bigint[];
  alpha: bigint[];
}

/** ε and α of the module comment. */
export function fingerprintPowers(rho: bigint, features: number, classes: number): FingerprintPowers {
  const W = statsWordsPerClass(features);
  const r = toField(rho);
  const epsilon: bigint[] = [r];
  for (let w = 1; w < W; w++) epsilon.push((epsilon[w - 1]! * r) % SNARK_P);
  const theta = epsilon[W - 1]!;
  const alpha: bigint[] = [1n];
  for (let c = 1; c < classes; c++) alpha.push((alpha[c - 1]! * theta) % SNARK_P);
  return { epsilon, alpha };
}

/** F_ρ(S) = Σ_c α_c Σ_w ε_w word_{c,w} (mod p). */
export function statisticsFingerprint(stats: RidgeStatistics, rho: bigint): bigint {
  const { epsilon, alpha } = fingerprintPowers(rho, stats.features, stats.classes);
  return statisticsWords(stats).reduce(
    (acc, words, c) => (acc + alpha[c]! * words.reduce((s, word, w) => (s + epsilon[w]! * word) % SNARK_P, 0n)) % SNARK_P, 0n);
}

/**
 * One record's contribution α_c · V(x̃) to the fingerprint (module comment), computed from the record
 * as the batch circuit does: equals statisticsFingerprint(statisticsOf([record])).
 * @throws RangeError for a record outside the ridge bounds
 */
export function recordContribution(record: RidgeRecord, rho: bigint, features: number, classes: number): bigint {
  const { x, cls } = augmentedInput(record, features, classes);
  const { epsilon, alpha } = fingerprintPowers(rho, features, classes);
  const m = x.length;
  const T = triangleSize(m);
  const q = (e: number): bigint => {
    const { word, lane } = entryPosition(m, e);
    return epsilon[word]! << BigInt(STATS_LANE_SHIFT * lane);
  };
  let v = 0n;
  for (let j = 0; j < m; j++) {
    v += q(T + j) * x[j]!;
    for (let k = j; k < m; k++) v += q(triangleIndex(m, j, k)) * x[j]! * x[k]!;
  }
  return toField(alpha[cls]! * toField(v));
}

/** Poseidon(maskSeed): what a genesis publishes of its mask. */
export function maskCommitment(maskSeed: bigint, hash: PoseidonFn): bigint {
  return hash([maskSeed]);
}

/** Poseidon(maskSeed, from) − Poseidon(maskSeed, to) (mod p): τ_k for (k, k + 1), the telescoped sum for (0, N). */
export function maskTelescope(maskSeed: bigint, from: number, to: number, hash: PoseidonFn): bigint {
  return toField(hash([maskSeed, BigInt(from)]) - hash([maskSeed, BigInt(to)]));
}

/** ρ = Poseidon(statsCommitment, dataRoot, configHash, maskCommitment). */
export function genesisChallenge(statsCommitment: bigint, dataRoot: bigint, configHash: bigint, maskC: bigint, hash: PoseidonFn): bigint {
  return hash([statsCommitment, dataRoot, configHash, maskC]);
}

/** What a batch prover needs of the genesis besides the records: the challenge and the mask seed (private). */
export interface GenesisChallenge {
  rho: bigint;
  maskSeed: bigint;
}

/** The genesis' private choices: the statistics and model salts and the mask seed. */
export interface GenesisSecrets {
  statsSalt: bigint;
  modelSalt: bigint;
  maskSeed: bigint;
}

/** The genesis statement: its input, public signals, the first state and the challenge the batches use. */
export interface GenesisWitness {
  input: CircuitInput;
  publicSignals: GenesisSignals;
  state: RidgeSystemState;
  batchDepth: number;
  challenge: GenesisChallenge;
}

/** Every live record of the dataset checked against the ridge bounds (errors name the record). */
function checkedSlots(config: RidgeConfig, dataset: CommittedDataset): CommittedSlot[] {
  if (dataset.depth !== config.depth) throw new RangeError(`the dataset tree has depth ${dataset.depth}, the ridge config ${config.depth}`);
  return dataset.liveSlots().map((s) => withSlotContext(s, config));
}

/**
 * The input of RidgeGenesis(depth, batchDepth, d, C): the statistics of every committed record, the
 * model solved from them, the first state, ρ and the masked fingerprint sum.
 * @throws RangeError for a batch depth that does not cut the tree, or a record outside the ridge bounds
 */
export function buildGenesisWitness(
  config: RidgeConfig, dataset: CommittedDataset, batchDepth: number, secrets: GenesisSecrets, poseidon: PoseidonHasher,
): GenesisWitness {
  const N = genesisBatchCount(config.depth, batchDepth);
  const stats = statisticsOf(checkedSlots(config, dataset), config.features, config.classes);
  const solution = solveRidge(stats, config.lambda, config.depth);
  const state: RidgeSystemState = {
    config, dataset, stats, statsSalt: secrets.statsSalt, model: solution.model, modelSalt: secrets.modelSalt, residual: solution.residual,
  };
  const h = poseidon.hash;
  const c = ridgeCommitments(state, h);
  const maskC = maskCommitment(secrets.maskSeed, h);
  const rho = genesisChallenge(c.statsCommitment, c.dataRoot, c.configHash, maskC, h);
  const fingerprintSum = toField(statisticsFingerprint(stats, rho) + maskTelescope(secrets.maskSeed, 0, N, h));
  const { gram, moments } = statsInput(stats);
  const publicSignals: GenesisSignals = { state: c.state, dataRoot: c.dataRoot, configHash: c.configHash, rho, maskCommitment: maskC, fingerprintSum };
  return {
    input: {
      state: c.state.toString(),
      dataRoot: c.dataRoot.toString(),
      configHash: c.configHash.toString(),
      rho: rho.toString(),
      maskCommitment: maskC.toString(),
      fingerprintSum: fingerprintSum.toString(),
      gram,
      moments,
      statsSalt: toField(secrets.statsSalt).toString(),
      maskSeed: toField(secrets.maskSeed).toString(),
      ...solveInput(solution, secrets.modelSalt, config),
    },
    publicSignals,
    state,
    batchDepth,
    challenge: { rho, maskSeed: secrets.maskSeed },
  };
}

/** A genesis batch: its proof input and public signals. */
export interface BatchWitness {
  input: CircuitInput;
  publicSignals: BatchSignals;
}

/**
 * The input of RidgeGenesisBatch(depth, batchDepth, d, C) for batch `batch` (slots batch·2^B …
 * batch·2^B + 2^B − 1) at the genesis challenge.
 * @throws RangeError for a batch outside the tree or a record outside the ridge bounds (naming it)
 */
export function buildBatchWitness(
  config: RidgeConfig, dataset: CommittedDataset, batchDepth: number, batch: number, challenge: GenesisChallenge, poseidon: PoseidonHasher,
): BatchWitness {
  const N = genesisBatchCount(config.depth, batchDepth);
  if (!Number.isInteger(batch) || batch < 0 || batch >= N) throw new RangeError(`batch ${batch} is not one of 0..${N - 1}`);
  const n = 2 ** batchDepth;
  const bySlot = new Map(checkedSlots(config, dataset).map((s) => [s.index, s]));
  const slots = Array.from({ length: n }, (_, i) => bySlot.get(batch * n + i));
  const h = poseidon.hash;
  const contributions = slots.reduce((acc, s) => (s ? acc + recordContribution(s, challenge.rho, config.features, config.classes) : acc), 0n);
  const publicSignals: BatchSignals = {
    batch: BigInt(batch),
    subtreeRoot: dataset.tree().subtreeRoot(batchDepth, batch),
    rho: toField(challenge.rho),
    maskCommitment: maskCommitment(challenge.maskSeed, h),
    fingerprint: toField(contributions + maskTelescope(challenge.maskSeed, batch, batch + 1, h)),
  };
  const zeros = (): string[] => new Array<string>(config.features).fill("0");
  const str = (v: bigint): string => toField(v).toString();
  return {
    input: {
      batch: String(batch),
      subtreeRoot: publicSignals.subtreeRoot.toString(),
      rho: publicSignals.rho.toString(),
      maskCommitment: publicSignals.maskCommitment.toString(),
      fingerprint: publicSignals.fingerprint.toString(),
      live: slots.map((s) => (s ? "1" : "0")),
      feature: slots.map((s) => (s ? s.features.map(str) : zeros())),
      label: slots.map((s) => (s ? str(s.label) : "0")),
      salt: slots.map((s) => (s ? str(s.salt) : "0")),
      maskSeed: str(challenge.maskSeed),
    },
    publicSignals,
  };
}
