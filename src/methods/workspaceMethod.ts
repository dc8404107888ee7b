import type { CircuitProfile } from "../circuits/profiles.ts";
import type { PoseidonHasher } from "../crypto/poseidon.ts";
import type { CommittedDataset } from "../dataset/commitment.ts";
import type { Dataset } from "../encoding/dataset.ts";
import type { ProvingKey } from "../keys/devKeys.ts";
import type { TrainingConfig, TrainingHyperparameters } from "../ml/config.ts";
import type { FeatureScaling, ScalingMethod } from "../ml/featureScaling.ts";
import type { ProofBundle } from "../verifier/types.ts";
import type { StateReader } from "../workspace/stateFile.ts";
import type { ProfileFit } from "../circuits/suggestProfile.ts";
import type { JobKind } from "../jobs/kinds.ts";

/**
 * The controller-side part of an unlearning method: how it commits a dataset into a
 * workspace, what its private state is and how that state is saved and restored, and how it
 * proves a deletion request (and, when the method has one, its genesis training). Each method
 * folder exports one; `src/methods/workspaceMethods.ts` registers them. The workspace, the
 * ledger snapshot and the CLI dispatch through that table instead of branching on the method.
 */
export interface WorkspaceMethod<W extends MethodWorkspace> {
  /** The workspace kind: the snapshot's `kind` and the ledger's `workspace` field. */
  readonly kind: W["kind"];
  /** The circuit template of the profiles a dataset is committed under with this method. */
  readonly template: string;
  /** What its proofs prove, for messages ("dataset deletions"). */
  readonly description: string;
  /** Which of its profiles take a dataset (zkforget commit's suggestion and misfit checks). */
  readonly profileFit: ProfileFit;
  /**
   * The hyperparameters `zkforget commit` fills in where --lr, --l2 or --init-seed is not given,
   * for a method trained by gradient steps whose defaults differ from SISA's (amnesiac: many
   * small steps need a smaller η to stay in the weight bound).
   */
  readonly defaultHyperparameters?: Readonly<TrainingHyperparameters>;
  /** How the server plans and proves its deletions as queue jobs (src/jobs/). */
  readonly jobKind: JobKind<W>;
  /** Commits `input.data` (and what else the method commits) under `input.profile`. @throws Error naming what does not fit */
  commit(input: CommitInput, poseidon: PoseidonHasher): W;
  /** The committed training dataset of a state. */
  dataset(ws: W): CommittedDataset;
  /** The state commitment the ledger chains (a data root, or a hash binding the model and config too). */
  state(ws: W, poseidon: PoseidonHasher): bigint;
  /** The public commitments a commit publishes besides the data root (ledger info, inclusion receipts, the CLI). */
  facts(ws: W, poseidon: PoseidonHasher): CommitFacts;
  /** The method's own fields of the state snapshot, as JSON (the envelope and the dataset are the workspace's). */
  serialise(ws: W): Record<string, unknown>;
  /**
   * Rebuilds a state from the snapshot's method fields, recomputing what it commits to.
   * @throws StateFileError (through `reader` or `fail`) naming what is wrong
   */
  restore(fields: Record<string, unknown>, base: RestoreBase, reader: StateReader, fail: (detail: string) => never): W;
  /** Proves the deletion of `recordIds` (all live) as one or more steps, handing each to `run.record` in order. */
  forget(ws: W, recordIds: readonly string[], run: ProvingRun<W>): Promise<void>;
  /** Proves what remains of the genesis training, step by step; absent for a method without one. */
  train?(ws: W, run: ProvingRun<W>): Promise<void>;
  /**
   * Forgets every record of class `cls` from the model in one or more steps (`zkforget
   * forget-class`); absent for a method that cannot (the workspace refuses the command then).
   * @throws Error naming the class when it is not one of the model's, or already forgotten
   */
  forgetClass?(ws: W, cls: number, run: ProvingRun<W>): Promise<void>;
  /**
   * Proves the repair steps the method offers after its unlearnings (`zkforget repair`, `forget
   * --repair`; amnesiac: one proved SGD step on the remaining records of each batch an
   * unlearning touched), handing each to `run.record`; nothing when there is nothing to repair.
   * Absent for a method without repair steps (the workspace refuses the command then).
   */
  repair?(ws: W, run: ProvingRun<W>): Promise<void>;
  /**
   * Proves the accuracy of the current model on the committed test set (`zkforget
   * prove-accuracy`), under `profile` or the method's default accuracy profile; the workspace
   * appends the bundle as an `accuracy` entry. Absent for a method without a model.
   * @throws Error when no test set is committed or the model is not trained
   */
  proveAccuracy?(ws: W, run: ProvingRun<W>, profile?: CircuitProfile): Promise<AccuracyResult>;
}

