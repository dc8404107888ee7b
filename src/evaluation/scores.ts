/**
 * Per-record attack scores of a SISA ensemble, in floating point (the attacks are measurements,
 * not proved, so nothing here needs to be bit-exact).
 *
 * The ensemble's mean logit is z = Σ_k logit_k / (n · 2^32) for n trained shards (each logit is at
 * scale 2^32, see src/ml/trainer.ts). With s = +1 for label 1 and −1 for label 0:
 * - loss attack: loss = log(1 + e^(−s·z)) (logistic cross-entropy); the attack's score is −loss,
 *   so a LOW loss looks like a member;
 * - confidence attack: max(p, 1 − p) with p = 1/(1 + e^(−z)), label-free. It is scored as |z|,
 *   which orders records exactly as max(p, 1 − p) does (it is that confidence's logit) without
 *   rounding every confident record to 1.0, so ties and hence the AUC stay exact.
 * Both attacks are threshold attacks, so only the ORDER of scores matters for AUC and advantage.
 */
import { SCALE } from "../encoding/fixedPoint.ts";
import type { Weights } from "../ml/weights.ts";
import { ensembleLogit } from "../sisa/ensemble.ts";

/** A record as the scorer needs it: fixed-point features and label (0 or 2^16). */
export interface LabelledRecord {
  features: readonly bigint[];
  label: bigint;
}

/** The two membership-inference attacks, by name. */
export const ATTACKS = ["loss", "confidence"] as const;

/** Name of a membership-inference attack. */
export type AttackName = (typeof ATTACKS)[number];

/** Scores of a set of records under each attack (higher = more likely a member). */
export type AttackScores = Record<AttackName, number[]>;

/** The ensemble's mean logit as a real number (see the module comment). */
export function meanLogit(models: readonly Weights[], features: readonly bigint[]): number {
  return Number(ensembleLogit(models, features)) / (models.length * 2 ** 32);
}

/** log(1 + e^x), without overflow for large x or loss of precision for very negative x. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Logistic cross-entropy of a mean logit against a fixed-point label (0 or 2^16). */
export function logisticLoss(z: number, label: bigint): number {
  if (label !== 0n && label !== SCALE) throw new RangeError(`label ${String(label)} (encoded) is not 0 or 1`);
  return softplus(label === SCALE ? -z : z);
}

/** Both attacks' scores for every record, in record order. */
export function attackScores(models: readonly Weights[], records: readonly LabelledRecord[]): AttackScores {
  const z = records.map((r) => meanLogit(models, r.features));
  return {
    loss: z.map((zi, i) => -logisticLoss(zi, records[i]!.label)),
    confidence: z.map((zi) => Math.abs(zi)),
  };
}
