/**
 * `zkforget evaluate` for a ridge workspace: the three unlearning KPIs of a forget request,
 * measured on a copy of the controller's system (nothing is written, the proofs are discarded).
 * The method's parts:
 * - retraining from scratch without the forget set is exact and cheap: statisticsOf the
 *   remaining records (the forgotten classes stay empty) and solveRidge — the reference model;
 * - the scores of a record, for the membership-inference attacks: the squared error of its
 *   class scores x̃ᵀW against its one-hot label (loss attack, negated: a low loss looks like a
 *   member) and the margin between the two highest live-class scores (confidence attack);
 * - the proof cost of the deletion: the ridge deletion proofs of the forget set (K records
 *   each), timed; the full-retrain baseline proves the genesis of the remaining data unless
 *   baselineProofs is false.
 * The unlearned weights are compared with the reference: each proof states ‖W' − W*‖₂ ≤ bound
 * per class (bounds.ts); the document gives the distance measured and that bound.
 */
import { companionProfile } from "../../circuits/profiles.ts";
import { getPoseidon } from "../../crypto/poseidon.ts";
import type { ProvingKey } from "../../keys/devKeys.ts";
import { ensureDevKey } from "../../keys/devKeys.ts";
import { attackResult } from "../../evaluation/buildReport.ts";
import type { MethodEvaluation } from "../../evaluation/methods.ts";
import { EVALUATED_MODELS, EVALUATION_PROVENANCE, type AttackResult, type EvaluatedModel, type SetAccuracy } from "../../evaluation/report.ts";
import { ATTACKS, type AttackName, type AttackScores } from "../../evaluation/scores.ts";
import { SPLIT_DESCRIPTION, splitNonMembers } from "../../evaluation/split.ts";
import { fastestOf, timed } from "../../evaluation/timing.ts";
import { toHex32 } from "../../verifier/fieldText.ts";
import { ridgeConfigHash } from "./config.ts";
import { weightErrorBound, WEIGHT_FRACTION_BITS, FRACTION_BITS } from "./bounds.ts";
import { proveRidgeGenesis } from "./genesisProving.ts";
import { scores as classScores, type RidgeModel } from "./model.ts";
import { proveRidgeDeletion } from "./prove.ts";
import { solveRidge } from "./solve.ts";
import { ridgeCommitments, type RidgeSystemState } from "./state.ts";
import { classOf, type RidgeRecord } from "./statistics.ts";
import { ridgeAccuracyOn } from "./utility.ts";
import { liveStatistics, ridgeSystem, type RidgeWorkspace } from "./workspaceState.ts";

/** Format tag of a ridge evaluation document. */
export const RIDGE_EVALUATION_FORMAT = "zkforget-ridge-evaluation";

/** The ridge evaluation document (<workspace>/evaluation.json). */
export interface RidgeEvaluationReport {
  format: typeof RIDGE_EVALUATION_FORMAT;
  version: 1;
  provenance: typeof EVALUATION_PROVENANCE;
  startedAt: string;
  finishedAt: string;
  profile: string;
  configHash: string;
  states: { original: string; unlearned: string };
  records: { retain: number; forget: number; test: number; calibrationNonMembers: number; heldOutNonMembers: number };
  forget: { size: number; proofs: number };
  /**
   * The unlearned model against the reference (solveRidge on the remaining records): whether
   * they are identical, the largest per-class ‖W_unlearned − W_reference‖₂ (real units), and
   * the bound each proof states for ‖W' − W*‖₂ against the exact solution W*.
   */
  exact: { identical: boolean; maxWeightDistance: number; statedBound: number; withinBound: boolean };
  utility: Record<EvaluatedModel, SetAccuracy>;
  membershipInference: { split: string; attacks: Record<AttackName, Record<EvaluatedModel, AttackResult>> };
  efficiency: {
    unlearning: { proofs: number; wallSeconds: number; cpuSeconds: number; proveSeconds: number };
    /** The genesis of the remaining records proved again (proveSeconds null when --no-baseline-proofs). */
    fullRetrain: { proofs: number; wallSeconds: number; cpuSeconds: number; proveSeconds: number | null; proved: boolean };
    ratio: { wall: number; cpu: number } | null;
    /** Training alone: the reference's statisticsOf + solveRidge, no proof (exact retraining's real cost). */
    trainingOnly: { fullRetrainSeconds: number };
  };
}

