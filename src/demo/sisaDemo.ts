import { join } from "node:path";
import { packageRoot } from "../circuits/paths.ts";
import { getProfile } from "../circuits/profiles.ts";
import { getPoseidon } from "../crypto/poseidon.ts";
import type { Dataset } from "../encoding/dataset.ts";
import { loadDataset } from "../encoding/records.ts";
import { buildEvaluationReport } from "../evaluation/buildReport.ts";
import { formatEvaluation, type EvaluationReport } from "../evaluation/report.ts";
import { trainAllShards } from "../evaluation/retrainAll.ts";
import { startClock } from "../evaluation/timing.ts";
import { writeFileAtomically } from "../fsAtomic.ts";
import { ensureDevKey, publishKey } from "../keys/devKeys.ts";
import { shardProfileParams } from "../ml/config.ts";
import { accuracyProfileFor } from "../prover/accuracy.ts";
import { shardOfSlot } from "../sisa/shards.ts";
import {
  loadKeyRing, trustedKey, type AuditEntry, type ChainReport, type KeyRing, type ProofBundle, type ShardRetrainStatement,
} from "../verifier/index.ts";
import { commitWorkspace } from "../workspace/commit.ts";
import { forgetInWorkspace } from "../workspace/forget.ts";
import { proveWorkspaceAccuracy } from "../workspace/proveAccuracy.ts";
import { trainWorkspace } from "../workspace/train.ts";
import { openSisaWorkspace, workspacePaths } from "../workspace/workspace.ts";
import { announceReplacement, demoFollowUps, percent, verificationLines, verifyDemoLedger } from "./common.ts";

export { demoFollowUps } from "./common.ts";

/** Profile the demo proves under: 256 slots in 8 shards of 32, 16 features, 10 epochs, K = 3. */
export const SISA_DEMO_PROFILE = "sisa-d8-s3-f16-e10-k3";

/** Hyperparameters of the demo (bound into the config hash, so into every state). */
export const SISA_DEMO_HYPERPARAMETERS = { learningRate: 2, l2: 1 / 64, initialWeights: "zeros" } as const;

/** Default output directory of the demo (a controller workspace). */
export const SISA_DEMO_WORKSPACE = "zkforget-demo";

/** Id of the demo's deletion request in the ledger. */
export const SISA_DEMO_REQUEST_ID = "demo-subject-1";

/** The demo's data subject owns this many records, all in one shard. */
const SUBJECT_RECORDS = 3;

/** What the demo measured, for the report and for tests. */
export interface SisaDemoReport {
  profile: string;
  constraints: number;
  /** The workspace the demo ran in (its output directory), as given. */
  workspace: string;
  ledgerPath: string;
  records: number;
  testRecords: number;
  shards: number;
  genesisProveSeconds: number[];
  retrainedShard: number;
  deletedIds: string[];
  /** Id of the deletion request in the ledger. */
  requestId: string;
  /** Proving time of the deletion's retraining (summed over its proofs when K forced several). */
  retrainProveSeconds: number;
  /** Deletion receipts of the subject's records, one per record. */
  receiptPaths: string[];
  /** Warm standalone verification time of each ledger entry's bundle, in ledger order. */
  verifyMilliseconds: number[];
  accuracyBefore: number;
  accuracyAfter: number;
  /** The genesis state, then the state after each training and retraining entry of the ledger. */
  states: string[];
  /** Bundle copies of the genesis trainings and the retraining, in ledger order. */
  bundlePaths: string[];
  /** The ledger's audit chain (every proof, the state links, shard coverage, the request) and every bundle verified. */
  allValid: boolean;
  /** verifyAuditPackage's report on the workspace's audit package. */
  chain: ChainReport;
  /** Key directory the follow-up commands need (`--keys`), when keys/ lacks a profile the ledger uses. */
  keysDir?: string;
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
   * (accuracy-s3-f16-t8, about 294k constraints: a first run builds its dev key).
   */
  proveAccuracy?: boolean;
  /** ShardRetrain profile (default {@link SISA_DEMO_PROFILE}); tests use a tiny one. */
  profile?: string;
  /** Records to run on (default data/demo.csv): the first 2^D are committed, the rest are the test set. */
  data?: Dataset;
  /** Shard whose records the data subject owns (default 2). */
  subjectShard?: number;
  /** Trusted verification keys (default: the keys/ shipped with zkforget). */
  keysDir?: string;
}

/**
 * The SISA demo, run as a controller would in the workspace `dir` (replaced if it exists: its
 * ledger is kept aside as ledger.<time>.replaced.sqlite, its receipts and bundles are deleted):
 * commit the first 256 embedded MNIST records with the other 256 as the committed held-out test
 * set, train every shard with a genesis proof, answer deletion request
 * {@link SISA_DEMO_REQUEST_ID} for the 3 records of one data subject (their shard is retrained
 * with a proof), optionally prove the final ensemble's accuracy, then verify the ledger's whole
 * audit chain with the standalone verifier against the keys shipped in keys/. Afterwards `dir`
 * works with `verify-chain`, `report`, `export`, `requests` and `receipt check`.
 */
