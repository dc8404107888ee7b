/**
 * `evaluateUnlearning`: the three unlearning KPIs of a forget request, measured on a copy of the
 * controller's SISA system (the input is never modified, nothing is written).
 *
 * 1. Forgetting quality — two membership-inference attacks (src/evaluation/scores.ts) against
 *    the original model, the unlearned model and the reference (every shard retrained from
 *    scratch without the forget set). Exact unlearning means the unlearned model IS the
 *    reference, which is checked bit for bit.
 * 2. Utility — accuracy on the retain, forget and test sets.
 * 3. Efficiency — wall and CPU time of the proved SISA unlearning against retraining (and by
 *    default proving) every shard.
 */
import { getProfile, type CircuitProfile } from "../circuits/profiles.ts";
import { getPoseidon } from "../crypto/poseidon.ts";
import type { CommittedDataset } from "../dataset/commitment.ts";
import { ensureDevKey } from "../keys/devKeys.ts";
import type { ProveShardRetrainOptions, SisaSystem } from "../prover/shardRetrain.ts";
import { proveUnlearning, type ProvedUnlearningStep } from "../prover/unlearn.ts";
import type { ModelCommitment } from "../sisa/model.ts";
import { shardCount } from "../sisa/shards.ts";
import { buildEvaluationReport, checkEvaluationRequest } from "./buildReport.ts";
import type { EvaluationReport } from "./report.ts";
import { proveAllShards, trainAllShards } from "./retrainAll.ts";
import type { LabelledRecord } from "./scores.ts";
import { timed } from "./timing.ts";

/** Options for {@link evaluateUnlearning}. */
export interface EvaluateUnlearningOptions extends ProveShardRetrainOptions {
  /** Prove the full-retrain baseline too (default true); false times its training only. */
  baselineProofs?: boolean;
}

/** What {@link evaluateUnlearning} returns: the document and the systems it was measured on. */
export interface UnlearningEvaluation {
  report: EvaluationReport;
  /** The system after the proved unlearning (the input system is unchanged). */
  unlearned: SisaSystem;
  /** The unlearning proofs, in order (not written anywhere). */
  steps: ProvedUnlearningStep[];
  /** Every shard retrained from scratch without the forget set. */
  reference: ModelCommitment;
}

/**
 * Measures the unlearning of `forgetIds` from `system` (see the module comment). Proves the
 * unlearning with {@link proveUnlearning} (the proofs are returned, not written), retrains every
 * shard without the forget set as the reference (proving each shard unless `baselineProofs` is
 * false), and compares the original, unlearned and reference models.
 *
 * @param testSet held-out records never trained on (a committed test set or plain records)
 * @throws RangeError for an empty forget set, an untrained shard, a test set of fewer than 2
 *   records, or a forget set that is the whole dataset; UnknownRecordError for an unknown or
 *   deleted id — all before any proof is made
 */
export async function evaluateUnlearning(
  system: SisaSystem,
  forgetIds: readonly string[],
  testSet: CommittedDataset | readonly LabelledRecord[],
  options: EvaluateUnlearningOptions,
): Promise<UnlearningEvaluation> {
  const startedAt = new Date().toISOString();
  const log = options.onProgress ?? (() => {});
  const { config } = system;
  const { plan } = checkEvaluationRequest(system, forgetIds, testSet); // every check before any proof
  const profile: CircuitProfile = typeof options.profile === "string" ? getProfile(options.profile) : options.profile;
  const key = options.key ?? (await ensureDevKey(profile, options));
  const poseidon = await getPoseidon(); // built before the clocks start
  const proving = { ...options, profile, key };

  log(`unlearning ${forgetIds.length} record(s): ${plan.length} proof(s) over shard(s) ${[...new Set(plan.map((s) => s.shard))].join(", ")}…`);
  const unlearning = await timed(() => proveUnlearning(system, forgetIds, proving));
  const { system: unlearned, steps } = unlearning.value;

  const remaining = system.dataset.withoutRecords(forgetIds);
  const baselineProofs = options.baselineProofs ?? true;
  const shards = shardCount(config);
  log(`full retrain of all ${shards} shards without the forget set${baselineProofs ? ", with proofs" : " (training only, no proofs)"}…`);
  const full = baselineProofs
    ? await timed(async () => {
        const r = await proveAllShards(config, remaining, poseidon.hash, proving);
        return { models: r.system.models, proofs: shards, proveSeconds: r.proveSeconds.reduce((a, b) => a + b, 0) };
      })
    : await timed(() => ({ models: trainAllShards(config, remaining, poseidon.hash), proofs: 0, proveSeconds: null }));

  const report = await buildEvaluationReport({
    profile: profile.name, startedAt, original: system, forgetIds, testSet, unlearned, steps, unlearningTime: unlearning,
    reference: full.value.models, fullRetrain: { wallSeconds: full.wallSeconds, cpuSeconds: full.cpuSeconds, proofs: full.value.proofs, proveSeconds: full.value.proveSeconds },
  });
  return { report, unlearned, steps, reference: full.value.models };
}
