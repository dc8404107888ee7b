import assert from "node:assert/strict";
import { poseidon2 } from "poseidon-lite";
import { SparseMerkleTree } from "../src/crypto/merkle.ts";
import { getPoseidon, type PoseidonHasher } from "../src/crypto/poseidon.ts";
import { buildDeletionWitness, deletionDigest } from "../src/statements/deletion.ts";

describe("deletion statement (TypeScript oracle)", () => {
  let poseidon: PoseidonHasher;
  let tree: SparseMerkleTree;
  const filled = [0, 3, 5, 17, 100, 200, 255];
  const leafOf = (i: number): bigint => BigInt(i) * 7_777_777n + 99n;

  before(async () => {
    poseidon = await getPoseidon();
  });
  beforeEach(() => {
    tree = new SparseMerkleTree(8, (l, r) => poseidon.hash([l, r]));
    tree.setMany(filled.map((index) => ({ index, leaf: leafOf(index) })));
  });

  it("sorts the indices, pads to K and leaves the tree untouched", () => {
    const before = tree.root;
    const w = buildDeletionWitness(tree, [100, 3], 4, poseidon);
    assert.equal(tree.root, before);
    assert.equal(tree.get(3), leafOf(3));
    assert.deepEqual(w.deleted, [{ index: 3, leaf: leafOf(3) }, { index: 100, leaf: leafOf(100) }]);
    assert.deepEqual(w.updates, [{ index: 3, leaf: 0n }, { index: 100, leaf: 0n }]);
    assert.deepEqual(w.input.active, ["1", "1", "0", "0"]);
    assert.deepEqual(w.input.index, ["3", "100", "0", "0"]);
    assert.deepEqual(w.input.leaf, [leafOf(3), leafOf(100), 0n, 0n].map(String));
    assert.equal((w.input.siblings as string[][]).length, 4);
    assert.ok((w.input.siblings as string[][]).every((s) => s.length === 8));
    assert.deepEqual((w.input.siblings as string[][])[3], new Array(8).fill("0"));

    const after = tree.clone();
    after.setMany(w.updates);
    assert.equal(w.publicSignals.oldRoot, before);
    assert.equal(w.publicSignals.newRoot, after.root);
    assert.equal(w.input.oldRoot, before.toString());
    assert.equal(w.input.newRoot, after.root.toString());
    assert.equal(w.publicSignals.deletionDigest, poseidon.sponge([3n, leafOf(3), 100n, leafOf(100), 0n, 0n, 0n, 0n]));
    assert.equal(w.input.deletionDigest, w.publicSignals.deletionDigest.toString());
  });

  it("takes each entry's siblings from the tree with the earlier entries applied", () => {
    const w = buildDeletionWitness(tree, [5, 3], 2, poseidon);
    const step = tree.clone();
    assert.deepEqual((w.input.siblings as string[][])[0], step.proof(3).siblings.map(String));
    step.set(3, 0n);
    assert.deepEqual((w.input.siblings as string[][])[1], step.proof(5).siblings.map(String));
  });

  it("allows zero deletions: the root is unchanged and the digest is the all-padding one", () => {
    const w = buildDeletionWitness(tree, [], 2, poseidon);
    assert.equal(w.publicSignals.newRoot, w.publicSignals.oldRoot);
    assert.equal(w.publicSignals.deletionDigest, poseidon.sponge([0n, 0n, 0n, 0n]));
    assert.deepEqual(w.deleted, []);
  });

  it("rejects duplicates, out-of-range indices, empty slots and more than K, naming the index", () => {
    assert.throws(() => buildDeletionWitness(tree, [17, 3, 17], 4, poseidon), /index 17 is listed more than once/);
    assert.throws(() => buildDeletionWitness(tree, [256], 2, poseidon), (e: unknown) => e instanceof RangeError && /index 256 is outside the tree/.test(e.message));
    assert.throws(() => buildDeletionWitness(tree, [-1], 2, poseidon), /index -1 is outside the tree/);
    assert.throws(() => buildDeletionWitness(tree, [2.5], 2, poseidon), /index 2.5 is outside the tree/);
    assert.throws(() => buildDeletionWitness(tree, [3, 4], 2, poseidon), /slot 4 is empty/);
    assert.throws(() => buildDeletionWitness(tree, [0, 3, 5], 2, poseidon), /3 deletions exceed the maximum K = 2/);
    assert.throws(() => buildDeletionWitness(tree, [0], 0, poseidon), /K \(maximum deletions\)/);
  });

  it("detects a tree built with another hash", () => {
    const other = new SparseMerkleTree(8, (l, r) => poseidon2([r, l]));
    other.set(3, 1n);
    assert.throws(() => buildDeletionWitness(other, [3], 2, poseidon), /another hash/);
  });

  it("deletionDigest binds sorted, non-empty, at most K pairs", () => {
    const pairs = [{ index: 3, leaf: 9n }, { index: 8, leaf: 1n }];
    assert.equal(deletionDigest(pairs, 2, poseidon), poseidon.sponge([3n, 9n, 8n, 1n]));
    assert.equal(deletionDigest(pairs, 3, poseidon), poseidon.sponge([3n, 9n, 8n, 1n, 0n, 0n]));
    assert.notEqual(deletionDigest(pairs, 3, poseidon), deletionDigest(pairs, 2, poseidon));
    assert.throws(() => deletionDigest([...pairs].reverse(), 2, poseidon), /strictly increasing/);
    assert.throws(() => deletionDigest([pairs[0], pairs[0]], 2, poseidon), /strictly increasing/);
    assert.throws(() => deletionDigest([{ index: 3, leaf: 0n }], 2, poseidon), /leaf 0/);
    assert.throws(() => deletionDigest(pairs, 1, poseidon), /exceed the maximum K = 1/);
    // K = 8 is a single Poseidon(16); K = 9 chains a second call.
    const nine = Array.from({ length: 9 }, (_, i) => ({ index: i, leaf: BigInt(i + 1) }));
    assert.equal(deletionDigest(nine, 9, poseidon), poseidon.hash([poseidon.hash(nine.slice(0, 8).flatMap((p) => [BigInt(p.index), p.leaf])), 8n, 9n]));
  });
});
