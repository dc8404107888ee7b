import { slotDigest } from "./slotDigest.ts";
import type { PoseidonHasher } from "../crypto/poseidon.ts";
import type { LeafUpdate, SparseMerkleTree } from "../crypto/merkle.ts";

/**
 * TypeScript model of the `DatasetDeletion(depth, K)` circuit (circuits/deletion.circom): it
 * computes the circuit input and the public signals the circuit must accept, and rejects every
 * deletion request the circuit would reject, with an error naming the offending slot.
 */

/** What buildDeletionWitness reads of a data tree (a SparseMerkleTree, or any tree with the same Poseidon(2) nodes). */
export type DeletionTree = Pick<SparseMerkleTree, "depth" | "capacity" | "root" | "get" | "subtreeRoot">;

/** A deleted slot and the leaf it held before the deletion. */
export interface DeletedSlot {
  index: number;
  leaf: bigint;
}

/** The public signals of a deletion proof, by name. */
export interface DeletionPublicSignals {
  oldRoot: bigint;
  newRoot: bigint;
  deletionDigest: bigint;
}

/** Circuit input: signal name → decimal string, or (nested) arrays of them. */
export type CircuitInput = Record<string, string | string[] | string[][]>;

/** Everything needed to prove one deletion with the circuit. */
export interface DeletionWitness {
  /**
   * Input of `DatasetDeletion(depth, K)`: oldRoot, newRoot, deletionDigest (public); active[K],
   * index[K], leaf[K] and siblings[K][depth] (private). Deleted slots fill entries 0.. in
   * increasing index order; the remaining entries are padding (active = index = leaf = 0,
   * siblings 0).
   */
  input: CircuitInput;
  publicSignals: DeletionPublicSignals;
  /** Deleted slots in increasing index order (the order the digest binds). */
  deleted: DeletedSlot[];
  /** The updates that turn the old tree into the new one; apply them with `tree.setMany`. */
  updates: LeafUpdate[];
}

/**
 * deletionDigest = PoseidonSponge(2K)(index_0, leaf_0, …, index_{K-1}, leaf_{K-1}) where the
 * deleted slots come first in strictly increasing index order and the remaining K - n entries are
 * (0, 0). The encoding is unambiguous because a deleted leaf is never 0.
 *
 * @throws RangeError for more than K pairs, an unsorted or repeated index, or a zero leaf.
 */
export function deletionDigest(pairs: readonly DeletedSlot[], K: number, poseidon: PoseidonHasher): bigint {
  checkK(K);
  return slotDigest([], pairs, K, poseidon.hash);
}

/**
 * Builds the circuit input that deletes the slots `indices` (any order; they are sorted) from
 * `tree`, for a circuit of maximum K deletions.
 *
 * Does NOT modify `tree`: the intermediate trees the circuit walks through (each entry's siblings
 * come from the tree in which the previous entries are already applied) are tracked in a small
 * overlay of changed nodes. Apply the returned `updates` to move the tree forward.
 *
 * @param poseidon must be the hash the tree was built with (node = Poseidon(left, right)); a
 *   mismatch is detected and reported.
 * @throws RangeError naming the index for an out-of-range or repeated index, an empty slot, or
 *   more than K indices.
 */
export function buildDeletionWitness(
  tree: DeletionTree,
  indices: readonly number[],
  K: number,
  poseidon: PoseidonHasher,
): DeletionWitness {
  checkK(K);
  const depth = tree.depth;
  if (indices.length > K) throw new RangeError(`${indices.length} deletions exceed the maximum K = ${K} of this circuit`);
  const sorted = [...indices].sort((a, b) => a - b);
  sorted.forEach((index, i) => {
    if (!Number.isInteger(index) || index < 0 || index >= tree.capacity) {
      throw new RangeError(`index ${index} is outside the tree: depth ${depth} has slots 0..${tree.capacity - 1}`);
    }
    if (i > 0 && index === sorted[i - 1]) throw new RangeError(`index ${index} is listed more than once`);
    if (tree.get(index) === 0n) throw new RangeError(`slot ${index} is empty: there is nothing to delete`);
  });

  const hash = (l: bigint, r: bigint): bigint => poseidon.hash([l, r]);
  // Nodes changed by the entries applied so far, keyed "level:position".
  const overlay = new Map<string, bigint>();
  const node = (level: number, pos: number): bigint => overlay.get(`${level}:${pos}`) ?? tree.subtreeRoot(level, pos);

  const oldRoot = tree.root;
  const deleted: DeletedSlot[] = [];
  const siblings: string[][] = [];
  for (const index of sorted) {
    const leaf = tree.get(index);
    const sibs: bigint[] = [];
    let pos = index;
    for (let level = 0; level < depth; level++) {
      sibs.push(node(level, pos % 2 === 0 ? pos + 1 : pos - 1));
      pos = Math.floor(pos / 2);
    }
    // Old path must reach the current root; this also catches a tree built with another hash.
    if (pathRoot(leaf, index, sibs, hash) !== node(depth, 0)) {
      throw new Error("the tree's root does not match Poseidon(left, right) paths: was it built with another hash?");
    }
    let cur = 0n;
    pos = index;
    for (let level = 0; level < depth; level++) {
      overlay.set(`${level}:${pos}`, cur);
      cur = pos % 2 === 0 ? hash(cur, sibs[level]) : hash(sibs[level], cur);
      pos = Math.floor(pos / 2);
    }
    overlay.set(`${depth}:0`, cur);
    deleted.push({ index, leaf });
    siblings.push(sibs.map(String));
  }
  const newRoot = node(depth, 0);
  const digest = deletionDigest(deleted, K, poseidon);

  const pad = K - deleted.length;
  const zeros = (n: number): string[] => new Array<string>(n).fill("0");
  const input: CircuitInput = {
    oldRoot: oldRoot.toString(),
    newRoot: newRoot.toString(),
    deletionDigest: digest.toString(),
    active: [...deleted.map(() => "1"), ...zeros(pad)],
    index: [...deleted.map((d) => String(d.index)), ...zeros(pad)],
    leaf: [...deleted.map((d) => d.leaf.toString()), ...zeros(pad)],
    siblings: [...siblings, ...Array.from({ length: pad }, () => zeros(depth))],
  };
  return {
    input,
    publicSignals: { oldRoot, newRoot, deletionDigest: digest },
    deleted,
    updates: deleted.map(({ index }) => ({ index, leaf: 0n })),
  };
}

function pathRoot(leaf: bigint, index: number, siblings: readonly bigint[], hash: (l: bigint, r: bigint) => bigint): bigint {
  let cur = leaf;
  let pos = index;
  for (const sib of siblings) {
    cur = pos % 2 === 0 ? hash(cur, sib) : hash(sib, cur);
    pos = Math.floor(pos / 2);
  }
  return cur;
}

function checkK(K: number): void {
  if (!Number.isInteger(K) || K < 1) throw new RangeError(`K (maximum deletions) must be a positive integer, got ${K}`);
}
