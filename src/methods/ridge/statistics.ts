/**
 * The sufficient statistics of the multi-class ridge model, kept PER CLASS, and their salted
 * commitment. Exact integers, so the circuits recompute every value bit for bit.
 *
 * For a record with features x (encoded, scale 2^16) and class y, x̃ = (x_0, …, x_{d−1}, 2^16)
 * (the bias input). Class c's block holds, over the live records of class c:
 *   gram_c    = Σ x̃ x̃ᵀ  (scale 2^32), its upper triangle j ≤ k in row-major order
 *               (index of (j, k) = j·m − j(j−1)/2 + (k − j), m = d + 1);
 *   moments_c = Σ x̃      (scale 2^16): column c of B = Σ x̃ yᵀ for one-hot y, and
 *               moments_c[d] = 2^16 · n_c: the class COUNT is the bias entry, exactly.
 * The model uses the totals G = Σ_c gram_c and B = [moments_0 … moments_{C−1}].
 *
 * Why per class: forgetting class c subtracts its block (cost independent of the class size);
 * the slot layout stays class-independent, so slot indices reveal nothing about labels.
 * `forgotten[c]` marks a forgotten class: its block is 0 and stays 0 (a later deletion of one
 * of its records, still in the data tree, subtracts nothing).
 *
 * statsCommitment = PoseidonSponge([salt, forgotten_0 … forgotten_{C−1}, words_0 … words_{C−1}])
 * with forgotten as 0/1 and words_c = [packLanes(gram_c)…, packLanes(moments_c)…]: the gram
 * triangle and the moments of each class packed separately, 4 values per word in balanced 63-bit
 * lanes (packing.ts), so lane t of every class's gram words is the same entry and the words of
 * G = Σ_c gram_c are the sums of the classes' words. Salted: G reveals second moments of the
 * data, so the commitment must hide it. Packing hashes about a quarter of the values (d = 32,
 * C = 10: 1,511 instead of 5,951), and being linear it lets the circuits subtract contributions
 * word by word. Why it still binds what the circuits use: circuits/lib/ridge.circom,
 * StatsCommitment.
 */
import { spongeWith } from "../../crypto/sponge.ts";
import { toField } from "../../field.ts";
import type { PoseidonFn } from "../../ml/weights.ts";
import { BIAS_INPUT, FRACTION_BITS, RIDGE_FEATURE_LIMIT, STATS_LANES } from "./bounds.ts";
import { laneWords, packLanes } from "./packing.ts";

/** A record as the ridge method reads it: encoded features and the encoded label c · 2^16. */
export interface RidgeRecord {
  features: readonly bigint[];
  label: bigint;
}

/** One class's statistics. */
export interface ClassBlock {
  /** Upper triangle of Σ x̃x̃ᵀ, (d+1)(d+2)/2 entries (see the module comment). */
  gram: bigint[];
  /** Σ x̃, d + 1 entries; the last is 2^16 · count. */
  moments: bigint[];
}

/** Per-class statistics of the live records. */
export interface RidgeStatistics {
  features: number;
  classes: number;
  forgotten: boolean[];
  blocks: ClassBlock[];
}

/** Entries of the upper triangle of an m × m symmetric matrix. */
export function triangleSize(m: number): number {
  return (m * (m + 1)) / 2;
}

/** Index of (j, k), j ≤ k, in the row-major upper triangle of an m × m matrix. */
export function triangleIndex(m: number, j: number, k: number): number {
  const [a, b] = j <= k ? [j, k] : [k, j];
  return a * m - (a * (a - 1)) / 2 + (b - a);
}

/** The class of an encoded label: c when label = c · 2^16 with 0 ≤ c < C. @throws RangeError */
export function classOf(label: bigint, classes: number): number {
  const c = label >> BigInt(FRACTION_BITS);
  if (label < 0n || c << BigInt(FRACTION_BITS) !== label || c >= BigInt(classes)) {
    throw new RangeError(`label ${Number(label) / Number(BIAS_INPUT)} is not a class 0..${classes - 1}`);
  }
  return Number(c);
}

/**
 * Checks a record against the ridge bounds and returns its augmented input x̃ and class.
 * @throws RangeError naming the feature or the label
 */
export function augmentedInput(record: RidgeRecord, features: number, classes: number): { x: bigint[]; cls: number } {
  if (record.features.length !== features) throw new RangeError(`record has ${record.features.length} features, the model ${features}`);
  record.features.forEach((v, j) => {
    if (v >= RIDGE_FEATURE_LIMIT || v < -RIDGE_FEATURE_LIMIT) {
      throw new RangeError(`feature ${j} = ${Number(v) / Number(BIAS_INPUT)} is outside [−2, 2), the ridge feature bound`);
    }
  });
  return { x: [...record.features, BIAS_INPUT], cls: classOf(record.label, classes) };
}

/** Statistics of no records. */
export function emptyStatistics(features: number, classes: number): RidgeStatistics {
  const m = features + 1;
  return {
    features,
    classes,
    forgotten: new Array<boolean>(classes).fill(false),
    blocks: Array.from({ length: classes }, () => ({ gram: new Array<bigint>(triangleSize(m)).fill(0n), moments: new Array<bigint>(m).fill(0n) })),
  };
}

/**
 * The statistics with one record added (sign 1) or removed (sign −1); a record of a forgotten
 * class changes nothing. Returns a new object.
 */
