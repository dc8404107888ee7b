/**
 * How far amnesiac unlearning lands from an exact retraining: the measurement the method's
 * honest label promises ("approximate unlearning"). For one forget set it trains once (the
 * original model and its update log), unlearns by subtraction (unlearning.ts), retrains from the
 * initial weights on the same schedule with the forget slots emptied (the reference), and
 * compares the three models:
 *
 * - membership inference on the forget set: AUC of the loss and the confidence attack
 *   (src/evaluation/scores.ts) with the forget set as positives and the held-out test records
 *   as negatives (0.5 = indistinguishable from unseen records; no threshold is tuned, AUC is
 *   threshold-free);
 * - accuracy on the retain, forget and test sets (src/ml/trainer.ts: accuracy);
 * - the L2 distance of the weight vectors to the reference, in real units.
 *
 * Measured by the controller, not proved. Pure TypeScript (the oracle is bit-exact with the
 * circuits, so the proved unlearning gives the same weights).
 */
import { decodeFixed } from "../../encoding/fixedPoint.ts";
import type { PoseidonFn, Weights } from "../../ml/weights.ts";
import { accuracy } from "../../ml/trainer.ts";
import type { TrainingSlot } from "../../ml/trainingInput.ts";
import { auc } from "../../evaluation/metrics.ts";
import { ATTACKS, attackScores, type AttackName, type LabelledRecord } from "../../evaluation/scores.ts";
import type { AmnesiacConfig } from "./config.ts";
import { trainAmnesiac } from "./training.ts";
import { unlearnSlots } from "./unlearning.ts";
import { UpdateLog } from "./updateLog.ts";

/** The three models of one comparison. */
export type GapModel = "original" | "unlearned" | "reference";

/** The gap of one forget set. */
export interface AmnesiacGap {
  /** Forgotten slots, increasing. */
  forget: number[];
  /** |T|: steps whose updates were subtracted. */
  subtractedSteps: number;
  /** MIA AUC on the forget set vs held-out records, per attack and model. */
  auc: Record<AttackName, Record<GapModel, number>>;
  /** Accuracy (0..1) per record set and model. */
  accuracy: Record<"retain" | "forget" | "test", Record<GapModel, number>>;
  /** ‖w − w_reference‖₂ in real units, for the original and the unlearned model. */
  l2ToReference: { original: number; unlearned: number };
}

/** A trained system to measure forget sets against (train once, compare many). */
export interface GapBase {
  config: AmnesiacConfig;
  slots: readonly TrainingSlot[];
  weights: bigint[];
  log: UpdateLog;
}

/** Trains once and logs the updates (salts are irrelevant to the weights; they are 1, 2, …). */
export function gapBase(config: AmnesiacConfig, slots: readonly TrainingSlot[], hash: PoseidonFn): GapBase {
  const run = trainAmnesiac(slots, config);
  const log = UpdateLog.empty(config, hash).append(run.deltas.map((delta, t) => ({ delta, salt: BigInt(t + 1) })));
  return { config, slots, weights: run.weights[run.weights.length - 1]!, log };
}

/**
 * The gap of unlearning `forget` (live slots) against retraining without them.
 * @throws RangeError for an empty or non-live forget slot, or an empty test set
 */
export function amnesiacGap(base: GapBase, forget: readonly number[], test: readonly LabelledRecord[]): AmnesiacGap {
  const slots = [...forget].sort((a, b) => a - b);
  if (slots.length === 0) throw new RangeError("the forget set is empty");
  for (const s of slots) if (base.slots[s] === undefined) throw new RangeError(`forget slot ${s} holds no record`);
  const gone = new Set(slots);
  const unlearned = unlearnSlots(base.weights, base.log, slots);
  const reference = trainAmnesiac(base.slots.map((r, i) => (gone.has(i) ? undefined : r)), base.config).weights;
  const models: Record<GapModel, Weights> = { original: base.weights, unlearned: unlearned.weights, reference: reference[reference.length - 1]! };
  const live = (keep: (i: number) => boolean): LabelledRecord[] =>
    base.slots.flatMap((r, i) => (r !== undefined && keep(i) ? [r] : []));
  const sets = { retain: live((i) => !gone.has(i)), forget: live((i) => gone.has(i)), test };
  const per = <T>(f: (w: Weights) => T): Record<GapModel, T> => ({ original: f(models.original), unlearned: f(models.unlearned), reference: f(models.reference) });
  const aucs = Object.fromEntries(
    ATTACKS.map((attack) => [attack, per((w) => auc(attackScores([w], sets.forget)[attack], attackScores([w], test)[attack]))]),
  ) as AmnesiacGap["auc"];
  return {
    forget: slots,
    subtractedSteps: unlearned.steps.length,
    auc: aucs,
    accuracy: { retain: per((w) => accuracy(w, sets.retain)), forget: per((w) => accuracy(w, sets.forget)), test: per((w) => accuracy(w, test)) },
    l2ToReference: { original: l2(models.original, models.reference), unlearned: l2(models.unlearned, models.reference) },
  };
}

/** ‖a − b‖₂ of two weight vectors, in real units. */
export function l2(a: Weights, b: Weights): number {
  return Math.sqrt(a.reduce((s, v, j) => s + decodeFixed(v - b[j]!) ** 2, 0));
}
