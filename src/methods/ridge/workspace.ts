import { companionProfile, type CircuitProfile } from "../../circuits/profiles.ts";
import { CommittedDataset } from "../../dataset/commitment.ts";
import { toHex32 } from "../../verifier/fieldText.ts";
import { datasetJson, restorePinnedTestSet, type StateReader } from "../../workspace/stateFile.ts";
import type { WorkspaceMethod } from "../workspaceMethod.ts";
import { makeRidgeConfig, ridgeConfigHash, type RidgeConfig } from "./config.ts";
import { proveRidgeGenesis } from "./genesisProving.ts";
import { ridgeDeletionJob } from "./jobKind.ts";
import { parseRidgePublicConfig, ridgePublicConfig } from "./kinds.ts";
import { ridgeProfileFit } from "./profileFit.ts";
import { proveRidgeAccuracy, proveRidgeClassForget, proveRidgeDeletion } from "./prove.ts";
import { residualOf } from "./solve.ts";
import { ridgeCommitments, untrainedRidgeState } from "./state.ts";
import { emptyStatistics, withRecord } from "./statistics.ts";
import { liveStatistics, ridgeSystem, withSystem, type RidgeTrained, type RidgeWorkspace } from "./workspaceState.ts";

export type { RidgeTrained, RidgeWorkspace };

/**
 * Ridge (model shifting), controller side. A workspace is committed under a RidgeDeletion
 * profile, which names its companions (batch, genesis, classForget, accuracy). At commit the
 * dataset, the test set (its root in the config) and λ are committed and the state is the
 * untrained Poseidon(dataRoot, 0, 0, configHash); `train` proves the genesis (every batch, then
 * the genesis over them, one ledger entry); `forget` shifts the model in deletion proofs of at
 * most K records; `forgetClass` forgets a whole class in one proof.
 *
 * The private snapshot keeps the config, the salts, the weights and the residual; the
 * statistics are recomputed from the live records and the forgotten classes, and the residual
 * from them, so a snapshot whose model does not solve its data is refused.
 */

/** λ when `zkforget commit` is given none. */
export const DEFAULT_RIDGE_LAMBDA = 1;

/** Depth of the test-set tree: the accuracy companion's, else the data tree's. */
function testDepth(profile: CircuitProfile): number {
  return profile.companions?.accuracy !== undefined ? companionProfile(profile, "accuracy").params[3]! : profile.params[0]!;
}

