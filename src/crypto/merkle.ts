import { isFieldElement } from "../field.ts";

/** Two-to-one hash used for internal nodes: `node = hash(left, right)`. */
export type HashPair = (left: bigint, right: bigint) => bigint;

/** Membership proof for one slot, in the order the circuits consume it. */
export interface MerkleProof {
  /** Value stored in the slot (0 when empty). */
  leaf: bigint;
  /** Sibling of the path node at each level, bottom-up (siblings[0] is the leaf's sibling). */
  siblings: bigint[];
  /** Bit i of the slot index, bottom-up: 1 means the path node at level i is a right child. */
  pathIndices: number[];
}

/** One slot assignment for {@link SparseMerkleTree.setMany}. */
export interface LeafUpdate {
  index: number;
  leaf: bigint;
}

/** Largest supported depth: indices must stay exact JavaScript integers and fit 32 bits. */
export const MAX_TREE_DEPTH = 32;

/**
 * Binary Merkle tree with 2^depth slots in which an empty slot is 0 and an internal node is
 * `hash(left, right)`. Only nodes that differ from the all-empty subtree of their level are
 * stored, so a tree with n filled slots costs O(n · depth) memory at any depth.
 *
 * Levels are counted from the leaves: level 0 holds the slots, level `depth` the root.
 */
export class SparseMerkleTree {
  /** Number of levels above the leaves; the tree has 2^depth slots. */
  readonly depth: number;
  readonly #hash: HashPair;
  /** zeros[l] = root of an all-empty subtree of height l. */
  readonly #zeros: bigint[];
  /** nodes[l] maps position → value for every non-default node of level l. */
  readonly #nodes: Map<number, bigint>[];

