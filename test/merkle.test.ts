import assert from "node:assert/strict";
import { poseidon2 } from "poseidon-lite";
import { SparseMerkleTree, type HashPair } from "../src/crypto/merkle.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { SNARK_FIELD } from "../src/field.ts";

// poseidon-lite is an implementation independent of circomlibjs, so agreeing with it checks both
// the tree logic and the production hasher.
const lite: HashPair = (l, r) => poseidon2([l, r]);

/** Every level of a full tree, computed the obvious way (levels[0] = leaves). */
function naiveLevels(depth: number, leaves: Map<number, bigint>): bigint[][] {
  const levels: bigint[][] = [Array.from({ length: 2 ** depth }, (_, i) => leaves.get(i) ?? 0n)];
  for (let l = 0; l < depth; l++) {
    const below = levels[l];
    levels.push(Array.from({ length: below.length / 2 }, (_, i) => lite(below[2 * i], below[2 * i + 1])));
  }
  return levels;
}

/** Root of a huge sparse tree by recursion, skipping subtrees without leaves. */
function naiveSparseRoot(depth: number, leaves: Map<number, bigint>): bigint {
  const zeros = [0n];
  for (let l = 0; l < depth; l++) zeros.push(lite(zeros[l], zeros[l]));
  const filled = [...leaves.entries()].filter(([, v]) => v !== 0n);
  const node = (level: number, pos: number, inside: [number, bigint][]): bigint => {
    if (inside.length === 0) return zeros[level];
    if (level === 0) return inside[0][1];
    const half = 2 ** (level - 1);
    const start = pos * 2 ** level;
    return lite(
      node(level - 1, 2 * pos, inside.filter(([i]) => i < start + half)),
      node(level - 1, 2 * pos + 1, inside.filter(([i]) => i >= start + half)),
    );
  };
  return node(depth, 0, filled);
}

/** Deterministic pseudo-random field elements (xorshift), so failures reproduce. */
function rng(seed: number): () => bigint {
  let s = seed >>> 0 || 1;
  const next32 = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return () => {
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 32n) | BigInt(next32());
    return (v % (SNARK_FIELD - 1n)) + 1n;
  };
}

