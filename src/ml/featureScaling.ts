/**
 * Feature scaling at commit (`zkforget commit --scale standard|minmax`): a per-feature affine
 * map x' = (x − offset) / scale, fitted on the committed TRAINING records only, applied in
 * fixed point to the training set, to the test set and to every record a model later predicts
 * on. The training circuit takes features in [−2, 2) (src/ml/bounds.ts); scaling is how data
 * with other ranges fits it.
 *
 * The map shapes training, so it is public and pinned: configHash carries
 * scalingHash = PoseidonSponge(SCALING_ID(method), F, offset_0..offset_{F−1}, scale_0..scale_{F−1})
 * (offsets field-signed; 0 when no scaling is applied), and the circuits `ShardRetrain` and
 * `ModelAccuracy` hash it into configHash like the test-set root. A verifier who is shown the
 * offsets and scales recomputes scalingHash, so a controller cannot claim another transform.
 *
 * Fitting (on the raw values of the training records):
 * - `standard`: centre = mean, spread = 2 · standard deviation (population), so a value maps to
 *   half its z-score and ±4σ lands in [−2, 2);
 * - `minmax`: centre = (min + max) / 2, spread = (max − min) / 2, so the training range maps to
 *   [−1, 1] and test values up to half the range beyond it still fit.
 * A constant feature (spread 0) gets spread 1.
 *
 * Privacy: the offsets and scales are per-feature statistics of the training data and are
 * public. To reveal less they are rounded to a coarse grid: the scale UP to a power of two
 * (which only says the spread's order of magnitude, and never pushes a value out of range), the
 * offset to a multiple of scale/8 (3 bits of the centre relative to the spread).
 *
 * Applying, in encoded integers (scale 2^16, see src/encoding/fixedPoint.ts):
 * enc(x') = round((enc(x) − offset) · 2^16 / scale), ties away from zero. Deterministic, so the
 * controller, a subject and a verifier get the same committed values from the same raw record.
 * Browser-safe (no node:*), like src/ml/config.ts, which hashes it.
 */
import { textAsField } from "../field.ts";
import { spongeWith } from "../crypto/sponge.ts";
import { encodeFixed, decodeFixed, MAX_ABS_ENCODED, SCALE, toFieldSigned } from "../encoding/fixedPoint.ts";
import type { Dataset } from "../encoding/dataset.ts";
import { FEATURE_LIMIT } from "./bounds.ts";
import type { PoseidonFn } from "./weights.ts";

/** The fitting rules {@link fitScaling} knows. */
export const SCALING_METHODS = ["standard", "minmax"] as const;

/** How a scaling was fitted (see the module comment). */
export type ScalingMethod = (typeof SCALING_METHODS)[number];

/** A fitted per-feature scaling, public and pinned in configHash through {@link scalingHash}. */
export interface FeatureScaling {
  /** The fitting rule (hashed too, so the label cannot be swapped). */
  method: ScalingMethod;
  /** Per feature, the value subtracted, fixed point (scale 2^16), |offset| ≤ 2^31. */
  offsets: bigint[];
  /** Per feature, the divisor, fixed point, 1 ≤ scale ≤ 2^31 (a power of two when fitted). */
  scales: bigint[];
}

/** Raised when a scaled value falls outside the training bound; names the record and the column. */
export class ScalingRangeError extends RangeError {
  override name = "ScalingRangeError";
  constructor(
    /** Where the record came from (the data file, or "test set"). */
    readonly source: string,
    /** 1-based record number in the file's data order. */
    readonly row: number,
    /** The record's id. */
    readonly recordId: string,
    /** The feature's name. */
    readonly column: string,
    /** What is wrong with the value (the message without the record and column). */
    readonly detail: string,
  ) {
    super(`${source} record ${row} (id ${JSON.stringify(recordId)}), column ${JSON.stringify(column)}: ${detail}`);
  }
}

/** The field element naming a method in scalingHash: the UTF-8 bytes of `zkforget/scaling/<method>/v1`, big-endian. */
export function scalingId(method: ScalingMethod): bigint {
  return textAsField(`zkforget/scaling/${method}/v1`);
}

/**
 * Checks a scaling's shape and ranges against the feature count.
 * @throws RangeError naming the feature and the value
 */
export function checkScaling(scaling: FeatureScaling, features: number): void {
  if (!SCALING_METHODS.includes(scaling.method)) throw new RangeError(`scaling method ${JSON.stringify(scaling.method)} is not one of ${SCALING_METHODS.join(", ")}`);
  if (scaling.offsets.length !== features || scaling.scales.length !== features) {
    throw new RangeError(`scaling has ${scaling.offsets.length} offsets and ${scaling.scales.length} scales; the model has ${features} features`);
  }
  scaling.offsets.forEach((o, j) => {
    if (typeof o !== "bigint" || o > MAX_ABS_ENCODED || -o > MAX_ABS_ENCODED) throw new RangeError(`scaling offset of feature ${j} = ${String(o)} is outside ±2^31 (encoded)`);
  });
  scaling.scales.forEach((s, j) => {
    if (typeof s !== "bigint" || s < 1n || s > MAX_ABS_ENCODED) throw new RangeError(`scaling scale of feature ${j} = ${String(s)} is outside [1, 2^31] (encoded)`);
  });
}