  /**
   * Creates an empty tree.
   * @param depth number of levels, 1..32
   * @param hash the two-to-one hash (Poseidon(left, right) in zkforget); it is injected so the
   *   class stays synchronous and tests can use an independent implementation.
   */
  constructor(depth: number, hash: HashPair) {
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_TREE_DEPTH) {
      throw new RangeError(`tree depth must be an integer from 1 to ${MAX_TREE_DEPTH}, got ${depth}`);
    }
    this.depth = depth;
    this.#hash = hash;
    this.#zeros = [0n];
    for (let l = 0; l < depth; l++) this.#zeros.push(hash(this.#zeros[l], this.#zeros[l]));
    this.#nodes = Array.from({ length: depth + 1 }, () => new Map<number, bigint>());
  }

  /** Number of slots, 2^depth. */
  get capacity(): number {
    return 2 ** this.depth;
  }

  /** Current root. */
  get root(): bigint {
    return this.#node(this.depth, 0);
  }

  /** Root of an all-empty subtree of the given height (0 = an empty slot). */
  zeroHash(height: number): bigint {
    this.#checkLevel(height);
    return this.#zeros[height];
  }

  /** Value of slot `index` (0 when empty). */
  get(index: number): bigint {
    this.#checkIndex(index);
    return this.#node(0, index);
  }

  /** Sets slot `index` to `leaf` (0 empties it) and updates the path to the root. */
  set(index: number, leaf: bigint): void {
    this.setMany([{ index, leaf }]);
  }

  /**
   * Sets several slots at once. Each touched internal node is recomputed once, so a batch of k
   * updates costs at most k · depth hashes and usually fewer where paths merge. The whole batch is
   * validated before anything changes; an index may appear only once.
   */
  setMany(updates: Iterable<LeafUpdate>): void {
    const batch = [...updates];
    const seen = new Set<number>();
    for (const { index, leaf } of batch) {
      this.#checkIndex(index);
      if (typeof leaf !== "bigint" || !isFieldElement(leaf)) {
        throw new RangeError(`leaf for slot ${index} must be a field element, got ${String(leaf)}`);
      }
      if (seen.has(index)) throw new Error(`setMany: slot ${index} appears more than once in the batch`);
      seen.add(index);
    }
    let dirty = new Set<number>();
    for (const { index, leaf } of batch) {
      this.#store(0, index, leaf);
      dirty.add(Math.floor(index / 2));
    }
    for (let level = 1; level <= this.depth; level++) {
      const parents = new Set<number>();
      for (const pos of dirty) {
        this.#store(level, pos, this.#hash(this.#node(level - 1, 2 * pos), this.#node(level - 1, 2 * pos + 1)));
        parents.add(Math.floor(pos / 2));
      }
      dirty = parents;
    }
  }

  /** Membership proof for slot `index` (also valid for empty slots, with leaf 0). */
  proof(index: number): MerkleProof {
    this.#checkIndex(index);
    const siblings: bigint[] = [];
    const pathIndices: number[] = [];
    let pos = index;
    for (let level = 0; level < this.depth; level++) {
      const isRight = pos % 2;
      pathIndices.push(isRight);
      siblings.push(this.#node(level, isRight ? pos - 1 : pos + 1));
      pos = Math.floor(pos / 2);
    }
    return { leaf: this.#node(0, index), siblings, pathIndices };
  }

  /**
   * Root of the subtree at `level` (height above the leaves) and `position` (0 at the left). For
   * SISA, shard k of a tree with shard depth S is `subtreeRoot(depth - S, k)`.
   */
  subtreeRoot(level: number, position: number): bigint {
    this.#checkLevel(level);
    const width = 2 ** (this.depth - level);
    if (!Number.isInteger(position) || position < 0 || position >= width) {
      throw new RangeError(`position ${position} is outside level ${level}, which has ${width} nodes`);
    }
    return this.#node(level, position);
  }

  /** Non-empty slots in increasing index order. */
  *entries(): IterableIterator<[index: number, leaf: bigint]> {
    const indices = [...this.#nodes[0].keys()].sort((a, b) => a - b);
    for (const index of indices) yield [index, this.#nodes[0].get(index) as bigint];
  }

  /** Independent copy sharing only the hash function. */
  clone(): SparseMerkleTree {
    const copy = new SparseMerkleTree(this.depth, this.#hash);
    this.#nodes.forEach((level, l) => level.forEach((value, pos) => copy.#nodes[l].set(pos, value)));
    return copy;
  }

  /**
   * Recomputes the root from a proof and compares it with `root`. Malformed proofs (wrong lengths,
   * path indices that are not bits) are rejected rather than thrown on, so callers can feed
   * untrusted input.
   */
  static verifyProof(proof: MerkleProof, root: bigint, hash: HashPair): boolean {
    const { leaf, siblings, pathIndices } = proof;
    if (siblings.length !== pathIndices.length || siblings.length < 1 || siblings.length > MAX_TREE_DEPTH) return false;
    if (pathIndices.some((bit) => bit !== 0 && bit !== 1)) return false;
    const index = pathIndices.reduce((acc: number, bit, level) => acc + bit * 2 ** level, 0);
    return rootFromPath(leaf, index, siblings, hash) === root;
  }

  #node(level: number, pos: number): bigint {
    return this.#nodes[level].get(pos) ?? this.#zeros[level];
  }

  // Default-valued nodes are deleted rather than stored so emptying slots frees memory.
  #store(level: number, pos: number, value: bigint): void {
    if (value === this.#zeros[level]) this.#nodes[level].delete(pos);
    else this.#nodes[level].set(pos, value);
  }

  #checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.capacity) {
      throw new RangeError(`slot index ${index} is outside the tree: depth ${this.depth} has slots 0..${this.capacity - 1}`);
    }
  }

  #checkLevel(level: number): void {
    if (!Number.isInteger(level) || level < 0 || level > this.depth) {
      throw new RangeError(`level ${level} is outside the tree: levels run from 0 (slots) to ${this.depth} (root)`);
    }
  }
}

/**
 * The root of a Merkle path: hash `leaf` up with `siblings` (bottom-up); bit i of `index` says
 * whether the node at level i is a right child. The one path-folding loop, shared by
 * SparseMerkleTree.verifyProof and the receipt checker.
 */
export function rootFromPath(leaf: bigint, index: number, siblings: readonly bigint[], hash: HashPair): bigint {
  let node = leaf;
  siblings.forEach((sibling, level) => {
    node = Math.floor(index / 2 ** level) % 2 === 1 ? hash(sibling, node) : hash(node, sibling);
  });
  return node;
}
