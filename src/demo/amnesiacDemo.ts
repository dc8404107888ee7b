import { join } from "node:path";
import { packageRoot } from "../circuits/paths.ts";
import { getProfile } from "../circuits/profiles.ts";
import { getPoseidon } from "../crypto/poseidon.ts";
import type { Dataset } from "../encoding/dataset.ts";
import { loadDataset } from "../encoding/records.ts";
import { publishKey } from "../keys/devKeys.ts";
import { totalSteps } from "../methods/amnesiac/config.ts";
import { AMNESIAC_DEMO_HYPERPARAMETERS } from "../methods/amnesiac/demoConfig.ts";
import { amnesiacGap, l2, type AmnesiacGap } from "../methods/amnesiac/gap.ts";
import { trainAmnesiac } from "../methods/amnesiac/training.ts";
import { amnesiacUnlearningLabel } from "../methods/amnesiac/label.ts";
import { openSlots } from "../methods/amnesiac/system.ts";
import { amnesiacSystem, type AmnesiacWorkspace } from "../methods/amnesiac/workspaceState.ts";
import { accuracy } from "../ml/trainer.ts";
import { loadKeyRing, type ChainReport } from "../verifier/index.ts";
import { commitWorkspace } from "../workspace/commit.ts";
import { forgetInWorkspace } from "../workspace/forget.ts";
import { repairWorkspace } from "../workspace/repair.ts";
import { trainWorkspace } from "../workspace/train.ts";
import { openWorkspaceState, workspacePaths } from "../workspace/workspace.ts";
import { announceReplacement, demoFollowUps, demoKeys, percent, verificationLines, verifyDemoLedger } from "./common.ts";

/** Profile the amnesiac demo proves under: 256 slots in batches of 16, 16 features, 4 epochs (64 steps), K = 3. */
export const AMNESIAC_DEMO_PROFILE = "amnesiac-unlearn-d8-b4-f16-e4-k3";

/** Default output directory of the amnesiac demo. */
export const AMNESIAC_DEMO_WORKSPACE = "zkforget-amnesiac-demo";

/** Id of the demo's deletion request. */
export const AMNESIAC_DEMO_REQUEST_ID = "demo-subject-1";

/** The data subject's records: these positions among the committed records (three batches). */
const SUBJECT_POSITIONS = [5, 100, 201] as const;

/** What the amnesiac demo measured, for the report and for tests. */
export interface AmnesiacDemoReport {
  profile: string;
  /** Constraints of the unlearning profile and its training companion. */
  constraints: Record<string, number>;
  workspace: string;
  ledgerPath: string;
  records: number;
  testRecords: number;
  steps: number;
  trainingProofs: number;
  trainingProveSeconds: number;
  deletedIds: string[];
  requestId: string;
  unlearningProveSeconds: number;
  /** The honest label, computed from the deleted slots and the public schedule. */
  label: string;
  /** Controller-measured test accuracy of the trained, the unlearned and the repaired model, NOT proved. */
  accuracy: { trained: number; unlearned: number; repaired: number };
  /** The repair steps after the unlearning (one per touched batch) and the repaired model's L2 distance to the retrained one (measured). */
  repair: { steps: number; proveSeconds: number; l2ToRetrained: number };
  /** The gap of this unlearning to an exact retraining without the records (measured, not proved). */
  gap: AmnesiacGap;
  receiptPaths: string[];
  bundlePaths: string[];
  verifyMilliseconds: number[];
  allValid: boolean;
  chain: ChainReport;
  /** Where the demo published the amnesiac dev verification keys (keys/ does not ship the demo's). */
  keysDir: string;
  /** Wall seconds of the whole run, keys included. */
  totalSeconds: number;
}

/** Options of {@link runAmnesiacDemo}. */
export interface AmnesiacDemoOptions {
  /** AmnesiacUnlearn profile (default {@link AMNESIAC_DEMO_PROFILE}); tests use a tiny one. */
  profile?: string;
  /** Records (default data/demo.csv): the first 2^D are committed, the rest are the test set. */
  data?: Dataset;
  /** Ids of the data subject's records (default three records in three batches). */
  subjectIds?: string[];
}

