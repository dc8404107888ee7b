import type { KeyManifest } from "../../keys/manifest.ts";
import type { PublicTrainingConfig, TrainingPolicy } from "../../ml/publicConfig.ts";
import { shardDeletionDigest } from "../../sisa/digest.ts";
import { ModelCommitment, stateHash } from "../../sisa/model.ts";
import { toHex32 } from "../../verifier/fieldText.ts";
import {
  accuracyCountProblems, deletedSlots, hexFields, isObject, namedSignal, poseidonLite, short, signalFields, textField, trainingConfigProblems,
} from "../../verifier/statementFields.ts";
import type { AccuracyStatement, ShardRetrainStatement } from "../../verifier/types.ts";
import { slotList } from "../deletion/statement.ts";
import { fieldTransition, type ModelRules, type StatementKind } from "../statementKind.ts";

/**
 * SISA, verifier side: the shard-retrain statement (circuits/shardRetrain.circom, template
 * ShardRetrain) and the accuracy statement about a SISA ensemble (template ModelAccuracy).
 * A SISA state is Poseidon(dataRoot, modelRoot, configHash); both statements carry the parts in
 * the clear, and the published training config, which the verifier hashes and checks against
 * its policy.
 */

/** Root of the model tree with every shard untrained (2^S zero leaves), with poseidon-lite. */
export function emptyModelRoot(shardDepth: number, features: number): string {
  return toHex32(ModelCommitment.empty(shardDepth, features, poseidonLite).root);
}

/** The chain rules shared by both SISA statements; `covers` and `carriesModel` differ. */
function sisaModelRules(oldModelRootField: string, carriesModel: boolean, covers: ModelRules["covers"]): ModelRules {
  return {
    carriesModel,
    configHash: (s) => textField(s, "configHash"),
    config: (s) => s.config,
    coverage: (config) => ({ count: 2 ** (config as PublicTrainingConfig).shardDepth, noun: "shard" }),
    covers,
    emptyModelProblem(s, config) {
      const { shardDepth, features } = config as PublicTrainingConfig;
      const empty = emptyModelRoot(shardDepth, features);
      const modelRoot = String(s[oldModelRootField]);
      return modelRoot === empty
        ? undefined
        : `the chain must start from the empty model (root ${short(empty)} of ${2 ** shardDepth} zero leaves), but at its starting state this statement shows model root ${short(modelRoot)}`;
    },
  };
}

