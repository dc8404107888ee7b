import { join } from "node:path";
import { packageRoot } from "../circuits/paths.ts";
import { getProfile } from "../circuits/profiles.ts";
import type { Dataset } from "../encoding/dataset.ts";
import { loadDataset } from "../encoding/records.ts";
import { publishKey } from "../keys/devKeys.ts";
import { weightErrorBound } from "../methods/ridge/bounds.ts";
import { ridgeSystem, type RidgeWorkspace } from "../methods/ridge/workspaceState.ts";
import { classOf } from "../methods/ridge/statistics.ts";
import { predictionsOfClass, ridgeAccuracyOn } from "../methods/ridge/utility.ts";
import { loadKeyRing, type ChainReport } from "../verifier/index.ts";
import { commitWorkspace } from "../workspace/commit.ts";
import { forgetInWorkspace } from "../workspace/forget.ts";
import { forgetClassInWorkspace } from "../workspace/forgetClass.ts";
import { trainWorkspace } from "../workspace/train.ts";
import { openWorkspaceState, workspacePaths } from "../workspace/workspace.ts";
import { announceReplacement, demoFollowUps, demoKeys, percent, verificationLines, verifyDemoLedger } from "./common.ts";

/** Profile the ridge demo proves under: 1,024 slots, 32 features, 10 classes, K = 8 (batches of 64 at genesis). */
export const RIDGE_DEMO_PROFILE = "ridge-deletion-d10-f32-c10-k8";

/** λ of the demo (pinned in the config). */
export const RIDGE_DEMO_LAMBDA = 1;

/** Default output directory of the ridge demo. */
export const RIDGE_DEMO_WORKSPACE = "zkforget-ridge-demo";

/** Id of the demo's deletion request. */
export const RIDGE_DEMO_REQUEST_ID = "demo-subject-1";

/** The class the demo forgets by default (the digit 7). */
export const RIDGE_DEMO_CLASS = 7;

/** The data subject's records: these positions among the committed records (spread over the tree). */
const SUBJECT_POSITIONS = [3, 400, 777] as const;

/** Accuracy of the controller's fixed-point model on the committed test set after one step. */
export interface RidgeDemoAccuracy {
  step: "genesis" | "deletion" | "class forgotten";
  /** Accuracy on every committed test record, in [0, 1]. */
  test: number;
  /** Accuracy on the test records of the class the demo forgets. */
  forgottenClass: number;
  /** Test records the model predicts as that class. */
  predictedAsClass: number;
}

/** What the ridge demo measured, for the report and for tests. */
export interface RidgeDemoReport {
  profile: string;
  /** Constraints of each profile the demo proves with (the deletion profile and its companions). */
  constraints: Record<string, number>;
  workspace: string;
  ledgerPath: string;
  records: number;
  testRecords: number;
  lambda: number;
  batches: number;
  genesisProveSeconds: number;
  deletedIds: string[];
  requestId: string;
  deletionProveSeconds: number;
  forgottenClass: number;
  classForgetProveSeconds: number;
  /** ‖W' − W*‖₂ bound per class stated by every proof of this profile (real units). */
  weightErrorBound: number;
  /** Controller-measured, NOT proved (the demo makes no accuracy proof). */
  accuracy: RidgeDemoAccuracy[];
  /** The profile's accuracy companion, when it has one (`zkforget prove-accuracy` would prove the accuracy under it). */
  accuracyProfile?: string;
  /** What the data is, for the report's title. */
  dataName: string;
  /** Test records of the forgotten class. */
  testRecordsOfClass: number;
  receiptPaths: string[];
  bundlePaths: string[];
  verifyMilliseconds: number[];
  allValid: boolean;
  chain: ChainReport;
  /** Where the demo published the ridge dev verification keys (they are not shipped in keys/). */
  keysDir: string;
  /** Wall seconds of the whole run, keys included. */
  totalSeconds: number;
}

/** Options of {@link runRidgeDemo}. */
export interface RidgeDemoOptions {
  /** RidgeDeletion profile (default {@link RIDGE_DEMO_PROFILE}); tests use a tiny one. */
  profile?: string;
  /** Training records (default the first 2^depth of data/mnist10-train.csv). */
  data?: Dataset;
  /** Test records (default data/mnist10-test.csv), committed and pinned in the config. */
  testSet?: Dataset;
  /** Class to forget (default {@link RIDGE_DEMO_CLASS}). */
  forgetClass?: number;
  /** Ids of the data subject's records (default three records spread over the tree). */
  subjectIds?: string[];
}