/**
 * The amnesiac demo, run as a controller would in the workspace `dir` (replaced if it exists):
 * commit the first 256 records of data/demo.csv (MNIST 0 vs 1, 16 pooled features) with the
 * other 256 as the committed test set; prove the whole mini-batch training (64 steps, 2 per
 * proof), each proof logging its updates; answer deletion request
 * {@link AMNESIAC_DEMO_REQUEST_ID} for one data subject's 3 records by subtracting the logged
 * updates of every step whose batch held them (one proof); measure the accuracy before and after
 * and the gap to an exact retraining, then prove one repair step per touched batch; verify the whole audit chain with the standalone verifier
 * against the amnesiac dev keys, published in `<dir>/keys`.
 */
export async function runAmnesiacDemo(dir: string, log: (message: string) => void, options: AmnesiacDemoOptions = {}): Promise<AmnesiacDemoReport> {
  const started = performance.now();
  const profile = getProfile(options.profile ?? AMNESIAC_DEMO_PROFILE);
  if (profile.template !== "AmnesiacUnlearn") throw new Error(`the amnesiac demo proves under an AmnesiacUnlearn profile, not ${profile.name} (${profile.template})`);
  const capacity = 2 ** profile.params[0]!;
  const data = options.data ?? (await loadDataset(join(packageRoot(), "data", "demo.csv")));
  const train = { ...data, records: data.records.slice(0, capacity) };
  const test = { ...data, records: data.records.slice(capacity) };
  if (test.records.length === 0) throw new Error(`the amnesiac demo needs more than ${capacity} records: the ones after the first ${capacity} are its test set`);
  const paths = workspacePaths(dir);
  await announceReplacement(dir, log);

  const { keys: built, constraints } = await demoKeys(profile.name, "1/5", log);

  await commitWorkspace(dir, train, { profile, testSet: test, hyper: AMNESIAC_DEMO_HYPERPARAMETERS, force: true });
  const keysDir = join(dir, "keys");
  for (const key of built) await publishKey(key, keysDir);
  const committed = await openAmnesiac(dir);
  const steps = totalSteps(committed.config);
  log(`2/5 committed ${train.records.length} records and ${test.records.length} test records (root pinned in the config); ${steps} mini-batch steps of ${2 ** committed.config.batchLog2} slots; ledger ${paths.ledger}`);

  const trained = await trainWorkspace(dir, { log: (m) => log(`3/5 ${m}`) });
  const ws = await openAmnesiac(dir);
  const poseidon = await getPoseidon();
  const testRecords = ws.testSet!.liveSlots();
  const trainedAccuracy = accuracy(ws.model.weights, testRecords);
  log(`    test accuracy of the trained model: ${percent(trainedAccuracy)} — measured by the controller, not proved`);

  const live = ws.dataset.liveSlots();
  const deletedIds = options.subjectIds ?? SUBJECT_POSITIONS.filter((i) => i < live.length).map((i) => live[i]!.id);
  const deletedSlots = ws.dataset.slotsOf(deletedIds).map((s) => s.index);
  // The gap to an exact retraining, measured on the trained system before it forgets.
  const system = amnesiacSystem(ws);
  const { slots } = openSlots(system, 0, 2 ** ws.config.dataDepth, poseidon);
  const gap = amnesiacGap({ config: ws.config, slots, weights: [...system.weights], log: system.log }, deletedSlots, testRecords);

  const gone = new Set(deletedSlots);
  const reference = trainAmnesiac(slots.map((r, i) => (gone.has(i) ? undefined : r)), ws.config).weights.at(-1)!;

  const forget = await forgetInWorkspace(dir, deletedIds, { requestId: AMNESIAC_DEMO_REQUEST_ID, log: (m) => log(`4/5 ${m}`) });
  const unlearned = await openAmnesiac(dir);
  const unlearnedAccuracy = accuracy(unlearned.model.weights, testRecords);
  const label = amnesiacUnlearningLabel(deletedSlots, ws.config);
  log(`    ${label}; test accuracy ${percent(unlearnedAccuracy)} (retrained from scratch without them: ${percent(gap.accuracy.test.reference)}); ` +
    `L2 to the retrained weights ${gap.l2ToReference.unlearned.toFixed(3)} (before: ${gap.l2ToReference.original.toFixed(3)}) — measured, not proved`);
  const repairs = await repairWorkspace(dir, { log: (m) => log(`4/5 ${m}`) });
  const repaired = await openAmnesiac(dir);
  const repairedAccuracy = accuracy(repaired.model.weights, testRecords);
  const repairedDistance = l2(repaired.model.weights, reference);
  log(`    after ${repairs.length} repair step(s): test accuracy ${percent(repairedAccuracy)}, L2 to the retrained weights ${repairedDistance.toFixed(3)} — measured, not proved`);

  const keys = new Map([...(await loadKeyRing(join(packageRoot(), "keys"))), ...(await loadKeyRing(keysDir))]);
  const verification = await verifyDemoLedger(dir, keys, "5/5", log);
  return {
    profile: profile.name, constraints, workspace: dir, ledgerPath: paths.ledger,
    records: train.records.length, testRecords: test.records.length, steps, trainingProofs: trained.length,
    trainingProveSeconds: trained.reduce((a, t) => a + (t.entry.proveSeconds ?? 0), 0),
    deletedIds, requestId: forget.request.id,
    unlearningProveSeconds: forget.steps.reduce((a, s) => a + (s.entry.proveSeconds ?? 0), 0),
    label, accuracy: { trained: trainedAccuracy, unlearned: unlearnedAccuracy, repaired: repairedAccuracy }, gap,
    repair: { steps: repairs.length, proveSeconds: repairs.reduce((a, s) => a + (s.entry.proveSeconds ?? 0), 0), l2ToRetrained: repairedDistance },
    receiptPaths: forget.steps.flatMap((s) => s.receiptPaths),
    bundlePaths: [...trained.map((t) => t.bundlePath), ...forget.steps.map((s) => s.bundlePath), ...repairs.map((s) => s.bundlePath)],
    verifyMilliseconds: verification.verifyMilliseconds, allValid: verification.allValid, chain: verification.chain,
    keysDir, totalSeconds: (performance.now() - started) / 1000,
  };
}

