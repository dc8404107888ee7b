/**
 * The evaluation document `zkforget evaluate` writes (<workspace>/evaluation.json) and its
 * human-readable summary. The schema is documented field by field in docs/evaluation.md; bump
 * {@link EVALUATION_VERSION} on any incompatible change. Every figure is the controller's own
 * measurement: nothing here is proved, and the document says so in `provenance`.
 */
import type { ThresholdAdvantage } from "./metrics.ts";
import type { AttackName } from "./scores.ts";

/** Format tag of an evaluation document. */
export const EVALUATION_FORMAT = "zkforget-evaluation";
/** Schema version of an evaluation document. */
export const EVALUATION_VERSION = 1;
/** The provenance label every evaluation carries. */
export const EVALUATION_PROVENANCE = "measured by the controller, not proved";

/** The three models an evaluation compares. */
export const EVALUATED_MODELS = ["original", "unlearned", "reference"] as const;

/** original: before unlearning; unlearned: after SISA unlearning; reference: all shards retrained without the forget set. */
export type EvaluatedModel = (typeof EVALUATED_MODELS)[number];

/** Accuracy (fraction correct, 0..1) of one model on each record set. */
export interface SetAccuracy {
  retain: number;
  forget: number;
  test: number;
}


/** One attack against one model. */
export interface AttackResult {
  /** AUC separating the forget set (positives) from the held-out non-members (negatives). */
  auc: number;
  /** Max over thresholds of TPR − FPR on the same two sets (an attacker who could tune on them). */
  maxAdvantage: number;
  /** The threshold tuned on the known sets, applied to the forget set vs the held-out non-members. */
  tuned: ThresholdAdvantage;
  /** AUC on the known sets (retain members vs calibration non-members): the attack's general power. */
  calibrationAuc: number;
  /**
   * The ROC curve behind `auc` (forget set vs held-out non-members): (FPR, TPR) pairs from
   * (0, 0) to (1, 1), one per distinct score as the threshold, highest first. Rates only: the
   * thresholds (scores of the forget records) are left out.
   */
  roc: RocRates[];
}

/** One ROC point as stored in the evaluation document: [false-positive rate, true-positive rate]. */
export type RocRates = [fpr: number, tpr: number];

/** Time and proofs of one way to remove the forget set. */
export interface RemovalCost {
  /** Shards (re)trained. */
  shardsTrained: number;
  /** Groth16 proofs made (0 when proving was skipped). */
  proofs: number;
  wallSeconds: number;
  /** User + system CPU seconds of the whole process, all threads. */
  cpuSeconds: number;
  /** Sum of the proofs' witness + proving wall seconds; null when nothing was proved. */
  proveSeconds: number | null;
}

/** The evaluation document (schema version 1; see docs/evaluation.md). */
export interface EvaluationReport {
  format: typeof EVALUATION_FORMAT;
  version: typeof EVALUATION_VERSION;
  provenance: typeof EVALUATION_PROVENANCE;
  /** ISO times the evaluation started and finished (controller's clock). */
  startedAt: string;
  finishedAt: string;
  profile: string;
  /** 0x-hex config hash, the states' third input. */
  configHash: string;
  /** Number of shards (2^S). */
  shards: number;
  /** 0x-hex state before the unlearning and the state the unlearning proofs end in. */
  states: { original: string; unlearned: string };
  /** Record counts of every set the figures are taken over. */
  records: { retain: number; forget: number; test: number; calibrationNonMembers: number; heldOutNonMembers: number };
  /** The forget request: its size, the shards that hold it and the proofs it took (ids stay private). */
  forget: { size: number; shardsTouched: number[]; proofs: number };
  /** Whether the unlearned weights equal the reference weights bit for bit, shard by shard. */
  exact: { identical: boolean; shardsCompared: number; differingShards: number[] };
  utility: Record<EvaluatedModel, SetAccuracy>;
  membershipInference: {
    /** How the records were split between the attacker's calibration and the evaluation. */
    split: string;
    attacks: Record<AttackName, Record<EvaluatedModel, AttackResult>>;
  };
  efficiency: {
    unlearning: RemovalCost;
    fullRetrain: RemovalCost & { proved: boolean };
    /** fullRetrain ÷ unlearning (how many times cheaper unlearning was); null when the baseline was not proved. */
    ratio: { wall: number; cpu: number } | null;
    /** Training alone, no proofs or hashing: the touched shards vs every shard. */
    trainingOnly: { unlearningSeconds: number; fullRetrainSeconds: number; ratio: number };
    /** Where the full-retrain time comes from, when it is not a retrain without the forget set. */
    note?: string;
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`.padStart(7);
const num = (x: number, digits: number) => x.toFixed(digits);
const times = (x: number) => `${x.toFixed(1)}×`;

/** A short human-readable summary of an evaluation. */
export function formatEvaluation(r: EvaluationReport): string {
  const e = r.efficiency;
  const cost = (c: RemovalCost) => `${num(c.wallSeconds, 1)} s wall, ${num(c.cpuSeconds, 1)} s CPU (${c.shardsTrained} shard(s), ${c.proofs} proof(s))`;
  const attack = (name: AttackName) =>
    EVALUATED_MODELS.map((m) => {
      const a = r.membershipInference.attacks[name][m];
      return `${m} ${num(a.auc, 3)} (adv ${num(a.maxAdvantage, 2)}/${num(a.tuned.advantage, 2)})`;
    }).join("  ");
  return [
    "",
    `zkforget evaluate — exact SISA unlearning of ${r.forget.size} record(s) in shard(s) ${r.forget.shardsTouched.join(", ")}, ${r.profile}`,
    `  provenance   ${r.provenance}`,
    `  exactness    unlearned = retrained from scratch without the forget set, bit for bit: ${r.exact.identical ? "yes" : `NO (shards ${r.exact.differingShards.join(", ")})`}, ${r.exact.shardsCompared} shards compared`,
    `  accuracy                retain   forget     test`,
    ...(["original", "unlearned", "reference"] as const).map((m) => {
      const u = r.utility[m];
      return `    ${m.padEnd(20)}${pct(u.retain)}  ${pct(u.forget)}  ${pct(u.test)}`;
    }),
    `  membership inference, AUC forget set vs ${r.records.heldOutNonMembers} held-out non-members (advantage: max/tuned)`,
    `    loss         ${attack("loss")}`,
    `    confidence   ${attack("confidence")}`,
    `    for scale: AUC on retained members vs calibration non-members, original model: loss ${num(r.membershipInference.attacks.loss.original.calibrationAuc, 3)}, confidence ${num(r.membershipInference.attacks.confidence.original.calibrationAuc, 3)}`,
    `  efficiency   unlearning ${cost(e.unlearning)}`,
    `               full retrain ${cost(e.fullRetrain)}${e.fullRetrain.proved ? "" : ", proofs skipped"}`,
    e.ratio
      ? `               unlearning was ${times(e.ratio.wall)} cheaper in wall time, ${times(e.ratio.cpu)} in CPU time`
      : "               no ratio: the full retrain was not proved (--no-baseline-proofs)",
    ...(e.note ? [`               (${e.note})`] : []),
    `               training alone: ${times(e.trainingOnly.ratio)} (${num(e.trainingOnly.unlearningSeconds * 1000, 1)} ms vs ${num(e.trainingOnly.fullRetrainSeconds * 1000, 1)} ms)`,
  ].join("\n");
}
