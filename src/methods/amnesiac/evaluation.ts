/**
 * `zkforget evaluate` for an amnesiac workspace: how far the approximate unlearning of a forget
 * request lands from an exact retraining without it (gap.ts), measured on a copy of the
 * controller's system (nothing is written, the proofs are discarded).
 *
 * - The requested forget set is unlearned in real AmnesiacUnlearn proofs (K records each),
 *   timed; the full-retrain baseline proves the whole training of the remaining records again
 *   (every AmnesiacTrain proof from genesis) unless baselineProofs is false.
 * - The gap (membership-inference AUC on the forget set against the committed test records,
 *   accuracy on the retain, forget and test sets, the L2 distance of the weights to the
 *   retrained reference) is measured for the requested set and for two more forget sets of the
 *   same size drawn from the live records (seeded by the request, so a rerun draws the same),
 *   and the spread over the three is reported: one forget set says little about a method whose
 *   error depends on which batches the records were in.
 *
 * The current model and log are the starting point (so earlier unlearnings stay subtracted);
 * the reference is trained from the initial weights on the schedule with the forget slots
 * emptied. Measured by the controller, not proved.
 */
import { createHash } from "node:crypto";
import { getPoseidon } from "../../crypto/poseidon.ts";
import { ensureDevKey, type ProvingKey } from "../../keys/devKeys.ts";
import type { MethodEvaluation } from "../../evaluation/methods.ts";
import { EVALUATION_PROVENANCE } from "../../evaluation/report.ts";
import { timed } from "../../evaluation/timing.ts";
import { seededRandom } from "../../seededRandom.ts";
import { toHex32 } from "../../verifier/fieldText.ts";
import { amnesiacConfigHash, totalSteps } from "./config.ts";
import { amnesiacGap, type AmnesiacGap } from "./gap.ts";
import { proveAmnesiacTrain, proveAmnesiacUnlearn } from "./prove.ts";
import { genesisSystem, openSlots, systemState, type AmnesiacSystem } from "./system.ts";
import { amnesiacSystem, trainProfileOf, type AmnesiacWorkspace } from "./workspaceState.ts";

/** Format tag of an amnesiac evaluation document. */
export const AMNESIAC_EVALUATION_FORMAT = "zkforget-amnesiac-evaluation";

/** One measured forget set. */
export interface AmnesiacForgetSet {
  /** "requested" (the ids given) or "random-N" (drawn). */
  name: string;
  ids: string[];
  gap: AmnesiacGap;
}

/** The spread (min–max) of a figure over the measured forget sets. */
export interface Spread {
  min: number;
  max: number;
}

/** The amnesiac evaluation document (<workspace>/evaluation.json). */
export interface AmnesiacEvaluationReport {
  format: typeof AMNESIAC_EVALUATION_FORMAT;
  version: 1;
  provenance: typeof EVALUATION_PROVENANCE;
  /** What the method is: the label every verdict carries. */
  method: "amnesiac (approximate unlearning)";
  startedAt: string;
  finishedAt: string;
  profile: string;
  configHash: string;
  states: { original: string; unlearned: string };
  records: { live: number; test: number };
  sets: AmnesiacForgetSet[];
  /** Over all sets: L2 unlearned→retrained, |loss-AUC unlearned − retrained|, test accuracy unlearned − retrained. */
  spread: { l2ToRetrained: Spread; lossAucGap: Spread; testAccuracyGap: Spread };
  efficiency: {
    unlearning: { proofs: number; wallSeconds: number; cpuSeconds: number; proveSeconds: number };
    /** The whole training of the remaining records proved again (proveSeconds null when not proved). */
    fullRetrain: { proofs: number; wallSeconds: number; cpuSeconds: number; proveSeconds: number | null; proved: boolean };
    ratio: { wall: number; cpu: number } | null;
  };
}

/** Options of {@link evaluateAmnesiacUnlearning}. */
export interface AmnesiacEvaluationOptions {
  log?: (message: string) => void;
  /** Prove the full-retrain baseline too (default true). */
  baselineProofs?: boolean;
  /** Dev-key seed. */
  seed?: string;
}

/** A 31-bit seed from the forget ids (in any order), so the drawn sets are the same for the same request. */
function seedOf(ids: readonly string[]): number {
  return createHash("sha256").update([...ids].sort().join("\n")).digest().readUInt32LE(0) & 0x7fffffff;
}

/**
 * Measures forgetting `forgetIds` from the amnesiac workspace `ws` (see the module comment).
 * @throws RangeError for an empty forget set, one that is the whole dataset, an untrained model
 *   or a workspace without a test set; UnknownRecordError for an unknown or deleted id — before any proof
 */
