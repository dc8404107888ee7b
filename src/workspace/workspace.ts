import { join } from "node:path";
import { getPoseidon } from "../crypto/poseidon.ts";
import { CommittedDataset } from "../dataset/commitment.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { loadState, saveState, StateFileError, type ControllerState } from "./stateFile.ts";

/**
 * A controller workspace directory:
 *   state.json          the committed dataset (private) and the bundles written so far
 *   receipts/<id>.json  inclusion receipts for data subjects
 *   bundles/NNNN-….json proof bundles, in order
 */
export const DEFAULT_WORKSPACE = "zkforget-workspace";

/** Paths inside a workspace. */
export function workspacePaths(dir: string) {
  return {
    dir,
    state: join(dir, "state.json"),
    receipts: join(dir, "receipts"),
    bundles: join(dir, "bundles"),
  };
}

/** A loaded workspace: its state and the dataset rebuilt (and checked) from it. */
export interface OpenWorkspace {
  state: ControllerState;
  dataset: CommittedDataset;
}

/**
 * Loads the workspace state and rebuilds the dataset, checking that the recomputed root is
 * the recorded one. @throws StateFileError
 */
export async function openWorkspace(dir: string): Promise<OpenWorkspace> {
  const path = workspacePaths(dir).state;
  const { state, dataRoot } = await loadState(path);
  let dataset: CommittedDataset;
  try {
    dataset = CommittedDataset.restore(state.dataset, await getPoseidon());
  } catch (error) {
    throw new StateFileError(path, (error as Error).message);
  }
  if (dataset.root !== dataRoot) {
    throw new StateFileError(path, `the records hash to root ${toHex32(dataset.root)}, not the recorded ${toHex32(dataRoot)}`);
  }
  return { state, dataset };
}

/** Saves the state (atomically) with the dataset's current contents. */
export async function saveWorkspace(dir: string, profile: string, dataset: CommittedDataset, bundles: string[]): Promise<void> {
  await saveState(workspacePaths(dir).state, { profile, dataset: dataset.snapshot(), bundles }, dataset.root);
}