/** Statement 2: shard `shard` retrained from its committed initial weights over its live records (genesis when nothing is deleted). */
export const shardRetrainStatement: StatementKind = {
  type: "shard-retrain",
  template: "ShardRetrain",
  check(s: Record<string, unknown>, signals: readonly string[], manifest: KeyManifest, policy: TrainingPolicy): string[] {
    const [shardDepth, dataDepth, features, epochs, maxDeletions] = manifest.params as [number, number, number, number, number];
    const problems = signalFields(s, ["oldState", "newState", "deletionDigest"], signals, manifest);
    const parts = hexFields(s, ["oldDataRoot", "newDataRoot", "oldModelRoot", "newModelRoot", "configHash"], problems);
    const shard = s.shard;
    if (typeof shard !== "number" || !Number.isInteger(shard) || shard < 0 || shard >= 2 ** shardDepth) {
      problems.push(`bundle.statement.shard must be an integer in [0, 2^${shardDepth})`);
      return problems;
    }
    const size = 2 ** (dataDepth - shardDepth);
    const slots = deletedSlots(s.deleted, { first: shard * size, count: size }, maxDeletions, manifest, problems);
    if (problems.length > 0) return problems;
    // state = Poseidon(dataRoot, modelRoot, configHash): the readable roots must be the proved states.
    if (stateHash(parts.oldDataRoot!, parts.oldModelRoot!, parts.configHash!, poseidonLite) !== namedSignal("oldState", signals, manifest)) {
      problems.push("bundle.statement.oldDataRoot/oldModelRoot/configHash do not hash to the proved oldState");
    }
    if (stateHash(parts.newDataRoot!, parts.newModelRoot!, parts.configHash!, poseidonLite) !== namedSignal("newState", signals, manifest)) {
      problems.push("bundle.statement.newDataRoot/newModelRoot/configHash do not hash to the proved newState");
    }
    if (shardDeletionDigest(shard, slots!, maxDeletions, poseidonLite) !== namedSignal("deletionDigest", signals, manifest)) {
      problems.push("bundle.statement.shard and deleted do not hash to the proved deletionDigest");
    }
    problems.push(...trainingConfigProblems(s.config, parts.configHash, { shardDepth, dataDepth, features, epochs, maxDeletions }, manifest, policy));
    return problems;
  },
  transition: (s) => fieldTransition(s, Array.isArray(s.deleted) && s.deleted.length > 0 ? "retrain" : "genesis", "oldState", "newState"),
  dataRootAfter: (s) => textField(s, "newDataRoot"),
  describe(statement) {
    const s = statement as unknown as ShardRetrainStatement;
    return `shard ${s.shard} ${s.deleted.length === 0 ? "genesis training" : "retrained without the deleted records"}: ` +
      `state ${short(s.oldState)} → ${short(s.newState)}, ${slotList(s.deleted)}`;
  },
  deletedWording: (s) => `deleted, and shard ${String(s.shard)}'s model was retrained from its initial weights without it`,
  fileTag: (s) => `-shard${String(s.shard)}`,
  model: sisaModelRules("oldModelRoot", true, (s) => (typeof s.shard === "number" ? s.shard : undefined)),
};

/**
 * Statement 3: the SISA ensemble committed in `state` classifies exactly `correct` of the
 * `total` live records of the committed test set. An attestation: it does not move the state.
 */
export const modelAccuracyStatement: StatementKind = {
  type: "model-accuracy",
  template: "ModelAccuracy",
  check(s: Record<string, unknown>, signals: readonly string[], manifest: KeyManifest, policy: TrainingPolicy): string[] {
    const [shardDepth, features, testDepth] = manifest.params as [number, number, number];
    const slots = 2 ** testDepth;
    const problems = signalFields(s, ["state", "testRoot"], signals, manifest);
    const parts = hexFields(s, ["dataRoot", "modelRoot", "configHash"], problems);
    problems.push(...accuracyCountProblems(s, signals, manifest, slots));
    if (problems.length > 0) return problems;
    // state = Poseidon(dataRoot, modelRoot, configHash): the readable parts must be the proved state.
    if (stateHash(parts.dataRoot!, parts.modelRoot!, parts.configHash!, poseidonLite) !== namedSignal("state", signals, manifest)) {
      problems.push("bundle.statement.dataRoot/modelRoot/configHash do not hash to the proved state");
    }
    problems.push(...trainingConfigProblems(s.config, parts.configHash, { shardDepth, features }, manifest, policy));
    if (isObject(s.config) && s.config.testRoot !== s.testRoot) {
      problems.push("bundle.statement.testRoot is not the test root of bundle.statement.config: the accuracy would be on another test set than the one committed");
    }
    return problems;
  },
  transition: (s) => fieldTransition(s, "accuracy", "state", "state"),
  dataRootAfter: (s) => textField(s, "dataRoot"),
  describe(statement) {
    const s = statement as unknown as AccuracyStatement;
    const percent = s.total === 0 ? "no live test records" : `${((100 * s.correct) / s.total).toFixed(1)} %`;
    return `accuracy ≥ ${s.correct}/${s.total}, proved for state ${short(s.state)} on the committed test set ${short(s.testRoot)} (${percent})`;
  },
  deletedWording: () => "attested (an accuracy statement deletes nothing)",
  fileTag: () => "",
  model: sisaModelRules("modelRoot", false, () => undefined),
};
