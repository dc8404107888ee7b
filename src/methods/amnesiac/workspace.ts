import { CommittedDataset } from "../../dataset/commitment.ts";
import { DEFAULT_TRAINING_POLICY } from "../../ml/publicConfig.ts";
import { checkTrainingSlots } from "../../ml/trainingInput.ts";
import type { PoseidonFn } from "../../ml/weights.ts";
import { toHex32 } from "../../verifier/fieldText.ts";
import { datasetJson, restorePinnedTestSet, type StateReader } from "../../workspace/stateFile.ts";
import type { WorkspaceMethod } from "../workspaceMethod.ts";
import { companionProfile } from "../../circuits/profiles.ts";
import { amnesiacConfigHash, makeAmnesiacConfig, totalSteps, type AmnesiacConfig } from "./config.ts";
import { proveAmnesiacRepair } from "./repairProve.ts";
import { AMNESIAC_DEMO_HYPERPARAMETERS } from "./demoConfig.ts";
import { amnesiacDeletionJob } from "./jobKind.ts";
import { amnesiacProfileFit } from "./profileFit.ts";
import { proveAmnesiacTrain, proveAmnesiacUnlearn } from "./prove.ts";
import { amnesiacConfigProblems, publicAmnesiacConfig } from "./publicConfig.ts";
import { UpdateLog } from "./updateLog.ts";
import { amnesiacSystem, amnesiacWorkspaceState, repairableBatches, trainProfileOf, withAmnesiacSystem, type AmnesiacModel, type AmnesiacWorkspace } from "./workspaceState.ts";

export type { AmnesiacWorkspace };

/**
 * Amnesiac unlearning, controller side. A workspace is committed under an AmnesiacUnlearn
 * profile, whose `train` companion (an AmnesiacTrain profile of the same shape) proves the
 * training. At commit the dataset, the test set (its root in the config) and the public config
 * are committed, and the state is the public genesis (initial weights with salt 0, the empty
 * update log, 0 steps); `train` proves every mini-batch step in order, 2^p steps per proof, each
 * logging its updates; `forget` removes at most K records per proof and subtracts the logged
 * updates of the steps whose batches held them (approximate unlearning, labelled so).
 *
 * The private snapshot keeps the config, the weights, the model salt and the log (every step's
 * update, salt and whether it was subtracted). Restoring rebuilds the log's tree and checks the
 * weights are the initial weights plus the updates still in the log — what training and
 * unlearning keep true — so a snapshot whose weights were edited is refused.
 */

