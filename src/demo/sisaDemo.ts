import { join } from "node:path";
import { packageRoot } from "../circuits/paths.ts";
import { getProfile } from "../circuits/profiles.ts";
import { getPoseidon } from "../crypto/poseidon.ts";
import { CommittedDataset } from "../dataset/commitment.ts";
import { loadDataset } from "../encoding/records.ts";
import { buildEvaluationReport } from "../evaluation/buildReport.ts";
import { formatEvaluation, type EvaluationReport } from "../evaluation/report.ts";
import { trainAllShards } from "../evaluation/retrainAll.ts";
import { startClock } from "../evaluation/timing.ts";
import { ensureDevKey } from "../keys/devKeys.ts";
import { makeTrainingConfig, shardProfileParams } from "../ml/config.ts";
import { accuracyProfileFor, proveAccuracy } from "../prover/accuracy.ts";
import { proveShardRetrain, type SisaSystem } from "../prover/shardRetrain.ts";
import { ensembleAccuracy } from "../sisa/ensemble.ts";
import { ModelCommitment } from "../sisa/model.ts";
import { shardOfSlot } from "../sisa/shards.ts";
import {
  loadKeyRing, releaseVerifierThreads, trustedKey, verifyBundle, type AccuracyStatement, type KeyRing, type ProofBundle, type ShardRetrainStatement,
  type TrustedKey,
} from "../verifier/index.ts";
import { writeFileAtomically } from "../fsAtomic.ts";

/** Profile the demo proves under: 256 slots in 8 shards of 32, 16 features, 10 epochs, K = 3. */
export const SISA_DEMO_PROFILE = "sisa-d8-s3-f16-e10-k3";

/** Hyperparameters of the demo (bound into the config hash, so into every state). */
export const SISA_DEMO_HYPERPARAMETERS = { learningRate: 2, l2: 1 / 64, initialWeights: "zeros" } as const;

/** What the demo measured, for the report and for tests. */
export interface SisaDemoReport {
  profile: string;
  constraints: number;
  records: number;
  testRecords: number;
  shards: number;
  genesisProveSeconds: number[];
  retrainedShard: number;
  deletedIds: string[];
  retrainProveSeconds: number;
  verifyMilliseconds: number[];
  accuracyBefore: number;
  accuracyAfter: number;
  states: string[];
  bundlePaths: string[];
  allValid: boolean;
  chainContinuous: boolean;
  /** The deletion's unlearning KPIs (controller-measured, not proved), also in <dir>/evaluation.json. */
  evaluation: EvaluationReport;
  evaluationPath: string;
  /** The proved accuracy of the final ensemble, when the demo was asked to prove it. */
  accuracyProof?: { correct: number; total: number; proveSeconds: number; bundlePath: string; valid: boolean };
}

/** Options of {@link runSisaDemo}. */
export interface SisaDemoOptions {
  /**
   * Also prove the final ensemble's accuracy on the 256 committed test records
   * (accuracy-s3-f16-t8, about 294k constraints: its first dev-key setup is long).
   */
  proveAccuracy?: boolean;
}

/**
 * The SISA demo: commit the first 256 embedded MNIST records (the other 256 are the held-out
 * test set), train every shard with a genesis proof, delete 3 records of one data subject,
 * retrain their shard with a proof, and verify every bundle with the standalone verifier
 * against the keys shipped in keys/. The test set is committed before training and its root is
 * pinned in the config, so every state names it; with `proveAccuracy` the final ensemble's
 * accuracy on it is proved too.
 */