/** Options of {@link evaluateRidgeUnlearning}. */
export interface RidgeEvaluationOptions {
  log?: (message: string) => void;
  /** Prove the full-retrain baseline (the genesis of the remaining records) too (default true). */
  baselineProofs?: boolean;
  /** Dev-key seed. */
  seed?: string;
}

/** Both attacks' scores of each record under `model` (see the module comment). */
export function ridgeAttackScores(model: RidgeModel, records: readonly RidgeRecord[], classes: number): AttackScores {
  const unit = 2 ** (FRACTION_BITS + WEIGHT_FRACTION_BITS);
  const loss: number[] = [], confidence: number[] = [];
  for (const r of records) {
    const s = classScores(model, r.features).map((v) => Number(v) / unit);
    const cls = classOf(r.label, classes);
    loss.push(-s.reduce((acc, v, c) => acc + (v - (c === cls ? 1 : 0)) ** 2, 0));
    const live = s.filter((_, c) => model.live[c]).sort((a, b) => b - a);
    confidence.push(live.length > 1 ? live[0]! - live[1]! : 0);
  }
  return { loss, confidence };
}

/** The reference: the ridge model trained from scratch on `system`'s records without `forgetIds`. */
export function ridgeRetrainWithout(system: RidgeSystemState, forgetIds: readonly string[]): RidgeModel {
  const remaining = system.dataset.withoutRecords(forgetIds);
  return solveRidge(liveStatistics(system.config, remaining, system.stats.forgotten), system.config.lambda, system.config.depth).model;
}

/**
 * Measures forgetting `forgetIds` from the ridge workspace `ws` (see the module comment).
 * @throws RangeError for an empty forget set, a forget set that is the whole dataset, or a test
 *   set too small for the attacks; UnknownRecordError for an unknown or deleted id — before any proof
 */
