/**
 * The evaluation document of an unlearning that has been run: compares the original, unlearned
 * and reference models (exactness, utility, both membership-inference attacks) and adds the
 * efficiency figures. Pure measurement: proves nothing, writes nothing.
 */
import type { CommittedDataset } from "../dataset/commitment.ts";
import { getPoseidon } from "../crypto/poseidon.ts";
import { configHash } from "../ml/config.ts";
import { trainShard } from "../ml/trainer.ts";
import type { Weights } from "../ml/weights.ts";
import type { SisaSystem } from "../prover/shardRetrain.ts";
import { planUnlearning, type ProvedUnlearningStep } from "../prover/unlearn.ts";
import { ensembleAccuracy } from "../sisa/ensemble.ts";
import type { ModelCommitment } from "../sisa/model.ts";
import { shardCount, shardSlotRange } from "../sisa/shards.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { advantageAt, auc, maxAdvantage, roc } from "./metrics.ts";
import {
  EVALUATED_MODELS, EVALUATION_FORMAT, EVALUATION_PROVENANCE, EVALUATION_VERSION,
  type AttackResult, type EvaluatedModel, type EvaluationReport, type RemovalCost, type SetAccuracy,
} from "./report.ts";
import { shardTrainingSlots } from "./retrainAll.ts";
import { ATTACKS, attackScores, type AttackName, type AttackScores, type LabelledRecord } from "./scores.ts";
import { SPLIT_DESCRIPTION, splitNonMembers } from "./split.ts";
import { fastestOf, type StepTime } from "./timing.ts";

/** An unlearning that has been run and timed, for {@link buildEvaluationReport}. */
export interface UnlearningRun {
  /** ShardRetrain profile name. */
  profile: string;
  /** ISO time the run started. */
  startedAt: string;
  /** The system before the unlearning. */
  original: SisaSystem;
  forgetIds: readonly string[];
  testSet: CommittedDataset | readonly LabelledRecord[];
  /** The system after the unlearning and its proofs, in order. */
  unlearned: SisaSystem;
  steps: readonly Pick<ProvedUnlearningStep, "shard" | "proveSeconds" | "bundle">[];
  /** Time of the whole unlearning (training, witnesses and proofs). */
  unlearningTime: StepTime;
  /** Every shard trained from scratch without the forget set. */
  reference: ModelCommitment;
  /** Time of training every shard (and proving, when `proofs` > 0). */
  fullRetrain: StepTime & { proofs: number; proveSeconds: number | null };
  /** Where the full-retrain time comes from, when it is not a retrain without the forget set. */
  note?: string;
}

/**
 * The evaluation document of an unlearning already run: compares the three models (exactness,
 * utility, both attacks) and adds the efficiency figures. Used by `evaluateUnlearning` (evaluate.ts), and
 * by callers (the demo) that made the proofs themselves.
 * @throws as `evaluateUnlearning` (evaluate.ts) does for a bad forget set or test set
 */
