import { join } from "node:path";
import { getProfile, type CircuitProfile } from "../circuits/profiles.ts";
import { getPoseidon, type PoseidonHasher } from "../crypto/poseidon.ts";
import { CommittedDataset } from "../dataset/commitment.ts";
import { pathExists } from "../fsAtomic.ts";
import { EVALUATION_FILE } from "../ledger/audit.ts";
import { LedgerError } from "../ledger/database.ts";
import { Ledger, LEDGER_FILE, type LedgerInfo } from "../ledger/ledger.ts";
import { methodOf, methodOfKind, type WorkspaceState } from "../methods/workspaceMethods.ts";
import type { SisaSystem } from "../prover/shardRetrain.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { parseState, serialiseState, StateFileError } from "./stateFile.ts";

/**
 * A controller workspace directory:
 *   ledger.sqlite             the ledger: entries, deletion requests and the private snapshot
 *   receipts/<id>.json        inclusion receipts for data subjects
 *   receipts/<id>.deletion.json  deletion receipts, after a forget
 *   bundles/NNNN-….json       copies of the proof bundles, NNNN = ledger seq
 *   evaluation.json           evaluation figures (`zkforget evaluate`), if any
 */
export const DEFAULT_WORKSPACE = "zkforget-workspace";

/** Paths inside a workspace. */
export function workspacePaths(dir: string) {
  return {
    dir,
    ledger: join(dir, LEDGER_FILE),
    receipts: join(dir, "receipts"),
    bundles: join(dir, "bundles"),
    lock: join(dir, ".zkforget.lock"),
    evaluation: join(dir, EVALUATION_FILE),
    /** Where zkforget 0.1 kept its state; only looked at to explain what to do. */
    legacyState: join(dir, "state.json"),
  };
}

export type { WorkspaceState };

/** The state commitment of a workspace, as its method defines it (deletion: the data root; SISA: Poseidon(dataRoot, modelRoot, configHash)). */
export function stateOf(ws: WorkspaceState, poseidon: PoseidonHasher): bigint {
  return methodOf(ws).state(ws, poseidon);
}

/** The committed training dataset of a workspace. */
export function datasetOf(ws: WorkspaceState): CommittedDataset {
  return methodOf(ws).dataset(ws);
}

/** The ledger snapshot of a workspace state: its state hash (0x-hex) and the serialised body. */
export function snapshotOf(ws: WorkspaceState, poseidon: PoseidonHasher): { state: string; body: string } {
  const method = methodOf(ws);
  const state = method.state(ws, poseidon);
  const dataset = method.dataset(ws);
  const body = serialiseState({ kind: ws.kind, profile: ws.profile.name, dataset: dataset.snapshot(), fields: method.serialise(ws) }, { state, dataRoot: dataset.root });
  return { state: toHex32(state), body };
}

/**
 * Opens the workspace's ledger. @throws LedgerError naming the file (missing, corrupt, or a
 * workspace made by zkforget 0.1, whose state.json must be committed again)
 */
export async function openLedger(dir: string, options: { readonly?: boolean } = {}): Promise<Ledger> {
  const paths = workspacePaths(dir);
  if (!(await pathExists(paths.ledger)) && (await pathExists(paths.legacyState))) {
    throw new LedgerError(paths.ledger, `no ledger here, only ${paths.legacyState} from zkforget 0.1; commit the dataset again with \`zkforget commit\` (the ledger replaces state.json)`);
  }
  return Ledger.open(paths.ledger, options);
}

/**
 * Rebuilds the controller's state from the ledger's snapshot, recomputing every leaf, root and
 * the state hash, and checks it is the state of the ledger's last entry.
 * @throws StateFileError naming the ledger's snapshot and what is wrong
 */
export async function restoreState(ledger: Ledger): Promise<WorkspaceState> {
  const snapshot = ledger.snapshot();
  const ws = await restoreSnapshot(snapshot, ledger.info, `${ledger.path} (snapshot)`);
  const head = ledger.head();
  if (snapshot.seq !== head.seq || snapshot.state !== head.newState) {
    throw new StateFileError(`${ledger.path} (snapshot)`, `the snapshot is at entry ${snapshot.seq}, state ${snapshot.state}, but the ledger's last entry ${head.seq} is at ${head.newState}`);
  }
  return ws;
}

/**
 * Rebuilds a workspace state from a snapshot body, recomputing every leaf, root and the state
 * hash through the workspace's method, and checks that it is at `snapshot.state` and belongs
 * to a ledger described by `info`.
 * @throws StateFileError naming `source` and what is wrong
 */
export async function restoreSnapshot(
  snapshot: { state: string; body: string }, info: Pick<LedgerInfo, "profile" | "workspace">, source: string,
): Promise<WorkspaceState> {
  const fail = (detail: string): never => {
    throw new StateFileError(source, detail);
  };
  const { state, recorded, reader } = parseState(snapshot.body, source);
  const poseidon = await getPoseidon();
  let profile: CircuitProfile;
  let method: ReturnType<typeof methodOfKind>;
  try {
    profile = getProfile(state.profile);
    method = methodOfKind(state.kind);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (state.profile !== info.profile) fail(`profile ${state.profile} is not the ledger's ${info.profile}`);
  if (state.kind !== info.workspace) fail(`a ${state.kind} snapshot in a ${info.workspace} ledger`);
  if (profile.template !== method.template) fail(`profile ${profile.name} proves ${profile.template}, not the ${method.template} proofs of a ${state.kind} workspace`);
  let dataset: CommittedDataset;
  try {
    dataset = CommittedDataset.restore(state.dataset, poseidon);
  } catch (error) {
    return fail(`dataset: ${(error as Error).message}`);
  }
  if (dataset.root !== recorded.dataRoot) fail(`the records hash to root ${toHex32(dataset.root)}, not the recorded ${toHex32(recorded.dataRoot)}`);
  const ws = method.restore(state.fields, { profile, dataset, poseidon }, reader, fail);
  const computed = toHex32(method.state(ws, poseidon));
  if (computed !== toHex32(recorded.state) || computed !== snapshot.state) fail(`the contents hash to state ${computed}, not the recorded ${snapshot.state}`);
  return ws;
}

/** A SISA workspace as the library hands it out (the ledger is closed again). */
export interface OpenSisaWorkspace {
  system: SisaSystem;
  /** The committed held-out test set, if one was committed. */
  testSet: CommittedDataset | undefined;
  profile: CircuitProfile;
  /** Path of the workspace's ledger. */
  ledgerPath: string;
}

/**
 * Loads a SISA workspace's current system (dataset, models, config) and its committed test set,
 * checked against the ledger. @throws LedgerError, StateFileError; Error for a deletion workspace
 */
export async function openSisaWorkspace(dir: string): Promise<OpenSisaWorkspace> {
  const { state: ws, ledgerPath } = await openWorkspaceState(dir);
  if (ws.kind !== "sisa") throw new Error(`${ledgerPath}: a ${ws.kind} workspace (profile ${ws.profile.name}), not a SISA workspace`);
  return { system: ws.system, testSet: ws.testSet, profile: ws.profile, ledgerPath };
}

/**
 * Loads a workspace's current state, of any method, checked against the ledger (which is
 * closed again). @throws LedgerError, StateFileError
 */
export async function openWorkspaceState(dir: string): Promise<{ state: WorkspaceState; ledgerPath: string }> {
  const ledger = await openLedger(dir, { readonly: true });
  try {
    return { state: await restoreState(ledger), ledgerPath: ledger.path };
  } finally {
    ledger.close();
  }
}