describe("SparseMerkleTree", () => {
  it("matches a naive full tree at depth 4: roots, every proof, every subtree root", () => {
    const rand = rng(7);
    const leaves = new Map<number, bigint>([[0, rand()], [3, rand()], [4, rand()], [9, rand()], [15, rand()]]);
    const tree = new SparseMerkleTree(4, lite);
    for (const [i, v] of leaves) tree.set(i, v);
    const levels = naiveLevels(4, leaves);
    assert.equal(tree.root, levels[4][0]);
    for (let index = 0; index < 16; index++) {
      const proof = tree.proof(index);
      assert.equal(proof.leaf, levels[0][index]);
      assert.deepEqual(proof.pathIndices, [0, 1, 2, 3].map((b) => (index >> b) & 1));
      assert.deepEqual(proof.siblings, [0, 1, 2, 3].map((l) => levels[l][(index >> l) ^ 1]));
      assert.ok(SparseMerkleTree.verifyProof(proof, tree.root, lite));
    }
    for (let level = 0; level <= 4; level++) {
      for (let pos = 0; pos < 2 ** (4 - level); pos++) assert.equal(tree.subtreeRoot(level, pos), levels[level][pos]);
    }
  });

  it("empty tree root is the zero-subtree hash and empty slots have valid proofs", () => {
    const tree = new SparseMerkleTree(5, lite);
    assert.equal(tree.root, naiveLevels(5, new Map())[5][0]);
    assert.equal(tree.zeroHash(5), tree.root);
    assert.equal(tree.zeroHash(0), 0n);
    const proof = tree.proof(17);
    assert.equal(proof.leaf, 0n);
    assert.ok(SparseMerkleTree.verifyProof(proof, tree.root, lite));
  });

  it("setMany equals sequential set, recomputing shared parents once", () => {
    const rand = rng(11);
    const updates = [3, 2, 200, 201, 77, 0, 255].map((index) => ({ index, leaf: rand() }));
    const a = new SparseMerkleTree(8, lite);
    for (const u of updates) a.set(u.index, u.leaf);
    let calls = 0;
    const b = new SparseMerkleTree(8, (l, r) => (calls++, lite(l, r)));
    calls = 0;
    b.setMany(updates);
    assert.equal(b.root, a.root);
    assert.ok(calls < updates.length * 8, `${calls} hashes for a batch that shares paths`);
    assert.deepEqual([...b.entries()], [...a.entries()]);
  });

  it("emptying every slot returns to the empty root and stores nothing", () => {
    const rand = rng(3);
    const tree = new SparseMerkleTree(6, lite);
    const empty = tree.root;
    tree.setMany([5, 6, 40].map((index) => ({ index, leaf: rand() })));
    assert.notEqual(tree.root, empty);
    tree.setMany([5, 6, 40].map((index) => ({ index, leaf: 0n })));
    assert.equal(tree.root, empty);
    assert.deepEqual([...tree.entries()], []);
  });

  it("verifyProof rejects tampered and malformed proofs", () => {
    const rand = rng(5);
    const tree = new SparseMerkleTree(4, lite);
    tree.set(6, rand());
    const proof = tree.proof(6);
    assert.ok(SparseMerkleTree.verifyProof(proof, tree.root, lite));
    assert.ok(!SparseMerkleTree.verifyProof({ ...proof, leaf: proof.leaf + 1n }, tree.root, lite));
    assert.ok(!SparseMerkleTree.verifyProof({ ...proof, pathIndices: [1, 1, 1, 0] }, tree.root, lite));
    assert.ok(!SparseMerkleTree.verifyProof({ ...proof, pathIndices: [0, 1, 2, 0] }, tree.root, lite));
    assert.ok(!SparseMerkleTree.verifyProof({ ...proof, siblings: proof.siblings.slice(1) }, tree.root, lite));
    assert.ok(!SparseMerkleTree.verifyProof(proof, tree.root + 1n, lite));
  });

  it("clone is independent", () => {
    const tree = new SparseMerkleTree(4, lite);
    tree.set(1, 5n);
    const copy = tree.clone();
    copy.set(2, 9n);
    assert.equal(tree.get(2), 0n);
    assert.notEqual(copy.root, tree.root);
    assert.equal(copy.get(1), 5n);
  });

  it("rejects bad depths, indices, levels and leaves with RangeErrors naming the value", () => {
    for (const depth of [0, 33, 2.5, Number.NaN]) assert.throws(() => new SparseMerkleTree(depth, lite), RangeError);
    const tree = new SparseMerkleTree(4, lite);
    for (const index of [-1, 16, 1.5, Number.NaN]) {
      assert.throws(() => tree.get(index), (e: unknown) => e instanceof RangeError && e.message.includes(String(index)));
      assert.throws(() => tree.set(index, 1n), RangeError);
      assert.throws(() => tree.proof(index), RangeError);
    }
    assert.throws(() => tree.set(1, SNARK_FIELD), RangeError);
    assert.throws(() => tree.set(1, -1n), RangeError);
    assert.throws(() => tree.subtreeRoot(5, 0), RangeError);
    assert.throws(() => tree.subtreeRoot(2, 4), RangeError);
    assert.throws(() => tree.zeroHash(5), RangeError);
  });

  it("setMany validates the whole batch first: a duplicate index changes nothing", () => {
    const tree = new SparseMerkleTree(4, lite);
    const root = tree.root;
    assert.throws(() => tree.setMany([{ index: 1, leaf: 2n }, { index: 1, leaf: 3n }]), /slot 1 appears more than once/);
    assert.throws(() => tree.setMany([{ index: 1, leaf: 2n }, { index: 16, leaf: 3n }]), RangeError);
    assert.equal(tree.root, root);
  });

  it("depth 20 sparse tree matches the naive recursion, and circomlibjs agrees with poseidon-lite", async () => {
    const rand = rng(20);
    const leaves = new Map<number, bigint>([[0, rand()], [1, rand()], [2 ** 19, rand()], [123_456, rand()], [2 ** 20 - 1, rand()]]);
    const poseidon = await getPoseidon();
    const prod = new SparseMerkleTree(20, (l, r) => poseidon.hash([l, r]));
    const ref = new SparseMerkleTree(20, lite);
    prod.setMany([...leaves].map(([index, leaf]) => ({ index, leaf })));
    ref.setMany([...leaves].map(([index, leaf]) => ({ index, leaf })));
    assert.equal(prod.root, naiveSparseRoot(20, leaves));
    assert.equal(ref.root, prod.root);
    for (const index of [...leaves.keys(), 5, 2 ** 19 + 1]) {
      assert.ok(SparseMerkleTree.verifyProof(prod.proof(index), prod.root, lite));
    }
    // The shard subtree root (SISA) is the node at level depth - S.
    assert.equal(prod.subtreeRoot(19, 1), naiveSparseRoot(19, new Map([[0, leaves.get(2 ** 19) as bigint], [2 ** 19 - 1, leaves.get(2 ** 20 - 1) as bigint]])));
  });

  it("depth 32: indices up to 2^32 - 1, path bits above bit 31", () => {
    const rand = rng(32);
    const leaves = new Map<number, bigint>([[0, rand()], [2 ** 31, rand()], [2 ** 32 - 1, rand()], [3_000_000_000, rand()]]);
    const tree = new SparseMerkleTree(32, lite);
    tree.setMany([...leaves].map(([index, leaf]) => ({ index, leaf })));
    assert.equal(tree.root, naiveSparseRoot(32, leaves));
    const proof = tree.proof(2 ** 32 - 1);
    assert.deepEqual(proof.pathIndices, new Array(32).fill(1));
    assert.equal(tree.proof(2 ** 31).pathIndices[31], 1);
    for (const index of leaves.keys()) assert.ok(SparseMerkleTree.verifyProof(tree.proof(index), tree.root, lite));
    assert.throws(() => tree.get(2 ** 32), RangeError);
  });
});
