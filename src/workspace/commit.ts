import { rm } from "node:fs/promises";
import type { CircuitProfile } from "../circuits/profiles.ts";
import { getPoseidon } from "../crypto/poseidon.ts";
import { CommittedDataset } from "../dataset/commitment.ts";
import type { Dataset } from "../encoding/dataset.ts";
import { pathExists } from "../fsAtomic.ts";
import { Ledger } from "../ledger/ledger.ts";
import { configHash, makeTrainingConfig, shardProfileParams, validateTrainingConfig, type TrainingHyperparameters } from "../ml/config.ts";
import { fitScaling, scaleDataset, type FeatureScaling, type ScalingMethod } from "../ml/featureScaling.ts";
import { checkTrainingSlots } from "../ml/trainingInput.ts";
import { ModelCommitment } from "../sisa/model.ts";
import { shardCount } from "../sisa/shards.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { withWorkspaceLock } from "./lock.ts";
import { inclusionReceipt, writeReceipt, type SisaCommitment } from "./receipts.ts";
import { datasetOf, snapshotOf, stateOf, workspacePaths, type WorkspaceState } from "./workspace.ts";

/** Options for {@link commitWorkspace}. */
export interface CommitWorkspaceOptions {
  /** DatasetDeletion or ShardRetrain profile. */
  profile: CircuitProfile;
  /** SISA: the held-out test set to commit; its root is pinned in the config (testRoot). */
  testSet?: Dataset;
  /** SISA: training hyperparameters. */
  hyper?: TrainingHyperparameters;
  /**
   * SISA: fit this feature scaling on `data` (the training records only) and apply it to `data`
   * and `testSet` before committing; it is pinned in the config (src/ml/featureScaling.ts).
   */
  scale?: ScalingMethod;
  /** How to name the training and test data in errors (default "data" and "test set"). */
  sources?: { data?: string; test?: string };
  /** Replace an existing ledger (kept aside as ledger.<time>.replaced.sqlite); old receipts and bundles are removed. */
  force?: boolean;
  /** Called when another process holds the workspace lock. */
  onWait?: (holderPid: number) => void;
}

/** What {@link commitWorkspace} committed. */
export interface CommitResult {
  ws: WorkspaceState;
  /** 0x-hex genesis state (the data root for a deletion workspace). */
  state: string;
  dataRoot: string;
  configHash?: string;
  testRoot?: string;
  /** SISA with `scale`: the fitted scaling (public; it is in the config). */
  featureScaling?: FeatureScaling;
  receipts: number;
}

/**
 * Commits `data` into a new workspace at `dir`: salts and hashes every record into the dataset
 * tree, for SISA also commits the test set and pins the config, writes one inclusion receipt
 * per record, then creates the ledger with its commit entry (the genesis state) and snapshot.
 * @throws Error when a ledger exists and `force` is not set, the records or the test set do not
 *   fit the profile, or the test set's features differ from the dataset's
 */
export async function commitWorkspace(dir: string, data: Dataset, options: CommitWorkspaceOptions): Promise<CommitResult> {
  const paths = workspacePaths(dir);
  return withWorkspaceLock(paths.lock, async () => {
    if (!options.force && (await pathExists(paths.ledger))) throw new Error(`${paths.ledger} already exists; use --force to replace it, or another --workspace`);
    const ws = await buildState(data, options);
    const poseidon = await getPoseidon();
    const state = stateOf(ws, poseidon);
    const dataset = datasetOf(ws);
    let sisa: SisaCommitment | undefined;
    if (ws.kind === "sisa") sisa = { modelRoot: ws.system.models.root, configHash: configHash(ws.system.config, poseidon.hash), state };
    if (options.force) {
      await rm(paths.receipts, { recursive: true, force: true });
      await rm(paths.bundles, { recursive: true, force: true });
    }
    for (const slot of dataset.liveSlots()) await writeReceipt(paths.receipts, inclusionReceipt(dataset, slot.id, options.profile.name, sisa));
    const snapshot = snapshotOf(ws, poseidon);
    const ledger = await Ledger.create(paths.ledger, {
      profile: options.profile.name,
      workspace: ws.kind,
      genesisState: snapshot.state,
      snapshotBody: snapshot.body,
      ...(ws.kind === "sisa" ? { configHash: toHex32(sisa!.configHash), shards: shardCount(ws.system.config) } : {}),
    }, { replace: options.force === true });
    ledger.close();
    return {
      ws,
      state: snapshot.state,
      dataRoot: toHex32(dataset.root),
      ...(sisa ? { configHash: toHex32(sisa.configHash) } : {}),
      ...(ws.kind === "sisa" ? { testRoot: toHex32(ws.system.config.testRoot) } : {}),
      ...(ws.kind === "sisa" && ws.system.config.featureScaling ? { featureScaling: ws.system.config.featureScaling } : {}),
      receipts: dataset.size,
    };
  }, options.onWait ? { onWait: options.onWait } : {});
}

async function buildState(raw: Dataset, options: CommitWorkspaceOptions): Promise<WorkspaceState> {
  const poseidon = await getPoseidon();
  const profile = options.profile;
  let data = raw;
  if (profile.template === "DatasetDeletion") {
    if (options.testSet) throw new Error(`a test set is committed only for SISA profiles, not for ${profile.name}`);
    if (options.scale) throw new Error(`feature scaling shapes training, so it applies to SISA profiles only, not to ${profile.name}`);
    return { kind: "deletion", profile, dataset: CommittedDataset.commit(data, profile.params[0]!, poseidon) };
  }
  if (profile.template !== "ShardRetrain") throw new Error(`profile ${profile.name} (${profile.template}) cannot be committed as a workspace`);
  if (data.records.some((r) => r.text !== undefined)) throw new Error(`a text corpus is committed under a deletion profile (its training cannot be proved), not under ${profile.name}`);
  const params = shardProfileParams(profile.params);
  if (data.featureNames.length !== params.features) {
    throw new Error(`profile ${profile.name} trains on ${params.features} features, but the data has ${data.featureNames.length} (${data.featureNames.join(", ")})`);
  }
  let rawTest = options.testSet;
  if (rawTest) {
    if (rawTest.featureNames.join() !== data.featureNames.join()) {
      throw new Error(`the test set's features (${rawTest.featureNames.join(", ")}) are not the dataset's (${data.featureNames.join(", ")})`);
    }
    if (rawTest.records.length === 0) throw new Error("the test set is empty");
  }
  // Fitted on the training records only; the test set gets the same transform.
  const featureScaling = options.scale ? fitScaling(options.scale, data.records.map((r) => r.features)) : undefined;
  if (featureScaling) {
    data = scaleDataset(data, featureScaling, options.sources?.data ?? "data");
    if (rawTest) rawTest = scaleDataset(rawTest, featureScaling, options.sources?.test ?? "test set");
  }
  // Committed like the dataset, to a tree of the same depth.
  const testSet = rawTest && CommittedDataset.commit(rawTest, params.dataDepth, poseidon);
  const config = makeTrainingConfig(params, options.hyper ?? { learningRate: 2 }, testSet?.root ?? 0n);
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
}