export async function evaluateRidgeUnlearning(ws: RidgeWorkspace, forgetIds: readonly string[], options: RidgeEvaluationOptions = {}): Promise<RidgeEvaluationReport> {
  const startedAt = new Date().toISOString();
  const log = options.log ?? (() => {});
  const system = ridgeSystem(ws, "evaluating an unlearning");
  const { config } = system;
  if (forgetIds.length === 0) throw new RangeError("the forget set is empty: name at least one record id");
  if (ws.testSet === undefined) throw new RangeError("the workspace has no committed test set: the attacks and the test accuracy need one");
  const forget = system.dataset.slotsOf(forgetIds);
  const forgetSet = new Set(forgetIds);
  const retain = system.dataset.liveSlots().filter((s) => !forgetSet.has(s.id));
  if (retain.length === 0) throw new RangeError("the forget set is the whole dataset: nothing would be left to train on");
  const test = ws.testSet.liveSlots();
  const { calibration, heldOut } = splitNonMembers(test);
  const keyOpts = { onProgress: log, ...(options.seed !== undefined ? { seed: options.seed } : {}) };
  const keyFor = (p: Parameters<typeof ensureDevKey>[0]): Promise<ProvingKey> => ensureDevKey(p, keyOpts);
  const key = await keyFor(ws.profile);
  const poseidon = await getPoseidon();

  const K = ws.profile.params[3]!;
  log(`unlearning ${forgetIds.length} record(s) by model shift: ${Math.ceil(forgetIds.length / K)} ridge deletion proof(s) under ${ws.profile.name}…`);
  const unlearning = await timed(async () => {
    let state = system;
    let proveSeconds = 0, proofs = 0;
    for (let start = 0; start < forgetIds.length; start += K) {
      const proved = await proveRidgeDeletion(state, forgetIds.slice(start, start + K), ws.profile, key);
      state = proved.state;
      proveSeconds += proved.proveSeconds;
      proofs++;
    }
    return { state, proveSeconds, proofs };
  });
  const unlearned = unlearning.value.state;

  const retrain = await fastestOf(3, () => ridgeRetrainWithout(system, forgetIds));
  const reference = retrain.value;
  const baselineProofs = options.baselineProofs ?? true;
  let full: { proofs: number; proveSeconds: number | null; wallSeconds: number; cpuSeconds: number };
  if (baselineProofs) {
    log(`full retrain: the genesis of the ${retain.length} remaining records, proved under ${companionProfile(ws.profile, "genesis").name}…`);
    const proved = await timed(() => proveRidgeGenesis(config, system.dataset.withoutRecords(forgetIds), ws.profile, keyFor, log));
    const batches = 2 ** (config.depth - companionProfile(ws.profile, "batch").params[1]!);
    full = { proofs: batches + 1, proveSeconds: proved.value.proveSeconds, wallSeconds: proved.wallSeconds, cpuSeconds: proved.cpuSeconds };
  } else {
    full = { proofs: 0, proveSeconds: null, wallSeconds: retrain.wallSeconds, cpuSeconds: retrain.cpuSeconds };
  }

  const models: Record<EvaluatedModel, RidgeModel> = { original: system.model, unlearned: unlearned.model, reference };
  const unit = 2 ** WEIGHT_FRACTION_BITS;
  const distance = Math.max(...reference.weights.map((w, c) => Math.hypot(...w.map((v, j) => Number(v - unlearned.model.weights[c]![j]!) / unit))));
  const statedBound = weightErrorBound(config.depth, config.features, config.lambda);
  const map = <T>(f: (m: RidgeModel) => T) => Object.fromEntries(EVALUATED_MODELS.map((m) => [m, f(models[m])])) as Record<EvaluatedModel, T>;
  const scores = map((m) => ({
    retain: ridgeAttackScores(m, retain, config.classes), forget: ridgeAttackScores(m, forget, config.classes),
    calibration: ridgeAttackScores(m, calibration, config.classes), heldOut: ridgeAttackScores(m, heldOut, config.classes),
  }));
  const attacks = Object.fromEntries(ATTACKS.map((a) => [a, Object.fromEntries(EVALUATED_MODELS.map((m) => [m, attackResult(a, scores[m])]))])) as Record<AttackName, Record<EvaluatedModel, AttackResult>>;
  const round = (x: number, digits = 3) => Number(x.toFixed(digits));
  const u = unlearning;
  return {
    format: RIDGE_EVALUATION_FORMAT, version: 1, provenance: EVALUATION_PROVENANCE, startedAt, finishedAt: new Date().toISOString(),
    profile: ws.profile.name, configHash: toHex32(ridgeConfigHash(config, poseidon.hash)),
    states: { original: toHex32(ridgeCommitments(system, poseidon.hash).state), unlearned: toHex32(ridgeCommitments(unlearned, poseidon.hash).state) },
    records: { retain: retain.length, forget: forget.length, test: test.length, calibrationNonMembers: calibration.length, heldOutNonMembers: heldOut.length },
    forget: { size: forget.length, proofs: u.value.proofs },
    // Both the proved model and the reference are within statedBound of W*, so they are within twice it of each other.
    exact: { identical: JSON.stringify(reference.weights.map((w) => w.map(String))) === JSON.stringify(unlearned.model.weights.map((w) => w.map(String))), maxWeightDistance: distance, statedBound, withinBound: distance <= 2 * statedBound },
    utility: map((m) => ({ retain: ridgeAccuracyOn(m, retain, config.classes), forget: ridgeAccuracyOn(m, forget, config.classes), test: ridgeAccuracyOn(m, test, config.classes) })),
    membershipInference: { split: SPLIT_DESCRIPTION, attacks },
    efficiency: {
      unlearning: { proofs: u.value.proofs, wallSeconds: round(u.wallSeconds), cpuSeconds: round(u.cpuSeconds), proveSeconds: round(u.value.proveSeconds) },
      fullRetrain: { proofs: full.proofs, wallSeconds: round(full.wallSeconds), cpuSeconds: round(full.cpuSeconds), proveSeconds: full.proveSeconds === null ? null : round(full.proveSeconds), proved: baselineProofs },
      ratio: baselineProofs ? { wall: round(full.wallSeconds / u.wallSeconds), cpu: round(full.cpuSeconds / u.cpuSeconds) } : null,
      trainingOnly: { fullRetrainSeconds: round(retrain.wallSeconds, 6) },
    },
  };
}

