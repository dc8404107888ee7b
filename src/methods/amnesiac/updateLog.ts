/**
 * The update log: a Poseidon Merkle tree (src/crypto/merkle.ts) of depth logDepth(config) whose
 * leaf t commits step t's update Δ_t = w_{t+1} − w_t (F + 1 signed fixed-point values):
 *
 *   logLeaf(t, salt, Δ) = PoseidonSponge(t, salt, Δ_0, …, Δ_F)     (Δ field-signed)
 *
 * and an unwritten position is 0. Why salted: Δ_t is a scaled gradient of one batch, which leaks
 * the batch's records; the salt (random per step) makes the leaf hide it. Why t is hashed: a leaf
 * only opens at its own position, even to someone who ignores the Merkle path.
 *
 * Unlearning SUBTRACTS Δ_t once and replaces leaf t by logLeaf(t, salt, 0…0): the same salt, a
 * zero update. A later deletion whose record shared the batch opens the zeroed leaf and subtracts
 * nothing, so no update is ever subtracted twice. A repair step (repair.ts) may then write a new
 * update into a subtracted leaf, with a fresh salt. The circuits compute exactly this
 * (circuits/lib/amnesiac.circom, circuits/amnesiacRepair.circom).
 */
import { SparseMerkleTree } from "../../crypto/merkle.ts";
import { spongeWith } from "../../crypto/sponge.ts";
import { toFieldSigned } from "../../encoding/fixedPoint.ts";
import { isFieldElement } from "../../field.ts";
import type { PoseidonFn } from "../../ml/weights.ts";
import { logDepth, totalSteps, type AmnesiacShape } from "./config.ts";
import { checkStep } from "./schedule.ts";

/** One logged step: its update and the salt of its leaf. */
export interface LoggedStep {
  delta: readonly bigint[];
  salt: bigint;
  /** True once unlearning subtracted the update (the leaf then commits a zero update). */
  subtracted: boolean;
}

/** Leaf of step t (module comment). */
export function logLeaf(t: number, salt: bigint, delta: readonly bigint[], hash: PoseidonFn): bigint {
  if (!isFieldElement(salt)) throw new RangeError(`salt of step ${t} is not a field element`);
  return spongeWith(hash, [BigInt(t), salt, ...delta.map(toFieldSigned)]);
}

/** The controller's private update log: every step's update and salt, and the public tree. Immutable. */
export class UpdateLog {
  readonly #steps: readonly LoggedStep[];
  readonly #tree: SparseMerkleTree;

  private constructor(readonly shape: AmnesiacShape, steps: readonly LoggedStep[], tree: SparseMerkleTree, readonly hash: PoseidonFn) {
    this.#steps = steps;
    this.#tree = tree;
  }

  /** The empty log of a config's training (its root is in the genesis state). */
  static empty(shape: AmnesiacShape, hash: PoseidonFn): UpdateLog {
    return new UpdateLog(shape, [], new SparseMerkleTree(logDepth(shape), (l, r) => hash([l, r])), hash);
  }

  /** Public root. */
  get root(): bigint {
    return this.#tree.root;
  }

  /** Steps logged so far (the next step's index). */
  get length(): number {
    return this.#steps.length;
  }

  /** Whether every step of the training is logged. */
  get complete(): boolean {
    return this.#steps.length === totalSteps(this.shape);
  }

  /** Step t's entry. @throws RangeError for a step not logged */
  step(t: number): LoggedStep {
    checkStep(t, this.shape);
    const s = this.#steps[t];
    if (s === undefined) throw new RangeError(`step ${t} is not in the log yet (${this.#steps.length} steps logged)`);
    return { delta: [...s.delta], salt: s.salt, subtracted: s.subtracted };
  }

  /** The update unlearning would subtract for step t now: Δ_t, or zeros once subtracted. */
  pendingDelta(t: number): bigint[] {
    const s = this.step(t);
    return s.subtracted ? s.delta.map(() => 0n) : [...s.delta];
  }

  /** Leaf t of the tree (0 while unwritten). */
  leaf(t: number): bigint {
    return this.#tree.get(t);
  }

  /** Siblings of position t, bottom-up. */
  siblings(t: number): bigint[] {
    return this.#tree.proof(t).siblings;
  }

  /** Subtree root at `level` and `position` (for a proof's block of appended steps). */
  subtreeRoot(level: number, position: number): bigint {
    return this.#tree.subtreeRoot(level, position);
  }

  /** The log with the next steps appended, in order. @throws RangeError past the last step */
  append(steps: readonly { delta: readonly bigint[]; salt: bigint }[]): UpdateLog {
    const tree = this.#tree.clone();
    const next = [...this.#steps];
    for (const { delta, salt } of steps) {
      const t = next.length;
      checkStep(t, this.shape);
      if (delta.length !== this.shape.features + 1) throw new RangeError(`update of step ${t} has ${delta.length} entries, the model ${this.shape.features + 1}`);
      tree.set(t, logLeaf(t, salt, delta, this.hash));
      next.push({ delta: [...delta], salt, subtracted: false });
    }
    return new UpdateLog(this.shape, next, tree, this.hash);
  }

  /** The log after subtracting `steps` (each leaf replaced by its zero-update leaf). */
  subtract(steps: readonly number[]): UpdateLog {
    const tree = this.#tree.clone();
    const next = [...this.#steps];
    for (const t of new Set(steps)) {
      const s = this.step(t);
      tree.set(t, logLeaf(t, s.salt, s.delta.map(() => 0n), this.hash));
      next[t] = { ...s, subtracted: true };
    }
    return new UpdateLog(this.shape, next, tree, this.hash);
  }

  /**
   * The log after a repair step (repair.ts) logged `delta` at step t, whose update an unlearning
   * subtracted: leaf t becomes logLeaf(t, salt, delta) (a fresh salt) and counts as pending
   * again, so a later deletion in t's batch subtracts it like a training update.
   * @throws RangeError for a step not logged, one whose update is not subtracted, or a wrong length
   */
  repair(t: number, delta: readonly bigint[], salt: bigint): UpdateLog {
    const s = this.step(t);
    if (!s.subtracted) throw new RangeError(`step ${t}'s update is not subtracted: only a subtracted update is replaced by a repair step's`);
    if (delta.length !== this.shape.features + 1) throw new RangeError(`update of step ${t} has ${delta.length} entries, the model ${this.shape.features + 1}`);
    const tree = this.#tree.clone();
    tree.set(t, logLeaf(t, salt, delta, this.hash));
    const next = [...this.#steps];
    next[t] = { delta: [...delta], salt, subtracted: false };
    return new UpdateLog(this.shape, next, tree, this.hash);
  }

  /** Every logged step, in order (for a private snapshot). */
  entries(): LoggedStep[] {
    return this.#steps.map((s) => ({ delta: [...s.delta], salt: s.salt, subtracted: s.subtracted }));
  }
}