export async function evaluateAmnesiacUnlearning(ws: AmnesiacWorkspace, forgetIds: readonly string[], options: AmnesiacEvaluationOptions = {}): Promise<AmnesiacEvaluationReport> {
  const startedAt = new Date().toISOString();
  const log = options.log ?? (() => {});
  if (forgetIds.length === 0) throw new RangeError("the forget set is empty: name at least one record id");
  if (ws.testSet === undefined) throw new RangeError("the workspace has no committed test set: the attacks and the test accuracy need one");
  const poseidon = await getPoseidon();
  const system = amnesiacSystem(ws);
  if (!system.log.complete) throw new RangeError(`the amnesiac model is not trained yet (${system.log.length} of ${totalSteps(ws.config)} steps proved): run \`zkforget train\` first`);
  const forget = ws.dataset.slotsOf(forgetIds);
  const live = ws.dataset.liveSlots();
  if (forget.length >= live.length) throw new RangeError("the forget set is the whole dataset: nothing would be left to train on");
  const test = ws.testSet.liveSlots();

  // The gap of the requested set and of two drawn sets of the same size.
  const { slots } = openSlots(system, 0, 2 ** ws.config.dataDepth, poseidon);
  const base = { config: ws.config, slots, weights: [...system.weights], log: system.log };
  const rand = seededRandom(seedOf(forgetIds));
  const draw = (): typeof live => {
    const pool = [...live];
    return Array.from({ length: forget.length }, () => pool.splice(Math.floor(rand() * pool.length), 1)[0]!);
  };
  const chosen = [{ name: "requested", slots: forget }, { name: `random-${forget.length}`, slots: draw() }, { name: `random-${forget.length}-b`, slots: draw() }];
  const sets: AmnesiacForgetSet[] = chosen.map(({ name, slots: s }) => ({ name, ids: s.map((x) => x.id), gap: amnesiacGap(base, s.map((x) => x.index), test) }));
  log(`gap to retraining measured on ${sets.length} forget sets of ${forget.length} record(s)`);

  const keyOpts = { onProgress: log, ...(options.seed !== undefined ? { seed: options.seed } : {}) };
  const keyFor = (p: Parameters<typeof ensureDevKey>[0]): Promise<ProvingKey> => ensureDevKey(p, keyOpts);
  const K = ws.profile.params[4]!;
  log(`unlearning ${forgetIds.length} record(s): ${Math.ceil(forgetIds.length / K)} amnesiac unlearning proof(s) under ${ws.profile.name}…`);
  const unlearnKey = await keyFor(ws.profile);
  const unlearning = await timed(async () => {
    let state: AmnesiacSystem = system;
    let proveSeconds = 0, proofs = 0;
    for (let start = 0; start < forget.length; start += K) {
      const proved = await proveAmnesiacUnlearn(state, forget.slice(start, start + K).map((s) => s.index), ws.profile, unlearnKey);
      state = proved.next;
      proveSeconds += proved.proveSeconds;
      proofs++;
    }
    return { state, proveSeconds, proofs };
  });

  const trainProfile = trainProfileOf(ws);
  const trainProofs = totalSteps(ws.config) / 2 ** trainProfile.params[4]!;
  const baselineProofs = options.baselineProofs ?? true;
  let full: AmnesiacEvaluationReport["efficiency"]["fullRetrain"];
  if (baselineProofs) {
    log(`full retrain: the whole training of the ${live.length - forget.length} remaining records, ${trainProofs} proofs under ${trainProfile.name}…`);
    const trainKey = await keyFor(trainProfile);
    const remaining = ws.dataset.withoutRecords(forgetIds);
    const proved = await timed(async () => {
      let s = genesisSystem(ws.config, remaining.tree(), remaining.liveSlots(), poseidon);
      let proveSeconds = 0;
      while (!s.log.complete) {
        const step = await proveAmnesiacTrain(s, trainProfile, trainKey);
        s = step.next;
        proveSeconds += step.proveSeconds;
      }
      return proveSeconds;
    });
    full = { proofs: trainProofs, wallSeconds: round(proved.wallSeconds), cpuSeconds: round(proved.cpuSeconds), proveSeconds: round(proved.value), proved: true };
  } else {
    full = { proofs: 0, wallSeconds: 0, cpuSeconds: 0, proveSeconds: null, proved: false };
  }
  const u = unlearning;
  const spreadOf = (f: (g: AmnesiacGap) => number): Spread => {
    const xs = sets.map((s) => f(s.gap));
    return { min: round(Math.min(...xs), 4), max: round(Math.max(...xs), 4) };
  };
  return {
    format: AMNESIAC_EVALUATION_FORMAT, version: 1, provenance: EVALUATION_PROVENANCE, method: "amnesiac (approximate unlearning)",
    startedAt, finishedAt: new Date().toISOString(),
    profile: ws.profile.name, configHash: toHex32(amnesiacConfigHash(ws.config, poseidon.hash)),
    states: { original: toHex32(systemState(system, poseidon)), unlearned: toHex32(systemState(u.value.state, poseidon)) },
    records: { live: live.length, test: test.length },
    sets,
    spread: {
      l2ToRetrained: spreadOf((g) => g.l2ToReference.unlearned),
      lossAucGap: spreadOf((g) => Math.abs(g.auc.loss.unlearned - g.auc.loss.reference)),
      testAccuracyGap: spreadOf((g) => g.accuracy.test.unlearned - g.accuracy.test.reference),
    },
    efficiency: {
      unlearning: { proofs: u.value.proofs, wallSeconds: round(u.wallSeconds), cpuSeconds: round(u.cpuSeconds), proveSeconds: round(u.value.proveSeconds) },
      fullRetrain: full,
      ratio: baselineProofs ? { wall: round(full.wallSeconds / u.wallSeconds), cpu: round(full.cpuSeconds / u.cpuSeconds) } : null,
    },
  };
}