export async function runSisaDemo(dir: string, log: (message: string) => void, options: SisaDemoOptions = {}): Promise<SisaDemoReport> {
  const profile = getProfile(SISA_DEMO_PROFILE);
  const params = shardProfileParams(profile.params);
  const capacity = 2 ** params.dataDepth;
  const data = await loadDataset(join(packageRoot(), "data", "demo.csv"));
  const train = { ...data, records: data.records.slice(0, capacity) };
  const poseidon = await getPoseidon();
  // The held-out test set is committed (its own tree, like the dataset) before anything is
  // trained, and its root goes into the config hash: an accuracy claim cannot move to another.
  const testSet = CommittedDataset.commit({ ...data, records: data.records.slice(capacity) }, params.dataDepth, poseidon);
  const test = testSet.liveSlots();
  const config = makeTrainingConfig(params, SISA_DEMO_HYPERPARAMETERS, testSet.root);
  let system: SisaSystem = {
    config,
    dataset: CommittedDataset.commit(train, params.dataDepth, poseidon),
    models: ModelCommitment.empty(params.shardDepth, params.features, poseidon.hash),
  };
  const shards = 2 ** params.shardDepth;
  log(`1/5 committed ${train.records.length} records in ${shards} shards of ${capacity / shards}; ${test.length} held out for testing, committed too`);

  const key = await ensureDevKey(profile, { onProgress: log });
  log(`2/5 dev key ready: ${profile.name}, ${key.manifest.constraints} constraints (INSECURE: public secrets)`);

  const bundles: ProofBundle<ShardRetrainStatement>[] = [];
  const bundlePaths: string[] = [];
  const save = async (bundle: ProofBundle<ShardRetrainStatement>, name: string) => {
    const path = join(dir, "bundles", name);
    await writeFileAtomically(path, `${JSON.stringify(bundle, null, 1)}\n`);
    bundles.push(bundle);
    bundlePaths.push(path);
  };
  const genesisProveSeconds: number[] = [];
  const evaluationStartedAt = new Date().toISOString();
  const genesisClock = startClock();
  for (let k = 0; k < shards; k++) {
    const result = await proveShardRetrain(system, k, [], { profile, key });
    system = result.system;
    genesisProveSeconds.push(result.proveSeconds);
    await save(result.bundle, `${String(k + 1).padStart(4, "0")}-genesis-shard${k}.json`);
    log(`3/5 genesis training of shard ${k} proved in ${result.proveSeconds.toFixed(1)} s`);
  }
  const genesisTime = genesisClock.stop();
  const trained = system;
  const weightsOf = (s: SisaSystem) => Array.from({ length: shards }, (_, k) => s.models.shard(k)!.weights);
  const accuracyBefore = ensembleAccuracy(weightsOf(system), test);

  // One data subject owns three records that share a shard (shard 2's first three).
  const retrainedShard = 2;
  const deletedIds = system.dataset.liveSlots().filter((s) => shardOfSlot(s.index, params) === retrainedShard).slice(0, 3).map((s) => s.id);
  const retrainClock = startClock();
  const retrain = await proveShardRetrain(system, retrainedShard, deletedIds, { profile, key });
  const retrainTime = retrainClock.stop();
  system = retrain.system;
  await save(retrain.bundle, `${String(shards + 1).padStart(4, "0")}-retrain-shard${retrainedShard}.json`);
  log(`4/5 deleted ${deletedIds.join(", ")}; shard ${retrainedShard} retrained and proved in ${retrain.proveSeconds.toFixed(1)} s`);
  const accuracyAfter = ensembleAccuracy(weightsOf(system), test);
  // The deletion's KPIs from the proofs already made (no extra proving): the genesis loop is a
  // full train-and-prove of every shard, the cost a retrain without the records would have.
  const evaluation = await buildEvaluationReport({
    profile: profile.name, startedAt: evaluationStartedAt, original: trained, forgetIds: deletedIds, testSet, unlearned: system,
    steps: [{ shard: retrainedShard, proveSeconds: retrain.proveSeconds, bundle: retrain.bundle }], unlearningTime: retrainTime,
    reference: trainAllShards(config, trained.dataset.withoutRecords(deletedIds), poseidon.hash),
    fullRetrain: { ...genesisTime, proofs: shards, proveSeconds: genesisProveSeconds.reduce((a, b) => a + b, 0) },
    note: "full retrain timed on the demo's genesis proofs of every shard: same circuit and work, on the data before the deletion; the first also starts snarkjs",
  });
  const evaluationPath = join(dir, "evaluation.json");
  await writeFileAtomically(evaluationPath, `${JSON.stringify(evaluation, null, 1)}\n`);

  let accuracyBundle: { bundle: ProofBundle<AccuracyStatement>; proveSeconds: number; bundlePath: string; key: TrustedKey } | undefined;
  if (options.proveAccuracy) {
    const accuracyProfile = accuracyProfileFor(system, testSet);
    log(`+ proving the final ensemble's accuracy on the committed test set (${accuracyProfile.name}; the first run builds its dev key)…`);
    const accuracyKey = await ensureDevKey(accuracyProfile, { onProgress: log });
    const proved = await proveAccuracy(system, testSet, { profile: accuracyProfile, key: accuracyKey });
    const bundlePath = join(dir, "bundles", `${String(shards + 2).padStart(4, "0")}-accuracy.json`);
    await writeFileAtomically(bundlePath, `${JSON.stringify(proved.bundle, null, 1)}\n`);
    const key = trustedKey(accuracyProfile.name, accuracyKey.manifest, accuracyKey.vkey, "dev key cache");
    accuracyBundle = { bundle: proved.bundle, proveSeconds: proved.proveSeconds, bundlePath, key };
    log(`+ accuracy ≥ ${proved.correct}/${proved.total} proved in ${proved.proveSeconds.toFixed(1)} s`);
  }

  const keys = await loadKeyRing(join(packageRoot(), "keys"));
  const verifyMilliseconds: number[] = [];
  let allValid = true;
  for (const bundle of bundles) {
    const started = performance.now();
    const result = await verifyBundle(JSON.stringify(bundle), { keys, allowDev: true });
    verifyMilliseconds.push(performance.now() - started);
    if (!result.valid) {
      allValid = false;
      log(`INVALID bundle for shard ${bundle.statement.shard}: ${result.reasons.join("; ")}`);
    }
  }
  let accuracyProof: SisaDemoReport["accuracyProof"];
  if (accuracyBundle) {
    const { bundle, proveSeconds, bundlePath, key } = accuracyBundle;
    // keys/ may not ship this profile's key (its setup is long); then the locally built one is used.
    const ring: KeyRing = keys.has(bundle.profile) ? keys : new Map([...keys, [bundle.profile, key]]);
    if (ring !== keys) log(`+ keys/ has no key for ${bundle.profile}: checking the accuracy bundle against the dev key built here`);
    const result = await verifyBundle(JSON.stringify(bundle), { keys: ring, allowDev: true });
    // The accuracy proof must be about the state the last retraining reached.
    const valid = result.valid && bundle.statement.state === bundles.at(-1)!.statement.newState;
    if (!valid) log(`INVALID accuracy bundle: ${[...result.reasons, ...(result.valid ? ["it names another state than the final one"] : [])].join("; ")}`);
    accuracyProof = { correct: bundle.statement.correct, total: bundle.statement.total, proveSeconds, bundlePath, valid };
  }
  await releaseVerifierThreads();
  const chainContinuous = bundles.every((b, i) => i === 0 || bundles[i - 1]!.statement.newState === b.statement.oldState);
  log(`5/5 standalone verifier: ${allValid ? "all" : "NOT all"} ${bundles.length} bundles valid; state chain ${chainContinuous ? "continuous" : "BROKEN"}`);
  return {
    profile: profile.name, constraints: key.manifest.constraints, records: train.records.length, testRecords: test.length, shards,
    genesisProveSeconds, retrainedShard, deletedIds, retrainProveSeconds: retrain.proveSeconds, verifyMilliseconds,
    accuracyBefore, accuracyAfter, states: [bundles[0]!.statement.oldState, ...bundles.map((b) => b.statement.newState)],
    bundlePaths, allValid: allValid && (accuracyProof?.valid ?? true), chainContinuous, evaluation, evaluationPath,
    ...(accuracyProof ? { accuracyProof } : {}),
  };
}