/** scalingHash (see the module comment); 0 when `scaling` is undefined (no scaling). */
export function scalingHash(scaling: FeatureScaling | undefined, hash: PoseidonFn): bigint {
  if (scaling === undefined) return 0n;
  checkScaling(scaling, scaling.offsets.length);
  return spongeWith(hash, [
    scalingId(scaling.method),
    BigInt(scaling.offsets.length),
    ...scaling.offsets.map(toFieldSigned),
    ...scaling.scales,
  ]);
}

/**
 * Fits a scaling on the raw feature values of the training records (rows × features), rounded
 * to the coarse grid of the module comment.
 * @throws RangeError when there are no records or the rows are ragged
 */
export function fitScaling(method: ScalingMethod, rows: readonly (readonly number[])[]): FeatureScaling {
  if (rows.length === 0) throw new RangeError("cannot fit a feature scaling on no records");
  const features = rows[0]!.length;
  if (rows.some((r) => r.length !== features)) throw new RangeError("cannot fit a feature scaling on records with different feature counts");
  const offsets: bigint[] = [];
  const scales: bigint[] = [];
  for (let j = 0; j < features; j++) {
    const column = rows.map((r) => r[j]!);
    const { centre, spread } = method === "standard" ? meanSpread(column) : rangeSpread(column);
    const scale = coarseScale(spread);
    const grid = scale / 8;
    offsets.push(encodeFixed(clamp(Math.round(centre / grid) * grid)));
    scales.push(encodeFixed(scale));
  }
  return { method, offsets, scales };
}

/**
 * Applies `scaling` to one record's encoded features.
 * @param where names the record for the error: source, 1-based record number, id, feature names
 * @throws ScalingRangeError when a scaled value falls outside the training bound [−2, 2)
 */
export function scaleFeatures(
  scaling: FeatureScaling,
  features: readonly bigint[],
  where: { source: string; row: number; id: string; featureNames: readonly string[] },
): bigint[] {
  return features.map((x, j) => {
    const y = roundDiv((x - scaling.offsets[j]!) * SCALE, scaling.scales[j]!);
    if (y < -FEATURE_LIMIT || y >= FEATURE_LIMIT) {
      const name = where.featureNames[j] ?? `feature ${j}`;
      throw new ScalingRangeError(where.source, where.row, where.id, name,
        `value ${decodeFixed(x)} scales to ${decodeFixed(y).toFixed(4)} (offset ${decodeFixed(scaling.offsets[j]!)}, scale ${decodeFixed(scaling.scales[j]!)}), ` +
        "outside the training bound [−2, 2); the scaling is fitted on the training data, so this value lies far outside its range");
    }
    return y;
  });
}

/** The scaling in plain numbers, for people: one `{ feature, offset, scale }` per feature. */
export function describeScaling(scaling: FeatureScaling, featureNames: readonly string[]): { feature: string; offset: number; scale: number }[] {
  return scaling.offsets.map((o, j) => ({ feature: featureNames[j] ?? `f${j}`, offset: decodeFixed(o), scale: decodeFixed(scaling.scales[j]!) }));
}

function meanSpread(column: readonly number[]): { centre: number; spread: number } {
  const mean = column.reduce((a, b) => a + b, 0) / column.length;
  const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length;
  return { centre: mean, spread: 2 * Math.sqrt(variance) };
}

function rangeSpread(column: readonly number[]): { centre: number; spread: number } {
  const min = Math.min(...column), max = Math.max(...column);
  return { centre: (min + max) / 2, spread: (max - min) / 2 };
}

/** The spread rounded UP to a power of two in [2^−16, 2^15]; 1 for a spread of 0. */
function coarseScale(spread: number): number {
  if (!(spread > 0)) return 1;
  return 2 ** Math.min(15, Math.max(-16, Math.ceil(Math.log2(spread))));
}

function clamp(x: number): number {
  return Math.max(-(2 ** 15), Math.min(2 ** 15, x));
}

/** a / b rounded to the nearest integer, ties away from zero (b > 0), as encodeFixed rounds. */
function roundDiv(a: bigint, b: bigint): bigint {
  const q = (2n * (a < 0n ? -a : a) + b) / (2n * b);
  return a < 0n ? -q : q;
}

/**
 * `dataset` with `scaling` applied to every record's features (labels and ids unchanged). The
 * scaled values are exact fixed-point numbers, so committing them encodes exactly the scaled
 * encodings.
 * @param source names the dataset in errors (its file, or "test set")
 * @throws ScalingRangeError naming the record (1-based, in data order) and the column
 */
export function scaleDataset(dataset: Dataset, scaling: FeatureScaling, source: string): Dataset {
  checkScaling(scaling, dataset.featureNames.length);
  return {
    featureNames: [...dataset.featureNames],
    records: dataset.records.map((record, i) => {
      const scaled = scaleFeatures(scaling, record.features.map(encodeFixed), { source, row: i + 1, id: record.id, featureNames: dataset.featureNames });
      return { ...record, features: scaled.map(decodeFixed) };
    }),
  };
}