export const amnesiacWorkspaceMethod: WorkspaceMethod<AmnesiacWorkspace> = {
  kind: "amnesiac",
  template: "AmnesiacUnlearn",
  description: "amnesiac unlearnings (approximate: logged updates subtracted)",
  profileFit: amnesiacProfileFit,
  jobKind: amnesiacDeletionJob,
  defaultHyperparameters: AMNESIAC_DEMO_HYPERPARAMETERS,
  commit({ data, profile, testSet: rawTest, hyper, scale, lambda }, poseidon) {
    if (lambda !== undefined) throw new Error(`λ (--lambda) is the ridge method's; amnesiac's L2 coefficient is --l2 (profile ${profile.name})`);
    if (scale) throw new Error(`feature scaling is not pinned in the amnesiac workspace's receipts; scale the data into [−8, 8) yourself, or use a SISA profile (${profile.name} is amnesiac)`);
    if (data.records.some((r) => r.text !== undefined)) throw new Error(`a text corpus is committed under a deletion profile, not under the amnesiac profile ${profile.name}`);
    const [dataDepth, batchLog2, features, epochs] = profile.params as [number, number, number, number];
    if (data.featureNames.length !== features) {
      throw new Error(`profile ${profile.name} trains on ${features} features, but the data has ${data.featureNames.length} (${data.featureNames.join(", ")})`);
    }
    if (rawTest && rawTest.featureNames.join() !== data.featureNames.join()) {
      throw new Error(`the test set's features (${rawTest.featureNames.join(", ")}) are not the dataset's (${data.featureNames.join(", ")})`);
    }
    if (rawTest && rawTest.records.length === 0) throw new Error("the test set is empty");
    // Committed like the dataset, to a tree of the same depth.
    const testSet = rawTest && CommittedDataset.commit(rawTest, dataDepth, poseidon);
    const config = makeAmnesiacConfig({ dataDepth, batchLog2, features, epochs }, hyper ?? AMNESIAC_DEMO_HYPERPARAMETERS, testSet?.root ?? 0n);
    const dataset = CommittedDataset.commit(data, dataDepth, poseidon);
    // Out-of-bound records would only fail later, inside a proof: reject them now, by name.
    for (const slot of dataset.liveSlots()) checkTrainingSlots([slot], features, slot.index);
    for (const slot of testSet?.liveSlots() ?? []) {
      try {
        checkTrainingSlots([slot], features, slot.index);
      } catch (error) {
        throw new RangeError(`test set: ${(error as Error).message}`);
      }
    }
    const model: AmnesiacModel = { weights: [...config.initialWeights], modelSalt: 0n, log: UpdateLog.empty(config, poseidon.hash) };
    return { kind: "amnesiac", profile, config, dataset, ...(testSet ? { testSet } : {}), model };
  },
  dataset: (ws) => ws.dataset,
  state: (ws, poseidon) => amnesiacWorkspaceState(ws, poseidon.hash),
  facts: (ws, poseidon) => ({
    configHash: amnesiacConfigHash(ws.config, poseidon.hash),
    testRoot: ws.config.testRoot,
    methodConfig: publicAmnesiacConfig(ws.config),
    shards: 1,
  }),
  serialise: (ws) => ({
    config: publicAmnesiacConfig(ws.config),
    ...(ws.testSet ? { testSet: datasetJson(ws.testSet.snapshot()) } : {}),
    model: {
      weights: ws.model.weights.map(String),
      modelSalt: toHex32(ws.model.modelSalt),
      log: ws.model.log.entries().map((s) => ({ salt: toHex32(s.salt), delta: s.delta.map(String), subtracted: s.subtracted })),
    },
  }),
  restore(fields, { profile, dataset, poseidon }, r, fail) {
    const parsed = amnesiacConfigProblems(fields.config, undefined, poseidon.hash, DEFAULT_TRAINING_POLICY, "$.config");
    if (!parsed.config) return fail(parsed.problems.join("; "));
    const config = parsed.config;
    const shape = [config.dataDepth, config.batchLog2, config.features, config.epochs];
    if (shape.join() !== profile.params.slice(0, 4).join()) fail(`$.config (D, b, F, E ${shape.join(", ")}) does not match profile ${profile.name} (${profile.params.join(", ")})`);
    const testSet = restorePinnedTestSet(fields.testSet, config.testRoot, poseidon, r, fail);
    const model = restoreModel(fields.model, config, r, poseidon.hash);
    return { kind: "amnesiac", profile, config, dataset, ...(testSet ? { testSet } : {}), model };
  },
  async train(ws, run) {
    const profile = trainProfileOf(ws);
    let system = amnesiacSystem(ws);
    const total = totalSteps(ws.config);
    const P = 2 ** profile.params[4]!;
    while (!system.log.complete) {
      const first = system.log.length;
      run.log(`proving amnesiac training steps ${first}–${first + P - 1} of ${total} under ${profile.name}…`);
      const proved = await proveAmnesiacTrain(system, profile, await run.keyFor(profile));
      system = proved.next;
      await run.record({
        bundle: proved.bundle, after: withAmnesiacSystem(ws, system), proveSeconds: proved.proveSeconds, recordIds: [],
        last: system.log.complete, label: `amnesiac steps ${first}–${first + P - 1} (of ${total})`, unit: first / P,
      });
    }
  },
  async repair(ws, run) {
    const profile = companionProfile(ws.profile, "repair");
    let system = amnesiacSystem(ws);
    if (!system.log.complete) throw new Error("the amnesiac model of this workspace is not trained yet: there is nothing to repair before `zkforget train` and an unlearning");
    const batches = repairableBatches(ws);
    if (batches.length === 0) run.log("nothing to repair: every batch an unlearning touched is repaired already (or has no records left)");
    for (const [i, batch] of batches.entries()) {
      run.log(`proving the repair step of batch ${batch} (one SGD step on its remaining records) under ${profile.name}…`);
      const proved = await proveAmnesiacRepair(system, batch, profile, await run.keyFor(profile));
      system = proved.next;
      await run.record({
        bundle: proved.bundle, after: withAmnesiacSystem(ws, system), proveSeconds: proved.proveSeconds, recordIds: [],
        last: i === batches.length - 1, label: `batch ${batch} repaired`,
      });
    }
  },
  async forget(ws, recordIds, run) {
    const K = ws.profile.params[4]!;
    let current = ws;
    for (let start = 0; start < recordIds.length; start += K) {
      const chunk = recordIds.slice(start, start + K);
      const system = amnesiacSystem(current);
      if (!system.log.complete) throw new Error(`the amnesiac model of this workspace is not trained yet (${system.log.length} of ${totalSteps(ws.config)} steps proved): run \`zkforget train\` before a deletion`);
      const slots = current.dataset.slotsOf(chunk).map((s) => s.index);
      run.log(`proving the amnesiac unlearning of ${chunk.length} record(s) under ${ws.profile.name} (approximate: the logged updates of their batches are subtracted)…`);
      const proved = await proveAmnesiacUnlearn(system, slots, ws.profile, await run.key());
      current = withAmnesiacSystem(current, proved.next, current.dataset.withoutRecords(chunk));
      await run.record({
        bundle: proved.bundle, after: current, proveSeconds: proved.proveSeconds, recordIds: chunk,
        last: start + K >= recordIds.length, label: "unlearned (logged updates subtracted) without",
      });
    }
  },
};

