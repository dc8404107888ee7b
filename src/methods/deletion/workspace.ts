import { CommittedDataset } from "../../dataset/commitment.ts";
import { proveDeletion } from "../../prover/deletion.ts";
import type { CircuitProfile } from "../../circuits/profiles.ts";
import type { WorkspaceMethod } from "../workspaceMethod.ts";
import { deletionProfileFit } from "./profileFit.ts";

/**
 * Dataset deletion, controller side: the workspace commits only the dataset tree, its state is
 * the data root, and a deletion request is proved in DatasetDeletion proofs of at most K slots
 * each. Nothing is trained, so there is no genesis.
 */

/** A dataset-deletion workspace: the committed dataset. */
export interface DeletionWorkspace {
  kind: "deletion";
  profile: CircuitProfile;
  dataset: CommittedDataset;
}

export const deletionWorkspaceMethod: WorkspaceMethod<DeletionWorkspace> = {
  kind: "deletion",
  template: "DatasetDeletion",
  description: "dataset deletions",
  profileFit: deletionProfileFit,
  commit({ data, profile, testSet, scale }, poseidon) {
    if (testSet) throw new Error(`a test set is committed only for SISA profiles, not for ${profile.name}`);
    if (scale) throw new Error(`feature scaling shapes training, so it applies to SISA profiles only, not to ${profile.name}`);
    return { kind: "deletion", profile, dataset: CommittedDataset.commit(data, profile.params[0]!, poseidon) };
  },
  dataset: (ws) => ws.dataset,
  state: (ws) => ws.dataset.root,
  facts: () => ({}),
  serialise: () => ({}),
  restore: (_fields, { profile, dataset }) => ({ kind: "deletion", profile, dataset }),
  async forget(ws, recordIds, run) {
    const k = ws.profile.params[1]!;
    let dataset = ws.dataset;
    for (let start = 0; start < recordIds.length; start += k) {
      const chunk = recordIds.slice(start, start + k);
      run.log(`proving the deletion of ${chunk.length} record(s) under ${ws.profile.name}…`);
      const result = await proveDeletion(dataset, chunk, { profile: ws.profile, key: await run.key() });
      dataset = result.dataset;
      await run.record({
        bundle: result.bundle, after: { ...ws, dataset }, proveSeconds: result.proveSeconds,
        recordIds: chunk, last: start + k >= recordIds.length, label: "deleted",
      });
    }
  },
};
