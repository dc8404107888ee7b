import { SparseMerkleTree, type MerkleProof } from "../crypto/merkle.ts";
import type { PoseidonHasher } from "../crypto/poseidon.ts";
import type { Dataset } from "../encoding/dataset.ts";
import { encodeRecord } from "../encoding/records.ts";
import { contentHash, leafHash, randomSalt } from "./leaf.ts";

/**
 * The controller's private view of a committed dataset: which record sits in which slot,
 * its salt, and the Merkle tree whose root is public. Deleting a record erases its features,
 * label and salt from this object; only the public leaf it had is remembered, because the
 * deletion proof names it.
 */

/** A live record in its slot. Features and label are fixed-point encoded. */
export interface CommittedSlot {
  id: string;
  index: number;
  salt: bigint;
  recordHash: bigint;
  leaf: bigint;
  features: bigint[];
  label: bigint;
  /** A text corpus's document (then `features` is empty and `label` 0); see src/dataset/document.ts. */
  text?: string;
}

/** What stays of a deleted record: the public part of its slot. */
export interface DeletedSlotRecord {
  id: string;
  index: number;
  leaf: bigint;
}

/** Plain data a committed dataset is saved as (see `workspace/stateFile.ts`). */
export interface DatasetSnapshot {
  depth: number;
  featureNames: string[];
  live: CommittedSlot[];
  deleted: DeletedSlotRecord[];
}

/** Raised for a record id that the dataset does not hold. */
export class UnknownRecordError extends Error {
  constructor(readonly recordId: string, readonly alreadyDeleted: boolean) {
    super(alreadyDeleted ? `record ${JSON.stringify(recordId)} was already deleted` : `unknown record id ${JSON.stringify(recordId)}`);
    this.name = "UnknownRecordError";
  }
}

/** A dataset committed to a Poseidon Merkle tree (immutable: deletions return a new one). */
export class CommittedDataset {
  readonly #live: Map<string, CommittedSlot>;
  readonly #deleted: Map<string, DeletedSlotRecord>;
  readonly #tree: SparseMerkleTree;

  private constructor(
    readonly depth: number,
    readonly featureNames: readonly string[],
    live: Iterable<CommittedSlot>,
    deleted: Iterable<DeletedSlotRecord>,
    tree: SparseMerkleTree,
  ) {
    this.#live = new Map([...live].map((s) => [s.id, s]));
    this.#deleted = new Map([...deleted].map((s) => [s.id, s]));
    this.#tree = tree;
  }

  /**
   * Commits `dataset`: record i goes to slot i, with a fresh random salt.
   * @throws RangeError if the records do not fit in 2^depth slots.
   */
  static commit(dataset: Dataset, depth: number, poseidon: PoseidonHasher, salt: () => bigint = randomSalt): CommittedDataset {
    const tree = new SparseMerkleTree(depth, (l, r) => poseidon.hash([l, r]));
    if (dataset.records.length > tree.capacity) {
      throw new RangeError(`${dataset.records.length} records do not fit in a depth-${depth} tree (${tree.capacity} slots)`);
    }
    const slots = dataset.records.map((record, index): CommittedSlot => {
      const encoded = encodeRecord(record);
      const s = salt();
      const content = record.text !== undefined ? { ...encoded, text: record.text } : encoded;
      const h = contentHash(content, poseidon);
      return { id: record.id, index, salt: s, recordHash: h, leaf: leafHash(h, s, poseidon), features: encoded.features, label: encoded.label, ...(record.text !== undefined ? { text: record.text } : {}) };
    });
    tree.setMany(slots.map((s) => ({ index: s.index, leaf: s.leaf })));
    return new CommittedDataset(depth, dataset.featureNames, slots, [], tree);
  }

  /**
   * Rebuilds a dataset from a snapshot, recomputing every record hash and leaf so that a
   * tampered or corrupted state file is caught here rather than in a failing proof.
   * @throws Error naming the first inconsistent record.
   */
  static restore(snapshot: DatasetSnapshot, poseidon: PoseidonHasher): CommittedDataset {
    const tree = new SparseMerkleTree(snapshot.depth, (l, r) => poseidon.hash([l, r]));
    const seen = new Set<number>();
    for (const slot of [...snapshot.live, ...snapshot.deleted]) {
      if (!Number.isInteger(slot.index) || slot.index < 0 || slot.index >= tree.capacity || seen.has(slot.index)) {
        throw new Error(`record ${JSON.stringify(slot.id)}: slot index ${slot.index} is out of range or used twice`);
      }
      seen.add(slot.index);
    }
    for (const slot of snapshot.live) {
      const h = contentHash(slot, poseidon);
      if (h !== slot.recordHash || leafHash(h, slot.salt, poseidon) !== slot.leaf) {
        throw new Error(`record ${JSON.stringify(slot.id)}: its ${slot.text !== undefined ? "text" : "features, label"} and salt do not hash to its leaf`);
      }
    }
    tree.setMany(snapshot.live.map((s) => ({ index: s.index, leaf: s.leaf })));
    return new CommittedDataset(snapshot.depth, snapshot.featureNames, snapshot.live, snapshot.deleted, tree);
  }

  /** Public dataset root. */
  get root(): bigint {
    return this.#tree.root;
  }

  /** Number of live (not deleted) records. */
  get size(): number {
    return this.#live.size;
  }

  /** A copy of the tree (callers may mutate it freely). */
  tree(): SparseMerkleTree {
    return this.#tree.clone();
  }

  /** Merkle proof of slot `index` in the current tree (no copy of the tree is made). */
  merkleProof(index: number): MerkleProof {
    return this.#tree.proof(index);
  }

  /** The live slot of `id`. @throws UnknownRecordError */
  slot(id: string): CommittedSlot {
    const slot = this.#live.get(id);
    if (!slot) throw new UnknownRecordError(id, this.#deleted.has(id));
    return slot;
  }

  /** Live slots in index order. */
  liveSlots(): CommittedSlot[] {
    return [...this.#live.values()].sort((a, b) => a.index - b.index);
  }

  /** Deleted slots in index order. */
  deletedSlots(): DeletedSlotRecord[] {
    return [...this.#deleted.values()].sort((a, b) => a.index - b.index);
  }

  /**
   * The dataset after deleting `ids`: their slots become 0 and their private data is dropped.
   * @throws UnknownRecordError for an unknown or already deleted id; Error for a repeated id.
   */
  withoutRecords(ids: readonly string[]): CommittedDataset {
    const removed = this.slotsOf(ids);
    const tree = this.#tree.clone();
    tree.setMany(removed.map((s) => ({ index: s.index, leaf: 0n })));
    const gone = new Set(ids);
    return new CommittedDataset(
      this.depth,
      this.featureNames,
      [...this.#live.values()].filter((s) => !gone.has(s.id)),
      [...this.#deleted.values(), ...removed.map(({ id, index, leaf }) => ({ id, index, leaf }))],
      tree,
    );
  }

  /** Slots of `ids`, validated: each known, live, and named once. */
  slotsOf(ids: readonly string[]): CommittedSlot[] {
    const seen = new Set<string>();
    return ids.map((id) => {
      if (seen.has(id)) throw new Error(`record id ${JSON.stringify(id)} is listed twice`);
      seen.add(id);
      return this.slot(id);
    });
  }

  /** Plain data for saving. */
  snapshot(): DatasetSnapshot {
    return { depth: this.depth, featureNames: [...this.featureNames], live: this.liveSlots(), deleted: this.deletedSlots() };
  }
}
