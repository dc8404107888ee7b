import { getProfile, type CircuitProfile } from "../circuits/profiles.ts";
import type { CommittedDataset } from "../dataset/commitment.ts";
import { getPoseidon } from "../crypto/poseidon.ts";
import { ensureDevKey, type DevKeyOptions, type ProvingKey } from "../keys/devKeys.ts";
import { buildDeletionWitness } from "../statements/deletion.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { type DeletionStatement, type ProofBundle } from "../verifier/types.ts";
import { proveBundle, type ProveOptions } from "./groth16.ts";

/** Options for {@link proveDeletion}. */
export interface ProveDeletionOptions extends DevKeyOptions, ProveOptions {
  /** Deletion profile (name or object); its depth must equal the dataset's. */
  profile: string | CircuitProfile;
  /** Proving key to use; by default the dev key of the profile (built and cached on demand). */
  key?: ProvingKey;
}

/** Result of {@link proveDeletion}. */
export interface DeletionProof {
  bundle: ProofBundle<DeletionStatement>;
  /** The dataset after the deletion (the input object is not changed). */
  dataset: CommittedDataset;
  /** Seconds spent in witness generation and proving. */
  proveSeconds: number;
}

/**
 * Proves that deleting `recordIds` moves `dataset` from its root to the root with those slots
 * emptied, and returns the proof bundle a verifier checks, with the dataset after deletion.
 *
 * @throws UnknownRecordError for an unknown or already deleted id; Error for more ids than
 *   the profile's K, a depth mismatch, or a failure to prove.
 * @example
 * const { bundle, dataset: after } = await proveDeletion(dataset, ["alice-1"], { profile: "deletion-d10-k4" });
 */
export async function proveDeletion(dataset: CommittedDataset, recordIds: readonly string[], options: ProveDeletionOptions): Promise<DeletionProof> {
  const profile = typeof options.profile === "string" ? getProfile(options.profile) : options.profile;
  if (profile.template !== "DatasetDeletion") throw new Error(`profile ${profile.name} does not prove dataset deletions`);
  const [depth, maxDeletions] = profile.params as [number, number];
  if (depth !== dataset.depth) throw new Error(`profile ${profile.name} is for depth-${depth} trees; the dataset has depth ${dataset.depth}`);
  if (recordIds.length === 0) throw new Error("nothing to delete: give at least one record id");
  if (recordIds.length > maxDeletions) {
    throw new Error(`profile ${profile.name} proves at most ${maxDeletions} deletions per proof; got ${recordIds.length} (split them)`);
  }
  const slots = dataset.slotsOf(recordIds);
  const poseidon = await getPoseidon();
  const witness = buildDeletionWitness(dataset.tree(), slots.map((s) => s.index), maxDeletions, poseidon);
  const after = dataset.withoutRecords(recordIds);
  if (after.root !== witness.publicSignals.newRoot) throw new Error("internal error: the deletion model and the dataset disagree on the new root");

  const key = options.key ?? (await ensureDevKey(profile, options));
  const expected = profile.publicSignals.map((name) => {
    const value = witness.publicSignals[name as keyof typeof witness.publicSignals];
    if (value === undefined) throw new Error(`profile ${profile.name} lists an unknown public signal ${name}`);
    return value;
  });
  const statement: DeletionStatement = {
    type: "dataset-deletion",
    oldRoot: toHex32(witness.publicSignals.oldRoot),
    newRoot: toHex32(witness.publicSignals.newRoot),
    deletionDigest: toHex32(witness.publicSignals.deletionDigest),
    deleted: witness.deleted.map((d) => ({ index: d.index, leaf: toHex32(d.leaf) })),
  };
  const { bundle, seconds } = await proveBundle(key, witness.input, expected, statement, options);
  return { bundle, dataset: after, proveSeconds: seconds };
}