export async function runSisaDemo(dir: string, log: (message: string) => void, options: SisaDemoOptions = {}): Promise<SisaDemoReport> {
  const profile = getProfile(options.profile ?? SISA_DEMO_PROFILE);
  const params = shardProfileParams(profile.params);
  const capacity = 2 ** params.dataDepth;
  const shards = 2 ** params.shardDepth;
  const data = options.data ?? (await loadDataset(join(packageRoot(), "data", "demo.csv")));
  const train = { ...data, records: data.records.slice(0, capacity) };
  const paths = workspacePaths(dir);
  await announceReplacement(dir, log);
  // The held-out test set is committed before anything is trained and its root pinned in the
  // config hash: an accuracy claim cannot move to another test set.
  const committed = await commitWorkspace(dir, train, {
    profile, testSet: { ...data, records: data.records.slice(capacity) }, hyper: SISA_DEMO_HYPERPARAMETERS, force: true,
  });
  log(`1/5 committed ${train.records.length} records in ${shards} shards of ${capacity / shards}; ${data.records.length - train.records.length} held out for testing, committed too; ledger ${paths.ledger}`);
  const poseidon = await getPoseidon();

  const key = await ensureDevKey(profile, { onProgress: log });
  log(`2/5 dev key ready: ${profile.name}, ${key.manifest.constraints} constraints (INSECURE: public secrets)`);

  const evaluationStartedAt = new Date().toISOString();
  const genesisClock = startClock();
  const genesis = await trainWorkspace(dir, { key, log: (m) => log(`3/5 ${m}`) });
  const genesisTime = genesisClock.stop();
  const genesisProveSeconds = genesis.map((t) => retrainProof(t.entry).proveSeconds);
  const trained = await openSisaWorkspace(dir);
  const testSet = trained.testSet!; // committed above

  // One data subject owns three records that share a shard (shard 2's first three).
  const retrainedShard = options.subjectShard ?? 2;
  const deletedIds = trained.system.dataset.liveSlots().filter((s) => shardOfSlot(s.index, params) === retrainedShard).slice(0, SUBJECT_RECORDS).map((s) => s.id);
  const forgetClock = startClock();
  const forget = await forgetInWorkspace(dir, deletedIds, { key, requestId: SISA_DEMO_REQUEST_ID, log: (m) => log(`4/5 ${m}`) });
  const retrainTime = forgetClock.stop();
  const steps = forget.steps.map((s) => retrainProof(s.entry));
  const unlearned = await openSisaWorkspace(dir);
  // The deletion's KPIs from the proofs already made (no extra proving): the genesis training is
  // a full train-and-prove of every shard, the cost a retrain without the records would have.
  const evaluation = await buildEvaluationReport({
    profile: profile.name, startedAt: evaluationStartedAt, original: trained.system, forgetIds: deletedIds, testSet, unlearned: unlearned.system,
    steps, unlearningTime: retrainTime,
    reference: trainAllShards(trained.system.config, trained.system.dataset.withoutRecords(deletedIds), poseidon.hash),
    fullRetrain: { ...genesisTime, proofs: shards, proveSeconds: genesisProveSeconds.reduce((a, b) => a + b, 0) },
    note: "full retrain timed on the demo's genesis proofs of every shard: same circuit and work, on the data before the deletion; the first also starts snarkjs; both timings include recording the proofs in the ledger",
  });
  // Test accuracy before and after: the evaluation's utility figures (the same ensembles on the same records).
  const accuracyBefore = evaluation.utility.original.test;
  const accuracyAfter = evaluation.utility.unlearned.test;
  // Written before the audit package is read: the package carries it (labelled not proved).
  await writeFileAtomically(paths.evaluation, `${JSON.stringify(evaluation, null, 1)}\n`);

  let accuracy: Awaited<ReturnType<typeof proveWorkspaceAccuracy>> | undefined;
  if (options.proveAccuracy) {
    log(`+ proving the final ensemble's accuracy on the committed test set (${accuracyProfileFor(unlearned.system, testSet).name}; the first run builds its dev key)…`);
    accuracy = await proveWorkspaceAccuracy(dir, { onProgress: log });
    log(`+ accuracy ≥ ${accuracy.correct}/${accuracy.total} proved in ${accuracy.proveSeconds.toFixed(1)} s → ledger entry ${accuracy.entry.seq}`);
  }

  const shipped = await loadKeyRing(options.keysDir ?? join(packageRoot(), "keys"));
  let keys: KeyRing = shipped;
  let keysDir: string | undefined;
  if (accuracy && !shipped.has(accuracy.bundle.profile)) {
    // The key directory may lack the accuracy key (a custom --keys, an older checkout): use the dev keys built here, and
    // publish them in the workspace so that the follow-up commands can check the whole chain.
    const { manifest, vkey } = accuracy.key;
    keys = new Map([...shipped, [accuracy.bundle.profile, trustedKey(accuracy.bundle.profile, manifest, vkey, "dev key cache")]]);
    keysDir = join(dir, "keys");
    for (const k of [key, accuracy.key]) await publishKey(k, keysDir);
    log(`+ keys/ has no key for ${accuracy.bundle.profile}: checking against the dev keys built here, published in ${keysDir}`);
  }
  const { chain, verifyMilliseconds, allValid } = await verifyDemoLedger(dir, keys, "5/5", log);

  const accuracyProof: SisaDemoReport["accuracyProof"] = accuracy && {
    correct: accuracy.correct, total: accuracy.total, proveSeconds: accuracy.proveSeconds, bundlePath: accuracy.bundlePath,
    valid: chain.entries.find((e) => e.seq === accuracy.entry.seq)?.valid === true,
  };
  return {
    profile: profile.name, constraints: key.manifest.constraints, workspace: dir, ledgerPath: paths.ledger,
    records: train.records.length, testRecords: testSet.size, shards,
    genesisProveSeconds, retrainedShard, deletedIds, requestId: forget.request.id,
    retrainProveSeconds: steps.reduce((sum, s) => sum + s.proveSeconds, 0), receiptPaths: forget.steps.flatMap((s) => s.receiptPaths),
    verifyMilliseconds, accuracyBefore, accuracyAfter,
    states: [committed.state, ...[...genesis, ...forget.steps].map((s) => s.entry.newState)],
    bundlePaths: [...genesis, ...forget.steps].map((s) => s.bundlePath),
    allValid, chain, ...(keysDir !== undefined ? { keysDir } : {}),
    evaluation, evaluationPath: paths.evaluation,
    ...(accuracyProof ? { accuracyProof } : {}),
  };
}