/** A short human-readable summary of a ridge evaluation. */
export function formatRidgeEvaluation(r: RidgeEvaluationReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`.padStart(7);
  const e = r.efficiency;
  const attack = (name: AttackName) => EVALUATED_MODELS.map((m) => `${m} ${r.membershipInference.attacks[name][m].auc.toFixed(3)}`).join("  ");
  return [
    "",
    `zkforget evaluate — ridge unlearning by model shift of ${r.forget.size} record(s), ${r.profile}`,
    `  provenance   ${r.provenance}`,
    `  exactness    unlearned vs retrained from scratch (solveRidge on the remaining records): ${r.exact.identical ? "identical" : "not identical"}, max ‖ΔW‖₂ ${r.exact.maxWeightDistance.toExponential(2)}; each proof states ‖W'−W*‖₂ ≤ ${r.exact.statedBound.toExponential(2)} → ${r.exact.withinBound ? "within the bound" : "OUTSIDE THE BOUND"}`,
    `  accuracy                retain   forget     test`,
    ...EVALUATED_MODELS.map((m) => `    ${m.padEnd(20)}${pct(r.utility[m].retain)}  ${pct(r.utility[m].forget)}  ${pct(r.utility[m].test)}`),
    `  membership inference, AUC forget set vs ${r.records.heldOutNonMembers} held-out non-members`,
    `    loss         ${attack("loss")}`,
    `    confidence   ${attack("confidence")}`,
    `  efficiency   unlearning ${e.unlearning.wallSeconds.toFixed(1)} s wall (${e.unlearning.proofs} deletion proof(s), ${e.unlearning.proveSeconds.toFixed(1)} s proving)`,
    e.fullRetrain.proved
      ? `               full retrain (genesis of the remaining records, ${e.fullRetrain.proofs} proofs) ${e.fullRetrain.wallSeconds.toFixed(1)} s wall → unlearning ${e.ratio!.wall.toFixed(1)}× cheaper`
      : "               full retrain not proved (--no-baseline-proofs)",
    `               training alone (statistics + solve, no proof): ${(e.trainingOnly.fullRetrainSeconds * 1000).toFixed(1)} ms`,
  ].join("\n");
}

/** The ridge entry of the evaluation table (src/evaluation/methods.ts). */
export const ridgeMethodEvaluation: MethodEvaluation<RidgeWorkspace> = {
  kind: "ridge",
  async evaluate(ws, { forgetIds, dir, log, baselineProofs, seed }) {
    if (ws.testSet === undefined) throw new Error(`${dir} has no committed test set: the attacks and the test accuracy need one (zkforget commit … --test FILE; its root is pinned in the ridge config)`);
    const report = await evaluateRidgeUnlearning(ws, forgetIds, { log, baselineProofs, ...(seed !== undefined ? { seed } : {}) });
    return { document: report, summary: formatRidgeEvaluation(report) };
  },
};