function round(x: number, digits = 3): number {
  return Number(x.toFixed(digits));
}

/** A short human-readable summary of an amnesiac evaluation. */
export function formatAmnesiacEvaluation(r: AmnesiacEvaluationReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const trio = (x: { original: number; unlearned: number; reference: number }, f: (v: number) => string) => `${f(x.original)} / ${f(x.unlearned)} / ${f(x.reference)}`;
  const f3 = (x: number) => x.toFixed(3);
  const e = r.efficiency;
  const span = (s: Spread, f: (v: number) => string = f3) => `${f(s.min)}–${f(s.max)}`;
  return [
    "",
    `zkforget evaluate — amnesiac unlearning (approximate: logged updates subtracted) of ${r.sets[0]!.ids.length} record(s), ${r.profile}`,
    `  provenance   ${r.provenance}`,
    "  per forget set (original / unlearned / retrained from scratch without the set):",
    ...r.sets.map((s) => [
      `    ${s.name.padEnd(12)} ${s.gap.subtractedSteps} steps subtracted; L2 to retrained: original ${f3(s.gap.l2ToReference.original)}, unlearned ${f3(s.gap.l2ToReference.unlearned)}`,
      `                 MIA AUC loss ${trio(s.gap.auc.loss, f3)}, confidence ${trio(s.gap.auc.confidence, f3)}`,
      `                 accuracy retain ${trio(s.gap.accuracy.retain, pct)}, forget ${trio(s.gap.accuracy.forget, pct)}, test ${trio(s.gap.accuracy.test, pct)}`,
    ].join("\n")),
    `  spread over ${r.sets.length} sets: L2 unlearned→retrained ${span(r.spread.l2ToRetrained)}; |loss AUC unlearned − retrained| ${span(r.spread.lossAucGap)}; ` +
      `test accuracy unlearned − retrained ${span(r.spread.testAccuracyGap, (v) => `${(100 * v).toFixed(1)} pt`)}`,
    `  efficiency   unlearning ${e.unlearning.wallSeconds.toFixed(1)} s wall (${e.unlearning.proofs} unlearning proof(s), ${e.unlearning.proveSeconds.toFixed(1)} s proving)`,
    e.fullRetrain.proved
      ? `               full retrain (the whole training proved again, ${e.fullRetrain.proofs} proofs) ${e.fullRetrain.wallSeconds.toFixed(1)} s wall → unlearning ${e.ratio!.wall.toFixed(1)}× cheaper`
      : "               full retrain not proved (--no-baseline-proofs)",
  ].join("\n");
}

/** The amnesiac entry of the evaluation table (src/evaluation/methods.ts). */
export const amnesiacMethodEvaluation: MethodEvaluation<AmnesiacWorkspace> = {
  kind: "amnesiac",
  async evaluate(ws, { forgetIds, dir, log, baselineProofs, seed }) {
    if (ws.testSet === undefined) throw new Error(`${dir} has no committed test set: the attacks and the test accuracy need one (zkforget commit … --test FILE; its root is pinned in the amnesiac config)`);
    const report = await evaluateAmnesiacUnlearning(ws, forgetIds, { log, baselineProofs, ...(seed !== undefined ? { seed } : {}) });
    return { document: report, summary: formatAmnesiacEvaluation(report) };
  },
};

