import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { getPoseidon } from "../crypto/poseidon.ts";
import type { Dataset } from "../encoding/dataset.ts";
import { pathExists } from "../fsAtomic.ts";
import { HEADS_FILE } from "../ledger/heads.ts";
import { Ledger } from "../ledger/ledger.ts";
import type { FeatureScaling } from "../ml/featureScaling.ts";
import type { CommitInput } from "../methods/workspaceMethod.ts";
import { methodForProfile } from "../methods/workspaceMethods.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { withWorkspaceLock } from "./lock.ts";
import { inclusionReceipt, writeReceipt, type SisaCommitment } from "./receipts.ts";
import { snapshotOf, workspacePaths, type WorkspaceState } from "./workspace.ts";

/**
 * Options for {@link commitWorkspace}: the profile (its template picks the method, see
 * src/methods/workspaceMethods.ts) and what that method commits besides the data (SISA: the
 * held-out test set, whose root is pinned in the config; hyperparameters; feature scaling fitted
 * on the training records only and pinned in the config, src/ml/featureScaling.ts).
 */
export interface CommitWorkspaceOptions extends Omit<CommitInput, "data"> {
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
    const poseidon = await getPoseidon();
    const method = methodForProfile(options.profile);
    const ws = method.commit({ ...options, data }, poseidon);
    const dataset = method.dataset(ws);
    const facts = method.facts(ws, poseidon);
    const state = method.state(ws, poseidon);
    // An inclusion receipt names the genesis commitments a model-bearing state binds.
    const sisa: SisaCommitment | undefined = facts.configHash === undefined ? undefined : {
      configHash: facts.configHash, state,
      ...(facts.modelRoot !== undefined && facts.config !== undefined ? { modelRoot: facts.modelRoot, config: facts.config } : {}),
      ...(facts.methodConfig !== undefined ? { methodConfig: facts.methodConfig } : {}),
    };
    if (options.force) {
      await rm(paths.receipts, { recursive: true, force: true });
      await rm(paths.bundles, { recursive: true, force: true });
      // The heads signed for the replaced chain are kept beside it, as its ledger is: left in
      // place, they would refuse every head of the new chain as a fork.
      const heads = join(dir, HEADS_FILE);
      if (await pathExists(heads)) await rename(heads, join(dir, `heads.${new Date().toISOString().replace(/[:.]/g, "-")}.replaced.jsonl`));
    }
    for (const slot of dataset.liveSlots()) await writeReceipt(paths.receipts, inclusionReceipt(dataset, slot.id, options.profile.name, sisa));
    const snapshot = snapshotOf(ws, poseidon);
    const ledger = await Ledger.create(paths.ledger, {
      profile: options.profile.name,
      workspace: ws.kind,
      genesisState: snapshot.state,
      snapshotBody: snapshot.body,
      ...(facts.configHash !== undefined ? { configHash: toHex32(facts.configHash) } : {}),
      ...(facts.shards !== undefined ? { shards: facts.shards } : {}),
    }, { replace: options.force === true });
    ledger.close();
    return {
      ws,
      state: snapshot.state,
      dataRoot: toHex32(dataset.root),
      ...(facts.configHash !== undefined ? { configHash: toHex32(facts.configHash) } : {}),
      ...(facts.testRoot !== undefined ? { testRoot: toHex32(facts.testRoot) } : {}),
      ...(facts.featureScaling ? { featureScaling: facts.featureScaling } : {}),
      receipts: dataset.size,
    };
  }, options.onWait ? { onWait: options.onWait } : {});
}