/** The shard-retrain proof of a ledger entry the demo just made, with its shard and proving time. */
function retrainProof(entry: AuditEntry): { shard: number; proveSeconds: number; bundle: ProofBundle<ShardRetrainStatement> } {
  const bundle = entry.bundle;
  if (bundle?.statement.type !== "shard-retrain" || entry.proveSeconds === undefined) {
    throw new Error(`ledger entry ${entry.seq} (${entry.kind}) is not a timed shard (re)training`);
  }
  return { shard: bundle.statement.shard, proveSeconds: entry.proveSeconds, bundle: bundle as ProofBundle<ShardRetrainStatement> };
}

/** The report the CLI prints; it ends with the commands to run next. */
export function formatSisaReport(r: SisaDemoReport): string {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const pct = percent;
  return [
    "",
    "zkforget demo — SISA exact unlearning on MNIST (0 vs 1, 16 features)",
    `  profile          ${r.profile}: ${r.constraints.toLocaleString("en-US")} constraints, INSECURE dev key`,
    `  workspace        ${r.workspace} (ledger ${r.ledgerPath}, receipts, bundles)`,
    `  data             ${r.records} committed records in ${r.shards} shards; ${r.testRecords} held-out test records`,
    `  genesis          ${r.shards} shard trainings proved, ${mean(r.genesisProveSeconds).toFixed(1)} s each on average`,
    `  deletion         request ${r.requestId}: ${r.deletedIds.join(", ")} (one data subject) → shard ${r.retrainedShard} retrained, proved in ${r.retrainProveSeconds.toFixed(1)} s`,
    ...verificationLines(r),
    `  accuracy (test)  before ${pct(r.accuracyBefore)}, after ${pct(r.accuracyAfter)}`,
    r.accuracyProof
      ? `  accuracy proof   ≥ ${r.accuracyProof.correct}/${r.accuracyProof.total} on the committed test set, proved for the final state in ${r.accuracyProof.proveSeconds.toFixed(1)} s: ${r.accuracyProof.valid ? "VALID" : "NOT VALID"} (${r.accuracyProof.bundlePath})`
      : "  accuracy proof   not made (run the demo with --prove-accuracy to prove it)",
    `  states           genesis ${r.states[0]!.slice(0, 18)}… → after training ${r.states[r.shards]!.slice(0, 18)}… → after deletion ${r.states.at(-1)!.slice(0, 18)}…`,
    `  bundles          ${r.bundlePaths[0]} … ${r.bundlePaths.at(-1)}`,
    formatEvaluation(r.evaluation),
    `  written to   ${r.evaluationPath}`,
    "",
    "next, on the demo's workspace:",
    ...demoFollowUps(r).map((command) => `  ${command}`),
  ].join("\n");
}