/**
 * The snapshot's `model` fields: the log rebuilt (appended in order, then the subtracted steps
 * zeroed), and the weights checked to be the initial weights plus the updates still in the log.
 * @throws StateFileError naming the field
 */
function restoreModel(value: unknown, config: AmnesiacConfig, r: StateReader, hash: PoseidonFn): AmnesiacModel {
  const m = r.object(value, "$.model");
  const W = config.features + 1;
  const weights = r.array(m.weights, "$.model.weights").map((w, j) => r.integer(w, `$.model.weights[${j}]`));
  if (weights.length !== W) r.fail("$.model.weights", `must have ${W} entries (F + 1)`);
  const entries = r.array(m.log, "$.model.log").map((value, t) => {
    const at = `$.model.log[${t}]`;
    const e = r.object(value, at);
    const delta = r.array(e.delta, `${at}.delta`).map((d, j) => r.integer(d, `${at}.delta[${j}]`));
    if (delta.length !== W) r.fail(`${at}.delta`, `must have ${W} entries (F + 1)`);
    if (typeof e.subtracted !== "boolean") r.fail(`${at}.subtracted`, "must be true or false");
    return { delta, salt: r.hex(e.salt, `${at}.salt`), subtracted: e.subtracted as boolean };
  });
  if (entries.length > totalSteps(config)) r.fail("$.model.log", `has ${entries.length} steps; the training has ${totalSteps(config)}`);
  let log: UpdateLog;
  try {
    log = UpdateLog.empty(config, hash).append(entries);
    log = log.subtract(entries.flatMap((e, t) => (e.subtracted ? [t] : [])));
  } catch (error) {
    return r.fail("$.model.log", (error as Error).message);
  }
  // Training adds each logged update and unlearning subtracts it: the weights are the initial ones plus what is still logged.
  const expected = [...config.initialWeights];
  for (let t = 0; t < log.length; t++) log.pendingDelta(t).forEach((d, j) => (expected[j] = expected[j]! + d));
  if (expected.some((w, j) => w !== weights[j])) {
    r.fail("$.model.weights", "are not the initial weights plus the updates still in the log: the model is not the one proved for this log");
  }
  return { weights, modelSalt: r.hex(m.modelSalt, "$.model.modelSalt"), log };
}