/**
 * The ridge (model-shifting) demo, run as a controller would in the workspace `dir` (replaced if
 * it exists): commit the first 1,024 MNIST records of data/mnist10-train.csv (10 digits, 32
 * pooled features) with data/mnist10-test.csv as the committed test set and λ = 1; prove the
 * genesis (every batch of 64 slots, then the genesis over them); answer deletion request
 * {@link RIDGE_DEMO_REQUEST_ID} for one data subject's records by model shift; forget the class
 * 7 in one proof; measure the fixed-point model's test accuracy after each step; verify the
 * whole audit chain with the standalone verifier against the ridge dev keys, which it
 * publishes in `<dir>/keys` (keys/ does not ship them).
 */
export async function runRidgeDemo(dir: string, log: (message: string) => void, options: RidgeDemoOptions = {}): Promise<RidgeDemoReport> {
  const started = performance.now();
  const profile = getProfile(options.profile ?? RIDGE_DEMO_PROFILE);
  if (profile.template !== "RidgeDeletion") throw new Error(`the ridge demo proves under a RidgeDeletion profile, not ${profile.name} (${profile.template})`);
  const [depth, , classes] = profile.params as [number, number, number];
  const all = options.data ?? (await loadDataset(join(packageRoot(), "data", "mnist10-train.csv")));
  const train = { ...all, records: all.records.slice(0, 2 ** depth) };
  const test = options.testSet ?? (await loadDataset(join(packageRoot(), "data", "mnist10-test.csv")));
  const cls = options.forgetClass ?? RIDGE_DEMO_CLASS;
  const paths = workspacePaths(dir);
  await announceReplacement(dir, log);

  const { keys: built, constraints } = await demoKeys(profile.name, "1/6", log);

  await commitWorkspace(dir, train, { profile, testSet: test, lambda: RIDGE_DEMO_LAMBDA, force: true });
  log(`2/6 committed ${train.records.length} records (${train.featureNames.length} features, ${classes} classes) and ${test.records.length} test records (root pinned in the config), λ = ${RIDGE_DEMO_LAMBDA}; ledger ${paths.ledger}`);
  // The ridge dev keys are not in keys/: publish them in the workspace, as the verifier's trusted keys.
  const keysDir = join(dir, "keys");
  for (const key of built) await publishKey(key, keysDir);

  const accuracy: RidgeDemoAccuracy[] = [];
  const measure = async (step: RidgeDemoAccuracy["step"]): Promise<RidgeDemoAccuracy> => {
    const ws = await openRidge(dir);
    const model = ridgeSystem(ws, "measuring its accuracy").model;
    const records = ws.testSet!.liveSlots();
    const ofClass = records.filter((r) => classOf(r.label, classes) === cls);
    const a = { step, test: ridgeAccuracyOn(model, records, classes), forgottenClass: ridgeAccuracyOn(model, ofClass, classes), predictedAsClass: predictionsOfClass(model, records, cls) };
    accuracy.push(a);
    log(`    test accuracy after the ${step}: ${percent(a.test)} (class ${cls}: ${percent(a.forgottenClass)}; ${a.predictedAsClass} test records predicted as ${cls}) — measured by the controller, not proved`);
    return a;
  };

  const genesis = await trainWorkspace(dir, { log: (m) => log(`3/6 ${m}`) });
  const genesisEntry = genesis[0]!.entry;
  await measure("genesis");

  const live = (await openRidge(dir)).dataset.liveSlots();
  const deletedIds = options.subjectIds ?? SUBJECT_POSITIONS.filter((i) => i < live.length).map((i) => live[i]!.id);
  const forget = await forgetInWorkspace(dir, deletedIds, { requestId: RIDGE_DEMO_REQUEST_ID, log: (m) => log(`4/6 ${m}`) });
  await measure("deletion");

  const classSteps = await forgetClassInWorkspace(dir, cls, { log: (m) => log(`5/6 ${m}`) });
  const after = await measure("class forgotten");

  const keys = new Map([...(await loadKeyRing(join(packageRoot(), "keys"))), ...(await loadKeyRing(keysDir))]);
  const verification = await verifyDemoLedger(dir, keys, "6/6", log);
  const ws = await openRidge(dir);
  return {
    profile: profile.name, constraints, workspace: dir, ledgerPath: paths.ledger,
    records: train.records.length, testRecords: test.records.length, lambda: RIDGE_DEMO_LAMBDA,
    batches: 2 ** (depth - getProfile(profile.companions!.batch!).params[1]!),
    genesisProveSeconds: genesisEntry.proveSeconds ?? 0,
    deletedIds, requestId: forget.request.id,
    deletionProveSeconds: forget.steps.reduce((a, s) => a + (s.entry.proveSeconds ?? 0), 0),
    forgottenClass: cls, classForgetProveSeconds: classSteps.reduce((a, s) => a + (s.entry.proveSeconds ?? 0), 0),
    weightErrorBound: weightErrorBound(depth, ws.config.features, ws.config.lambda),
    accuracy, ...(profile.companions?.accuracy !== undefined ? { accuracyProfile: profile.companions.accuracy } : {}),
    dataName: options.data === undefined ? `MNIST, ${classes} digits` : `${classes} classes`,
    testRecordsOfClass: test.records.filter((r) => r.label === cls).length,
    receiptPaths: forget.steps.flatMap((s) => s.receiptPaths),
    bundlePaths: [genesis[0]!.bundlePath, ...forget.steps.map((s) => s.bundlePath), ...classSteps.map((s) => s.bundlePath)],
    verifyMilliseconds: verification.verifyMilliseconds, allValid: verification.allValid && after.predictedAsClass === 0, chain: verification.chain,
    keysDir, totalSeconds: (performance.now() - started) / 1000,
  };
}