/** The demo's workspace state. */
async function openAmnesiac(dir: string): Promise<AmnesiacWorkspace> {
  const { state } = await openWorkspaceState(dir);
  if (state.kind !== "amnesiac") throw new Error(`internal error: the amnesiac demo's workspace is a ${state.kind} workspace`);
  return state;
}

/** The report the CLI prints; it ends with the commands to run next. */
export function formatAmnesiacReport(r: AmnesiacDemoReport): string {
  const g = r.gap;
  return [
    "",
    "zkforget demo — amnesiac unlearning (APPROXIMATE: logged updates subtracted, not a retraining)",
    `  profile          ${r.profile}, INSECURE dev keys:`,
    ...Object.entries(r.constraints).map(([name, n]) => `                   ${name}: ${n.toLocaleString("en-US")} constraints`),
    `  workspace        ${r.workspace} (ledger ${r.ledgerPath}, receipts, bundles, keys ${r.keysDir})`,
    `  data             ${r.records} committed records; ${r.testRecords} committed test records`,
    `  training         ${r.steps} mini-batch steps in ${r.trainingProofs} proofs, each logging its updates, proved in ${r.trainingProveSeconds.toFixed(1)} s`,
    `  unlearning       request ${r.requestId}: ${r.deletedIds.join(", ")} (one data subject) → ${r.label}; proved in ${r.unlearningProveSeconds.toFixed(1)} s`,
    `  repair           ${r.repair.steps} proved SGD step(s) on the remaining records of the touched batches, ${r.repair.proveSeconds.toFixed(1)} s`,
    ...verificationLines(r),
    `  accuracy (test)  trained ${percent(r.accuracy.trained)}, unlearned ${percent(r.accuracy.unlearned)}, repaired ${percent(r.accuracy.repaired)}, ` +
      `retrained from scratch without the records ${percent(g.accuracy.test.reference)}`,
    `  gap to retrain   L2 of the weights to the retrained model: trained ${g.l2ToReference.original.toFixed(3)}, unlearned ${g.l2ToReference.unlearned.toFixed(3)}, repaired ${r.repair.l2ToRetrained.toFixed(3)}; ` +
      `MIA AUC (loss) on the forgotten records: trained ${g.auc.loss.original.toFixed(3)}, unlearned ${g.auc.loss.unlearned.toFixed(3)}, retrained ${g.auc.loss.reference.toFixed(3)}`,
    "                   measured by the controller, NOT proved; `zkforget evaluate` measures more forget sets and the spread",
    `  total            ${r.totalSeconds.toFixed(0)} s`,
    "",
    "next, on the demo's workspace:",
    ...demoFollowUps(r).map((command) => `  ${command}`),
  ].join("\n");
}