export const ridgeWorkspaceMethod: WorkspaceMethod<RidgeWorkspace> = {
  kind: "ridge",
  template: "RidgeDeletion",
  description: "ridge deletions by model shift",
  profileFit: ridgeProfileFit,
  jobKind: ridgeDeletionJob,
  commit({ data, profile, testSet: rawTest, lambda, scale }, poseidon) {
    if (data.records.some((r) => r.text !== undefined)) throw new Error(`a text corpus is committed under a deletion profile, not under the ridge profile ${profile.name}`);
    if (scale) throw new Error(`feature scaling is not pinned in the ridge config; scale the data into [−2, 2) yourself, or use a SISA profile (${profile.name} is ridge)`);
    const [depth, features, classes] = profile.params as [number, number, number];
    if (data.featureNames.length !== features) throw new Error(`profile ${profile.name} fits a ridge model on ${features} features, but the data has ${data.featureNames.length} (${data.featureNames.join(", ")})`);
    if (rawTest && rawTest.featureNames.join() !== data.featureNames.join()) throw new Error(`the test set's features (${rawTest.featureNames.join(", ")}) are not the dataset's (${data.featureNames.join(", ")})`);
    const testSet = rawTest && CommittedDataset.commit(rawTest, testDepth(profile), poseidon);
    const config = makeRidgeConfig({ depth, features, classes }, lambda ?? DEFAULT_RIDGE_LAMBDA, testSet?.root ?? 0n);
    const dataset = CommittedDataset.commit(data, depth, poseidon);
    // A record outside the ridge bounds (feature range, label a class) would only fail inside a proof: name it now.
    for (const [set, name] of [[dataset, "data"], [testSet, "test set"]] as const) {
      for (const slot of set?.liveSlots() ?? []) {
        try {
          withRecord(emptyStatistics(features, classes), slot, 1);
        } catch (error) {
          throw new RangeError(`${name}: record ${JSON.stringify(slot.id)}: ${(error as Error).message}`);
        }
      }
    }
    return { kind: "ridge", profile, config, dataset, ...(testSet ? { testSet } : {}) };
  },
  dataset: (ws) => ws.dataset,
  state(ws, poseidon) {
    if (!ws.trained) return untrainedRidgeState(ws.dataset.root, ridgeConfigHash(ws.config, poseidon.hash), poseidon.hash);
    return ridgeCommitments(ridgeSystem(ws, "reading its state"), poseidon.hash).state;
  },
  facts: (ws, poseidon) => ({ configHash: ridgeConfigHash(ws.config, poseidon.hash), testRoot: ws.config.testRoot, shards: 1 }),
  serialise: (ws) => ({
    config: ridgePublicConfig(ws.config),
    ...(ws.testSet ? { testSet: datasetJson(ws.testSet.snapshot()) } : {}),
    ...(ws.trained ? {
      trained: {
        forgotten: ws.trained.forgotten, statsSalt: toHex32(ws.trained.statsSalt), modelSalt: toHex32(ws.trained.modelSalt),
        weights: ws.trained.weights.map((w) => w.map(String)), residual: ws.trained.residual.map((r) => r.map(String)),
      },
    } : {}),
  }),
  restore(fields, { profile, dataset, poseidon }, r, fail) {
    const parsed = parseRidgePublicConfig(fields.config, "$.config");
    if ("problems" in parsed) return fail(parsed.problems.join("; "));
    const { config } = parsed;
    const shape = [config.depth, config.features, config.classes];
    if (shape.join() !== profile.params.slice(0, 3).join()) fail(`$.config (depth, features, classes ${shape.join(", ")}) does not match profile ${profile.name} (${profile.params.join(", ")})`);
    const testSet = restorePinnedTestSet(fields.testSet, config.testRoot, poseidon, r, fail);
    const ws: RidgeWorkspace = { kind: "ridge", profile, config, dataset, ...(testSet ? { testSet } : {}) };
    if (fields.trained === undefined) return ws;
    const trained = restoreTrained(fields.trained, config, r);
    const stats = liveStatistics(config, dataset, trained.forgotten);
    const residual = residualOf(stats, config.lambda, trained.weights);
    if (JSON.stringify(residual.map((c) => c.map(String))) !== JSON.stringify(trained.residual.map((c) => c.map(String)))) {
      fail("$.trained: the weights do not give the recorded residual against the statistics of the live records: the model is not the one proved for this data");
    }
    return { ...ws, trained };
  },
  async forget(ws, recordIds, run) {
    const K = ws.profile.params[3]!;
    let system = ridgeSystem(ws, "a deletion (a ridge deletion shifts the trained model)");
    for (let start = 0; start < recordIds.length; start += K) {
      const chunk = recordIds.slice(start, start + K);
      run.log(`proving the ridge deletion of ${chunk.length} record(s) by model shift under ${ws.profile.name}…`);
      const proved = await proveRidgeDeletion(system, chunk, ws.profile, await run.key());
      system = proved.state;
      await run.record({
        bundle: proved.bundle, after: withSystem(ws, system), proveSeconds: proved.proveSeconds,
        recordIds: chunk, last: start + K >= recordIds.length, label: "deleted, model shifted without",
      });
    }
  },
  async train(ws, run) {
    if (ws.trained) return;
    const proved = await proveRidgeGenesis(ws.config, ws.dataset, ws.profile, run.keyFor, run.log);
    await run.record({ bundle: proved.bundle, after: withSystem(ws, proved.state), proveSeconds: proved.proveSeconds, recordIds: [], last: true, label: "ridge genesis", unit: 0 });
  },
  async proveAccuracy(ws, run, profile) {
    if (ws.testSet === undefined) throw new Error("the workspace has no committed test set: commit the dataset with --test FILE (its root is pinned in the ridge config) to prove accuracy");
    const system = ridgeSystem(ws, "proving its accuracy");
    const chosen = profile ?? companionProfile(ws.profile, "accuracy");
    run.log(`proving the ridge model's accuracy on ${ws.testSet.size} committed test records under ${chosen.name}…`);
    return proveRidgeAccuracy(system, ws.testSet, chosen, await run.keyFor(chosen));
  },
  async forgetClass(ws, cls, run) {
    const system = ridgeSystem(ws, "forgetting a class");
    const profile = companionProfile(ws.profile, "classForget");
    run.log(`proving that class ${cls} is forgotten under ${profile.name}…`);
    const proved = await proveRidgeClassForget(system, cls, profile, await run.keyFor(profile));
    await run.record({ bundle: proved.bundle, after: withSystem(ws, proved.state), proveSeconds: proved.proveSeconds, recordIds: [], last: true, label: `class ${cls} forgotten` });
  },
};

/** The snapshot's `trained` fields. @throws StateFileError naming the field */
function restoreTrained(value: unknown, config: RidgeConfig, r: StateReader): RidgeTrained {
  const t = r.object(value, "$.trained");
  const forgotten = r.array(t.forgotten, "$.trained.forgotten").map((f, c) => (typeof f === "boolean" ? f : r.fail(`$.trained.forgotten[${c}]`, "must be true or false")));
  if (forgotten.length !== config.classes) r.fail("$.trained.forgotten", `must have one flag per class (${config.classes})`);
  const matrix = (v: unknown, at: string): bigint[][] => {
    const rows = r.array(v, at).map((row, c) => r.array(row, `${at}[${c}]`).map((x, j) => r.integer(x, `${at}[${c}][${j}]`)));
    if (rows.length !== config.classes || rows.some((row) => row.length !== config.features + 1)) r.fail(at, `must be ${config.classes} rows of ${config.features + 1} integers`);
    return rows;
  };
  return {
    forgotten, statsSalt: r.hex(t.statsSalt, "$.trained.statsSalt"), modelSalt: r.hex(t.modelSalt, "$.trained.modelSalt"),
    weights: matrix(t.weights, "$.trained.weights"), residual: matrix(t.residual, "$.trained.residual"),
  };
}
