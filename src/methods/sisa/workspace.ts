import type { CircuitProfile } from "../../circuits/profiles.ts";
import { CommittedDataset } from "../../dataset/commitment.ts";
import { configHash, makeTrainingConfig, shardProfileParams, validateTrainingConfig, type TrainingConfig } from "../../ml/config.ts";
import { fitScaling, scaleDataset } from "../../ml/featureScaling.ts";
import { parsePublicTrainingConfig, publicTrainingConfig } from "../../ml/publicConfig.ts";
import { checkTrainingSlots } from "../../ml/trainingInput.ts";
import { proveShardRetrain, type SisaSystem } from "../../prover/shardRetrain.ts";
import { planUnlearning, proveUnlearning } from "../../prover/unlearn.ts";
import { accuracyProfileFor, proveAccuracy } from "../../prover/accuracy.ts";
import { ModelCommitment, stateHash } from "../../sisa/model.ts";
import { shardCount } from "../../sisa/shards.ts";
import { toHex32 } from "../../verifier/fieldText.ts";
import { datasetJson, restorePinnedTestSet } from "../../workspace/stateFile.ts";
import type { WorkspaceMethod } from "../workspaceMethod.ts";
import { sisaProfileFit } from "./profileFit.ts";
import { shardRetrainJob } from "./jobKind.ts";

/**
 * SISA, controller side: the workspace commits the dataset, the public training config (with
 * the committed test set's root and any feature scaling) and the shard models; its state is
 * Poseidon(dataRoot, modelRoot, configHash). Genesis trains every shard in its own proof; a
 * deletion retrains the shards that held the deleted records.
 */

/** A SISA workspace: the system (config, dataset, shard models) and the committed test set. */
export interface SisaWorkspace {
  kind: "sisa";
  profile: CircuitProfile;
  system: SisaSystem;
  testSet?: CommittedDataset;
}