export async function buildEvaluationReport(run: UnlearningRun): Promise<EvaluationReport> {
  const { original, unlearned, reference, steps } = run;
  const { config } = original;
  const shards = shardCount(config);
  const { test, calibration, heldOut, forget, retain } = checkEvaluationRequest(original, run.forgetIds, run.testSet);
  const poseidon = await getPoseidon();

  // Training alone (fastest of 3, as it takes milliseconds), to separate the cost of proving
  // from the cost SISA saves on training.
  const remaining = original.dataset.withoutRecords(run.forgetIds);
  const touched = [...new Set(steps.map((s) => s.shard))].sort((a, b) => a - b);
  const train = (ks: readonly number[]) => ks.map((k) => trainShard(shardTrainingSlots(remaining, k, config), config, shardSlotRange(k, config).first));
  const trainTouched = await fastestOf(3, () => train(touched));
  const trainAll = await fastestOf(3, () => train(Array.from({ length: shards }, (_, k) => k)));

  const weightsOf = (m: ModelCommitment): Weights[] => Array.from({ length: shards }, (_, k) => m.shard(k)!.weights);
  const models: Record<EvaluatedModel, Weights[]> = {
    original: weightsOf(original.models),
    unlearned: weightsOf(unlearned.models),
    reference: weightsOf(reference),
  };
  const differingShards = models.unlearned.flatMap((w, k) => (w.join() === models.reference[k]!.join() ? [] : [k]));

  const utility = mapModels((w): SetAccuracy => ({
    retain: ensembleAccuracy(w, retain),
    forget: ensembleAccuracy(w, forget),
    test: ensembleAccuracy(w, test),
  }), models);
  const scores = mapModels((w) => ({
    retain: attackScores(w, retain), forget: attackScores(w, forget), calibration: attackScores(w, calibration), heldOut: attackScores(w, heldOut),
  }), models);
  const attacks = Object.fromEntries(ATTACKS.map((a) => [a, mapModels((_, m) => attackResult(a, scores[m]), models)])) as Record<AttackName, Record<EvaluatedModel, AttackResult>>;

  const cost = (t: StepTime, shardsTrained: number, proofs: number, proveSeconds: number | null): RemovalCost =>
    ({ shardsTrained, proofs, wallSeconds: round(t.wallSeconds), cpuSeconds: round(t.cpuSeconds), proveSeconds: proveSeconds === null ? null : round(proveSeconds) });
  const full = run.fullRetrain;
  const proved = full.proofs > 0;
  return {
    format: EVALUATION_FORMAT,
    version: EVALUATION_VERSION,
    provenance: EVALUATION_PROVENANCE,
    startedAt: run.startedAt,
    finishedAt: new Date().toISOString(),
    profile: run.profile,
    configHash: toHex32(configHash(config, poseidon.hash)),
    shards,
    states: { original: steps[0]!.bundle.statement.oldState, unlearned: steps.at(-1)!.bundle.statement.newState },
    records: { retain: retain.length, forget: forget.length, test: test.length, calibrationNonMembers: calibration.length, heldOutNonMembers: heldOut.length },
    forget: { size: forget.length, shardsTouched: touched, proofs: steps.length },
    exact: { identical: differingShards.length === 0, shardsCompared: shards, differingShards },
    utility,
    membershipInference: { split: SPLIT_DESCRIPTION, attacks },
    efficiency: {
      unlearning: cost(run.unlearningTime, touched.length, steps.length, steps.reduce((a, s) => a + s.proveSeconds, 0)),
      fullRetrain: { ...cost(full, shards, full.proofs, full.proveSeconds), proved },
      ratio: proved ? { wall: round(full.wallSeconds / run.unlearningTime.wallSeconds), cpu: round(full.cpuSeconds / run.unlearningTime.cpuSeconds) } : null,
      trainingOnly: {
        unlearningSeconds: round(trainTouched.wallSeconds, 6),
        fullRetrainSeconds: round(trainAll.wallSeconds, 6),
        ratio: round(trainAll.wallSeconds / trainTouched.wallSeconds),
      },
      ...(run.note !== undefined ? { note: run.note } : {}),
    },
  };
}

/**
 * Checks an evaluation request and splits the records into the evaluated sets.
 * @throws as `evaluateUnlearning` (evaluate.ts) documents
 */
export function checkEvaluationRequest(system: SisaSystem, forgetIds: readonly string[], testSet: CommittedDataset | readonly LabelledRecord[]) {
  if (forgetIds.length === 0) throw new RangeError("the forget set is empty: name at least one record id");
  const plan = planUnlearning(system, forgetIds); // validates every id
  const shards = shardCount(system.config);
  const untrained = Array.from({ length: shards }, (_, k) => k).filter((k) => system.models.shard(k) === undefined);
  if (untrained.length > 0) throw new RangeError(`shard(s) ${untrained.join(", ")} are not trained yet: evaluate a fully trained system`);
  const test: LabelledRecord[] = "liveSlots" in testSet ? testSet.liveSlots() : [...testSet];
  const { calibration, heldOut } = splitNonMembers(test);
  const forgetSet = new Set(forgetIds);
  const forget = system.dataset.slotsOf(forgetIds);
  const retain = system.dataset.liveSlots().filter((s) => !forgetSet.has(s.id));
  if (retain.length === 0) throw new RangeError("the forget set is the whole dataset: nothing would be left to train on");
  return { plan, test, calibration, heldOut, forget, retain };
}

/** One model's attack scores on each evaluated record set. */
export type SetScores = Record<"retain" | "forget" | "calibration" | "heldOut", AttackScores>;

/** One attack against one model: the forget set vs held-out non-members, with a threshold tuned on the known sets. */
export function attackResult(attack: AttackName, s: SetScores): AttackResult {
  const tuned = maxAdvantage(s.retain[attack], s.calibration[attack]);
  return {
    auc: auc(s.forget[attack], s.heldOut[attack]),
    maxAdvantage: maxAdvantage(s.forget[attack], s.heldOut[attack]).advantage,
    tuned: advantageAt(s.forget[attack], s.heldOut[attack], tuned.threshold),
    calibrationAuc: auc(s.retain[attack], s.calibration[attack]),
    roc: roc(s.forget[attack], s.heldOut[attack]).map((p) => [p.fpr, p.tpr]),
  };
}

function mapModels<T>(f: (weights: Weights[], model: EvaluatedModel) => T, models: Record<EvaluatedModel, Weights[]>): Record<EvaluatedModel, T> {
  return Object.fromEntries(EVALUATED_MODELS.map((m) => [m, f(models[m], m)])) as Record<EvaluatedModel, T>;
}

function round(x: number, digits = 3): number {
  return Number(x.toFixed(digits));
}