/** The report the CLI prints. */
export function formatSisaReport(r: SisaDemoReport): string {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return [
    "",
    "zkforget demo — SISA exact unlearning on MNIST (0 vs 1, 16 features)",
    `  profile          ${r.profile}: ${r.constraints.toLocaleString("en-US")} constraints, INSECURE dev key`,
    `  data             ${r.records} committed records in ${r.shards} shards; ${r.testRecords} held-out test records`,
    `  genesis          ${r.shards} shard trainings proved, ${mean(r.genesisProveSeconds).toFixed(1)} s each on average`,
    `  deletion         ${r.deletedIds.join(", ")} (one data subject) → shard ${r.retrainedShard} retrained, proved in ${r.retrainProveSeconds.toFixed(1)} s`,
    `  verify           ${r.verifyMilliseconds.length} bundles, ${mean(r.verifyMilliseconds.slice(1)).toFixed(0)} ms each warm; ${r.allValid ? "all VALID" : "NOT ALL VALID"}, state chain ${r.chainContinuous ? "continuous" : "BROKEN"}`,
    `  accuracy (test)  before ${pct(r.accuracyBefore)}, after ${pct(r.accuracyAfter)}`,
    r.accuracyProof
      ? `  accuracy proof   ≥ ${r.accuracyProof.correct}/${r.accuracyProof.total} on the committed test set, proved for the final state in ${r.accuracyProof.proveSeconds.toFixed(1)} s: ${r.accuracyProof.valid ? "VALID" : "NOT VALID"} (${r.accuracyProof.bundlePath})`
      : "  accuracy proof   not made (run the demo with --prove-accuracy to prove it)",
    `  states           genesis ${r.states[0]!.slice(0, 18)}… → after training ${r.states[r.shards]!.slice(0, 18)}… → after deletion ${r.states.at(-1)!.slice(0, 18)}…`,
    `  bundles          ${r.bundlePaths[0]} … ${r.bundlePaths.at(-1)}`,
    `  check one with   npx zkforget verify ${r.bundlePaths.at(-1)} --allow-dev`,
    formatEvaluation(r.evaluation),
    `  written to   ${r.evaluationPath}`,
  ].join("\n");
}
