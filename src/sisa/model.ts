/**
 * Model commitment of a SISA ensemble and the system state.
 *
 *   model leaf k = Poseidon(weightsHash(weights_k), salt_k)     (0 while shard k is untrained)
 *   modelRoot    = binary Poseidon Merkle tree over the 2^S model leaves
 *   state        = Poseidon(dataRoot, modelRoot, configHash)
 *
 * The salt hides the weights: a leaf reveals nothing about them. Dependency-free (Poseidon is
 * passed in) so a verifier can recompute leaves and states with its own Poseidon.
 */
import { SparseMerkleTree } from "../crypto/merkle.ts";
import { isFieldElement } from "../field.ts";
import { checkWeights, weightsHash, type PoseidonFn, type Weights } from "../ml/weights.ts";

/** A trained shard: its weights (F + 1, bias last) and the salt of its model leaf. */
export interface ShardModel {
  weights: Weights;
  salt: bigint;
}

/** Model leaf = Poseidon(weightsHash(weights), salt). @throws RangeError for a non-field salt */
export function modelLeaf(model: ShardModel, hash: PoseidonFn): bigint {
  if (!isFieldElement(model.salt)) throw new RangeError("model salt is not a field element");
  return hash([weightsHash(model.weights, hash), model.salt]);
}

/** state = Poseidon(dataRoot, modelRoot, configHash). */
export function stateHash(dataRoot: bigint, modelRoot: bigint, configHashValue: bigint, hash: PoseidonFn): bigint {
  return hash([dataRoot, modelRoot, configHashValue]);
}

/**
 * The controller's private view of the model tree: the weights and salt of every trained shard
 * and the Merkle tree of their leaves. Immutable: {@link withShard} returns a new commitment.
 */
export class ModelCommitment {
  readonly #models: ReadonlyMap<number, ShardModel>;
  readonly #tree: SparseMerkleTree;
  readonly #hash: PoseidonFn;

  private constructor(readonly shardDepth: number, readonly features: number, models: ReadonlyMap<number, ShardModel>, tree: SparseMerkleTree, hash: PoseidonFn) {
    this.#models = models;
    this.#tree = tree;
    this.#hash = hash;
  }

  /** No shard trained yet: every leaf is 0. */
  static empty(shardDepth: number, features: number, hash: PoseidonFn): ModelCommitment {
    return new ModelCommitment(shardDepth, features, new Map(), new SparseMerkleTree(shardDepth, (l, r) => hash([l, r])), hash);
  }

  /** Public model root. */
  get root(): bigint {
    return this.#tree.root;
  }

  /** Number of shards, 2^S. */
  get shardCount(): number {
    return this.#tree.capacity;
  }

  /** The model of shard k, or undefined while it is untrained. */
  shard(k: number): ShardModel | undefined {
    this.#checkShard(k);
    const m = this.#models.get(k);
    return m && { weights: [...m.weights], salt: m.salt };
  }

  /** Leaf k (0 while untrained). */
  leaf(k: number): bigint {
    this.#checkShard(k);
    return this.#tree.get(k);
  }

  /** Siblings of leaf k, bottom-up. */
  siblings(k: number): bigint[] {
    this.#checkShard(k);
    return this.#tree.proof(k).siblings;
  }

  /** Trained shards and their models, in shard order. */
  trained(): [shard: number, model: ShardModel][] {
    return [...this.#models.keys()].sort((a, b) => a - b).map((k) => [k, this.shard(k)!]);
  }

  /** The commitment with shard k's model replaced. @throws RangeError for bad weights or salt */
  withShard(k: number, model: ShardModel): ModelCommitment {
    this.#checkShard(k);
    checkWeights(model.weights, this.features);
    const copy: ShardModel = { weights: [...model.weights], salt: model.salt };
    const tree = this.#tree.clone();
    tree.set(k, modelLeaf(copy, this.#hash));
    return new ModelCommitment(this.shardDepth, this.features, new Map([...this.#models, [k, copy]]), tree, this.#hash);
  }

  #checkShard(k: number): void {
    if (!Number.isInteger(k) || k < 0 || k >= this.#tree.capacity) {
      throw new RangeError(`shard ${k} does not exist: the model tree has shards 0..${this.#tree.capacity - 1}`);
    }
  }
}