/** The demo's workspace state. */
async function openRidge(dir: string): Promise<RidgeWorkspace> {
  const { state } = await openWorkspaceState(dir);
  if (state.kind !== "ridge") throw new Error(`internal error: the ridge demo's workspace is a ${state.kind} workspace`);
  return state;
}

/** The report the CLI prints; it ends with the commands to run next. */
export function formatRidgeReport(r: RidgeDemoReport): string {
  const [genesis, deletion, forgotten] = r.accuracy;
  const line = (a: RidgeDemoAccuracy | undefined) => (a ? `${percent(a.test)} (class ${r.forgottenClass}: ${percent(a.forgottenClass)}, predicted ${a.predictedAsClass}×)` : "—");
  return [
    "",
    `zkforget demo — ridge unlearning by model shift (${r.dataName}), ${Object.values(r.constraints).length} circuits`,
    `  profile          ${r.profile}, INSECURE dev keys:`,
    ...Object.entries(r.constraints).map(([name, n]) => `                   ${name}: ${n.toLocaleString("en-US")} constraints`),
    `  workspace        ${r.workspace} (ledger ${r.ledgerPath}, receipts, bundles, keys ${r.keysDir})`,
    `  data             ${r.records} committed records; ${r.testRecords} committed test records; λ = ${r.lambda}`,
    `  genesis          ${r.batches} batch proofs + the genesis over them, proved in ${r.genesisProveSeconds.toFixed(1)} s`,
    `  deletion         request ${r.requestId}: ${r.deletedIds.join(", ")} (one data subject) → model shifted, proved in ${r.deletionProveSeconds.toFixed(1)} s`,
    `  class forgotten  class ${r.forgottenClass} (every record of it) in one proof, ${r.classForgetProveSeconds.toFixed(1)} s`,
    `  exactness        each proved model is within ‖W'−W*‖₂ ≤ ${r.weightErrorBound.toExponential(2)} per class of the exact ridge solution of the remaining data`,
    ...verificationLines(r),
    `  accuracy (test)  after genesis ${line(genesis)}`,
    `                   after deletion ${line(deletion)}`,
    `                   after forgetting class ${r.forgottenClass} ${line(forgotten)}; ${r.testRecordsOfClass} test records are of class ${r.forgottenClass}`,
    r.accuracyProfile !== undefined
      ? `                   measured by the controller with the fixed-point model, NOT proved (\`zkforget prove-accuracy\` would prove it under ${r.accuracyProfile})`
      : "                   measured by the controller with the fixed-point model, NOT proved (the profile has no accuracy proof)",
    `  total            ${r.totalSeconds.toFixed(0)} s`,
    "",
    "next, on the demo's workspace:",
    ...demoFollowUps(r).map((command) => `  ${command}`),
  ].join("\n");
}