export function withRecord(stats: RidgeStatistics, record: RidgeRecord, sign: 1 | -1): RidgeStatistics {
  const { x, cls } = augmentedInput(record, stats.features, stats.classes);
  if (stats.forgotten[cls]) return stats;
  const m = x.length;
  const s = BigInt(sign);
  const block = stats.blocks[cls]!;
  const gram = [...block.gram];
  for (let j = 0; j < m; j++) for (let k = j; k < m; k++) gram[triangleIndex(m, j, k)]! += s * x[j]! * x[k]!;
  const moments = block.moments.map((v, j) => v + s * x[j]!);
  const blocks = stats.blocks.map((b, c) => (c === cls ? { gram, moments } : b));
  return { ...stats, blocks };
}

/** Statistics of a list of records (empty slots are `undefined`). */
export function statisticsOf(records: ReadonlyArray<RidgeRecord | undefined>, features: number, classes: number): RidgeStatistics {
  let stats = emptyStatistics(features, classes);
  for (const r of records) if (r !== undefined) stats = withRecord(stats, r, 1);
  return stats;
}

/** Sum of partial statistics over disjoint record sets (the genesis aggregation). */
export function sumStatistics(parts: readonly RidgeStatistics[]): RidgeStatistics {
  const first = parts[0];
  if (first === undefined) throw new RangeError("no statistics to sum");
  return {
    ...first,
    forgotten: [...first.forgotten],
    blocks: first.blocks.map((_, c) => ({
      gram: first.blocks[c]!.gram.map((_, t) => parts.reduce((acc, p) => acc + p.blocks[c]!.gram[t]!, 0n)),
      moments: first.blocks[c]!.moments.map((_, j) => parts.reduce((acc, p) => acc + p.blocks[c]!.moments[j]!, 0n)),
    })),
  };
}

/** The statistics with class c forgotten: its block zeroed, its flag set. @throws RangeError if already forgotten */
export function withoutClass(stats: RidgeStatistics, cls: number): RidgeStatistics {
  if (!Number.isInteger(cls) || cls < 0 || cls >= stats.classes) throw new RangeError(`class ${cls} is not one of 0..${stats.classes - 1}`);
  if (stats.forgotten[cls]) throw new RangeError(`class ${cls} is already forgotten`);
  const empty = emptyStatistics(stats.features, stats.classes).blocks[cls]!;
  return { ...stats, forgotten: stats.forgotten.map((f, c) => f || c === cls), blocks: stats.blocks.map((b, c) => (c === cls ? empty : b)) };
}

/** Live records per class: moments_c[d] / 2^16. */
export function classCounts(stats: RidgeStatistics): number[] {
  return stats.blocks.map((b) => Number(b.moments[stats.features]! / BIAS_INPUT));
}

/** The total Gram matrix G = Σ_c gram_c as a full m × m matrix. */
export function totalGram(stats: RidgeStatistics): bigint[][] {
  const m = stats.features + 1;
  return Array.from({ length: m }, (_, j) =>
    Array.from({ length: m }, (_, k) => stats.blocks.reduce((acc, b) => acc + b.gram[triangleIndex(m, j, k)]!, 0n)));
}

/** The values the statistics commitment hashes after the salt (see the module comment): the flags, then each class's packed words, as signed integers. */
export function statisticsValues(stats: RidgeStatistics): bigint[] {
  return [...stats.forgotten.map((f) => (f ? 1n : 0n)), ...stats.blocks.flatMap((b, c) => classWords(b, c))];
}

/**
 * Class `c`'s packed words as statsCommitment hashes them: [packLanes(gram)…, packLanes(moments)…]
 * (signed). The genesis fingerprint weighs these same words (genesis.ts, through
 * classWordsOfAnyLanes: the same map without the bound check).
 * @throws RangeError when a statistic is outside the lane bound
 */
export function classWords(block: ClassBlock, c: number): bigint[] {
  return [...packLanes(block.gram, `class ${c} gram entry`), ...packLanes(block.moments, `class ${c} moment`)];
}

/** {@link classWords} without the lane bound check: the same linear map for any lanes (laneWords). */
export function classWordsOfAnyLanes(block: ClassBlock): bigint[] {
  return [...laneWords(block.gram), ...laneWords(block.moments)];
}

/** Words per class of {@link classWords} for m = d + 1 augmented inputs. */
export function classWordCount(m: number): number {
  return Math.ceil(triangleSize(m) / STATS_LANES) + Math.ceil(m / STATS_LANES);
}

/** Where entry e of a class block [gram (T values), moments (m values)] sits among {@link classWords}. */
export function entryPosition(m: number, e: number): { word: number; lane: number } {
  const T = triangleSize(m);
  if (e < T) return { word: Math.floor(e / STATS_LANES), lane: e % STATS_LANES };
  return { word: Math.ceil(T / STATS_LANES) + Math.floor((e - T) / STATS_LANES), lane: (e - T) % STATS_LANES };
}

/**
 * statsCommitment = PoseidonSponge([salt, …statisticsValues]) with negative values mapped to the field.
 * @throws RangeError when a statistic is outside the lane bound (a data tree deeper than MAX_STATS_DEPTH)
 */
export function statisticsCommitment(stats: RidgeStatistics, salt: bigint, hash: PoseidonFn): bigint {
  return spongeWith(hash, [salt, ...statisticsValues(stats).map(toField)]);
}