/** What a method's accuracy proof gives back. */
export interface AccuracyResult {
  bundle: ProofBundle;
  correct: number;
  total: number;
  proveSeconds: number;
}

/** What every method's workspace state holds. */
export interface MethodWorkspace {
  readonly kind: string;
  /** The profile the workspace proves under. */
  readonly profile: CircuitProfile;
}

/** What `zkforget commit` hands a method. */
export interface CommitInput {
  data: Dataset;
  profile: CircuitProfile;
  /** A held-out test set, for methods that prove accuracy on one (its root is pinned in the config). */
  testSet?: Dataset;
  /** Training hyperparameters, for methods that train. */
  hyper?: TrainingHyperparameters;
  /** The L2 coefficient λ of a method whose model is a closed-form solution (ridge), pinned in its config. */
  lambda?: number;
  /** Feature scaling fitted on `data` and pinned in the config, for methods that train. */
  scale?: ScalingMethod;
  /** How to name the training and test data in errors. */
  sources?: { data?: string; test?: string };
}

/** Public commitments of a committed workspace besides its data root. */
export interface CommitFacts {
  /** Hash of the public training config, when the method trains a model. */
  configHash?: bigint;
  /** That config (public: inclusion receipts carry it, so a subject's raw record can be scaled as it was). */
  config?: TrainingConfig;
  /** Root of the model commitment at genesis. */
  modelRoot?: bigint;
  /** Root of the committed test set (0 when none). */
  testRoot?: bigint;
  /** The fitted feature scaling (public: it is in the config). */
  featureScaling?: FeatureScaling;
  /** The config as published in inclusion receipts, for a method whose committed state the receipt checker recomputes from it (InclusionReceipt.methodConfig). */
  methodConfig?: object;
  /** Training units the chain must cover (SISA: shards). */
  shards?: number;
}

/** The parts of a snapshot the workspace restores before the method's own. */
export interface RestoreBase {
  profile: CircuitProfile;
  dataset: CommittedDataset;
  poseidon: PoseidonHasher;
}

/** One proof a method made, to be appended to the ledger by the workspace. */
export interface ProvedStep<W> {
  bundle: ProofBundle;
  /** The workspace state after the step. */
  after: W;
  proveSeconds: number;
  /** The records the step deleted (empty for a training step). */
  recordIds: string[];
  /** Whether this is the last step of the run (it completes the request). */
  last: boolean;
  /** What the step did, for the progress line ("shard 2 retrained without", "deleted"). */
  label: string;
  /** The training unit (SISA: the shard) a training step trained. */
  unit?: number;
}

/** How a method hands its proofs back while it proves. */
export interface ProvingRun<W> {
  /** The proving key of the workspace's profile, loaded (or built) on first use. */
  key(): Promise<ProvingKey>;
  /**
   * The proving key of any profile the method proves with (its companions, see
   * CircuitProfile.companions; the workspace's own profile gives `key()`), loaded on first use.
   * The workspace verifies each step under the keys of its bundle's profile and of the proofs
   * its statement embeds, loaded the same way.
   */
  keyFor(profile: CircuitProfile): Promise<ProvingKey>;
  log: (message: string) => void;
  /** Appends the step to the ledger (verifying it first); resolves once it is recorded. */
  record(step: ProvedStep<W>): Promise<void>;
}