export const sisaWorkspaceMethod: WorkspaceMethod<SisaWorkspace> = {
  kind: "sisa",
  template: "ShardRetrain",
  description: "SISA shard trainings",
  profileFit: sisaProfileFit,
  jobKind: shardRetrainJob,
  commit({ data: raw, profile, testSet: rawTestInput, hyper, scale, sources, lambda }, poseidon) {
    if (lambda !== undefined) throw new Error(`λ (--lambda) is the ridge method's; SISA's L2 coefficient is --l2 (profile ${profile.name})`);
    let data = raw;
    if (data.records.some((r) => r.text !== undefined)) throw new Error(`a text corpus is committed under a deletion profile (its training cannot be proved), not under ${profile.name}`);
    const params = shardProfileParams(profile.params);
    if (data.featureNames.length !== params.features) {
      throw new Error(`profile ${profile.name} trains on ${params.features} features, but the data has ${data.featureNames.length} (${data.featureNames.join(", ")})`);
    }
    let rawTest = rawTestInput;
    if (rawTest) {
      if (rawTest.featureNames.join() !== data.featureNames.join()) {
        throw new Error(`the test set's features (${rawTest.featureNames.join(", ")}) are not the dataset's (${data.featureNames.join(", ")})`);
      }
      if (rawTest.records.length === 0) throw new Error("the test set is empty");
    }
    // Fitted on the training records only; the test set gets the same transform.
    const featureScaling = scale ? fitScaling(scale, data.records.map((r) => r.features)) : undefined;
    if (featureScaling) {
      data = scaleDataset(data, featureScaling, sources?.data ?? "data");
      if (rawTest) rawTest = scaleDataset(rawTest, featureScaling, sources?.test ?? "test set");
    }
    // Committed like the dataset, to a tree of the same depth.
    const testSet = rawTest && CommittedDataset.commit(rawTest, params.dataDepth, poseidon);
    const config = makeTrainingConfig(params, hyper ?? { learningRate: 2 }, testSet?.root ?? 0n);
    if (featureScaling) {
      config.featureScaling = featureScaling;
      validateTrainingConfig(config);
    }
    const dataset = CommittedDataset.commit(data, params.dataDepth, poseidon);
    // Out-of-bound records would only fail later, inside a proof: reject them now, by name.
    for (const slot of dataset.liveSlots()) checkTrainingSlots([slot], params.features, slot.index);
    for (const slot of testSet?.liveSlots() ?? []) {
      try {
        checkTrainingSlots([slot], params.features, slot.index);
      } catch (error) {
        throw new RangeError(`test set: ${(error as Error).message}`);
      }
    }
    const system = { config, dataset, models: ModelCommitment.empty(params.shardDepth, params.features, poseidon.hash) };
    return { kind: "sisa", profile, system, ...(testSet ? { testSet } : {}) };
  },
  dataset: (ws) => ws.system.dataset,
  state(ws, poseidon) {
    const { dataset, models, config } = ws.system;
    return stateHash(dataset.root, models.root, configHash(config, poseidon.hash), poseidon.hash);
  },
  facts: ({ system: { config, models } }, poseidon) => ({
    configHash: configHash(config, poseidon.hash),
    config,
    modelRoot: models.root,
    testRoot: config.testRoot,
    shards: shardCount(config),
    ...(config.featureScaling ? { featureScaling: config.featureScaling } : {}),
  }),
  serialise: (ws) => ({
    config: publicTrainingConfig(ws.system.config),
    models: ws.system.models.trained().map(([shard, model]) => ({ shard, salt: toHex32(model.salt), weights: model.weights.map(String) })),
    ...(ws.testSet ? { testSet: datasetJson(ws.testSet.snapshot()) } : {}),
  }),
  restore(fields, { profile, dataset, poseidon }, r, fail) {
    const parsed = parsePublicTrainingConfig(fields.config, "$.config");
    if ("problems" in parsed) return fail(parsed.problems.join("; "));
    const config: TrainingConfig = parsed.config;
    try {
      validateTrainingConfig(config);
    } catch (error) {
      fail(`config: ${(error as Error).message}`);
    }
    const expected = [config.shardDepth, config.dataDepth, config.features, config.epochs, config.maxDeletions];
    if (profile.params.join() !== expected.join()) fail(`config (${expected.join(", ")}) does not match profile ${profile.name} (${profile.params.join(", ")})`);
    let models = ModelCommitment.empty(config.shardDepth, config.features, poseidon.hash);
    for (const [i, value] of r.array(fields.models, "$.models").entries()) {
      const at = `$.models[${i}]`;
      const m = r.object(value, at);
      const shard = r.index(m.shard, `${at}.shard`);
      const model = { salt: r.hex(m.salt, `${at}.salt`), weights: r.array(m.weights, `${at}.weights`).map((w, j) => r.integer(w, `${at}.weights[${j}]`)) };
      try {
        models = models.withShard(shard, model);
      } catch (error) {
        fail(`model of shard ${shard}: ${(error as Error).message}`);
      }
    }
    const testSet = restorePinnedTestSet(fields.testSet, config.testRoot, poseidon, r, fail);
    return { kind: "sisa", profile, system: { config, dataset, models }, ...(testSet ? { testSet } : {}) };
  },
  async forget(ws, recordIds, run) {
    const plan = planUnlearning(ws.system, recordIds);
    run.log(`${plan.length} shard retraining(s): ${plan.map((p) => `shard ${p.shard} without ${p.recordIds.length}`).join(", ")}`);
    let done = 0;
    await proveUnlearning(ws.system, recordIds, {
      profile: ws.profile,
      key: await run.key(),
      onStep: async (step, system) => {
        done += 1;
        await run.record({
          bundle: step.bundle, after: { ...ws, system }, proveSeconds: step.proveSeconds,
          recordIds: step.recordIds, last: done === plan.length, label: `shard ${step.shard} retrained without`,
        });
      },
    });
  },
  async proveAccuracy(ws, run, profile) {
    if (ws.testSet === undefined) throw new Error("the workspace has no committed test set: commit the dataset with --test FILE or --test-split N (before training) to prove accuracy");
    run.log(`proving accuracy on ${ws.testSet.size} committed test records…`);
    const chosen = profile ?? accuracyProfileFor(ws.system, ws.testSet);
    return proveAccuracy(ws.system, ws.testSet, { profile: chosen, key: await run.keyFor(chosen) });
  },
  async train(start, run) {
    let ws = start;
    const trained = new Set(ws.system.models.trained().map(([k]) => k));
    const todo = Array.from({ length: shardCount(ws.system.config) }, (_, k) => k).filter((k) => !trained.has(k));
    for (const [i, shard] of todo.entries()) {
      run.log(`training shard ${shard} (${i + 1}/${todo.length}) and proving it under ${ws.profile.name}…`);
      const result = await proveShardRetrain(ws.system, shard, [], { profile: ws.profile, key: await run.key() });
      ws = { ...ws, system: result.system };
      await run.record({ bundle: result.bundle, after: ws, proveSeconds: result.proveSeconds, recordIds: [], last: i === todo.length - 1, label: `shard ${shard}`, unit: shard });
    }
  },
};
