import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { getProfile } from "../src/circuits/profiles.ts";
import { SparseMerkleTree } from "../src/crypto/merkle.ts";
import { getPoseidon, type PoseidonHasher } from "../src/crypto/poseidon.ts";
import { toField } from "../src/field.ts";
import { buildDeletionWitness } from "../src/statements/deletion.ts";
import { CircuitTester } from "./helpers/circuitTester.ts";

/** One circuit entry as a cheating prover could fill it (no validation at all). */
interface RawEntry {
  active: bigint;
  index: bigint;
  leaf: bigint;
  siblings: bigint[];
}

const DEPTH = 8;
const K = 2;
const padding = (): RawEntry => ({ active: 0n, index: 0n, leaf: 0n, siblings: new Array<bigint>(DEPTH).fill(0n) });

describe("DatasetDeletion circuit (profile deletion-d8-k2)", () => {
  let tester: CircuitTester;
  let poseidon: PoseidonHasher;
  let tree: SparseMerkleTree;
  const filled = [0, 3, 5, 17, 100, 200, 255];
  const EMPTY = 4;
  const leafOf = (i: number): bigint => BigInt(i) * 7_777_777n + 99n;

  before(async () => {
    tester = await CircuitTester.build(getProfile("deletion-d8-k2"));
    poseidon = await getPoseidon();
    tree = new SparseMerkleTree(DEPTH, (l, r) => poseidon.hash([l, r]));
    tree.setMany(filled.map((index) => ({ index, leaf: leafOf(index) })));
  });
  after(async () => {
    // snarkjs.wtns.check builds a multi-threaded curve; stop its workers so mocha can exit.
    await (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128?.terminate();
  });

  /** Entries for `indices` applied IN THE GIVEN ORDER, each proved against the tree so far. */
  const sequential = (indices: number[]): { entries: RawEntry[]; after: SparseMerkleTree } => {
    const after = tree.clone();
    const entries = indices.map((index) => {
      const proof = after.proof(index);
      after.set(index, 0n);
      return { active: 1n, index: BigInt(index), leaf: proof.leaf, siblings: proof.siblings };
    });
    return { entries, after };
  };
  /** The digest of exactly these entries, as the circuit computes it. */
  const digestOf = (entries: RawEntry[]): bigint => poseidon.sponge(entries.flatMap((e) => [e.index, e.leaf]));
  const rawInput = (oldRoot: bigint, newRoot: bigint, digest: bigint, entries: RawEntry[]): Record<string, unknown> => ({
    oldRoot: String(oldRoot),
    newRoot: String(newRoot),
    deletionDigest: String(digest),
    active: entries.map((e) => String(e.active)),
    index: entries.map((e) => String(e.index)),
    leaf: entries.map((e) => String(e.leaf)),
    siblings: entries.map((e) => e.siblings.map(String)),
  });
  /** A self-consistent input (digest and new root recomputed from the entries as given). */
  const consistent = (entries: RawEntry[], newRoot: bigint): Record<string, unknown> =>
    rawInput(tree.root, newRoot, digestOf(entries), entries);

  it("has 7,989 constraints: 2 × (8 levels × 480 − 3 + 5) + 1 × 8 ordering bits + Poseidon(4) 297", () => {
    assert.equal(tester.circuit.constraints, 2 * (8 * 480 - 3 + 5) + 8 + 297);
  });

  describe("accepts", () => {
    it("one deletion plus a padding entry; public signals equal the TypeScript oracle", async () => {
      const w = buildDeletionWitness(tree, [17], K, poseidon);
      const { oldRoot, newRoot, deletionDigest } = w.publicSignals;
      await tester.expectPass(w.input, [oldRoot, newRoot, deletionDigest]);
      const after = tree.clone();
      after.setMany(w.updates);
      assert.equal(newRoot, after.root);
    });

    it("K deletions, including the first and the last slot", async () => {
      const w = buildDeletionWitness(tree, [255, 0], K, poseidon);
      const { oldRoot, newRoot, deletionDigest } = w.publicSignals;
      await tester.expectPass(w.input, [oldRoot, newRoot, deletionDigest]);
    });

    it("adjacent slots that share every sibling but the first", async () => {
      const t = tree.clone();
      t.set(101, 5n);
      const w = buildDeletionWitness(t, [101, 100], K, poseidon);
      await tester.expectPass(w.input, [w.publicSignals.oldRoot, w.publicSignals.newRoot, w.publicSignals.deletionDigest]);
    });

    it("zero deletions (all padding): the root is unchanged", async () => {
      const w = buildDeletionWitness(tree, [], K, poseidon);
      assert.equal(w.publicSignals.newRoot, w.publicSignals.oldRoot);
      await tester.expectPass(w.input, [w.publicSignals.oldRoot, w.publicSignals.oldRoot, w.publicSignals.deletionDigest]);
    });

    it("padding with arbitrary siblings: they cannot move the root, so they do not matter", async () => {
      const { entries, after } = sequential([17]);
      const junk = { ...padding(), siblings: Array.from({ length: DEPTH }, (_, i) => BigInt(i) * 1234567n + 1n) };
      await tester.expectPass(consistent([entries[0], junk], after.root), [tree.root, after.root, digestOf([entries[0], padding()])]);
    });
  });

  describe("rejects", () => {
    it("deleting an empty slot (leaf 0, or a made-up leaf)", async () => {
      const proof = tree.proof(EMPTY);
      const claimZero = { active: 1n, index: BigInt(EMPTY), leaf: 0n, siblings: proof.siblings };
      await tester.expectFail(consistent([claimZero, padding()], tree.root));
      const madeUp = { ...claimZero, leaf: 42n };
      await tester.expectFail(consistent([madeUp, padding()], tree.root)); // the slot stays empty
      // The root moves by newPath - oldPath; claim exactly that, so only membership can object.
      const withMadeUp = tree.clone();
      withMadeUp.set(EMPTY, 42n);
      await tester.expectFail(consistent([madeUp, padding()], toField(tree.root + tree.root - withMadeUp.root)));
    });

    it("deleting the same slot twice", async () => {
      const { entries, after } = sequential([17, 17]);
      // Honest second entry: the slot is now 0, so it is not a deletion.
      await tester.expectFail(consistent(entries, after.root));
      // Lying second entry: the old leaf is no longer in the current tree.
      const lie = [entries[0], { ...entries[1], leaf: leafOf(17) }];
      await tester.expectFail(consistent(lie, after.root));
      // Lying about the tree: both entries proved against the original tree.
      const stale = [entries[0], { ...entries[0] }];
      await tester.expectFail(consistent(stale, after.root));
    });

    it("a new root in which a second, unlisted leaf changed", async () => {
      const w = buildDeletionWitness(tree, [17], K, poseidon);
      for (const [slot, value] of [[100, 999n], [100, 0n], [EMPTY, 7n]] as const) {
        const forged = tree.clone();
        forged.setMany([{ index: 17, leaf: 0n }, { index: slot, leaf: value }]);
        await tester.expectFail({ ...w.input, newRoot: String(forged.root) });
      }
    });

    it("a digest that does not match the deletions", async () => {
      const w = buildDeletionWitness(tree, [3, 17], K, poseidon);
      const wrong = [
        w.publicSignals.deletionDigest + 1n,
        poseidon.sponge([3n, leafOf(3), 0n, 0n]), // hides the second deletion
        poseidon.sponge([17n, leafOf(17), 3n, leafOf(3)]), // another order
        poseidon.sponge([3n, leafOf(3), 100n, leafOf(100)]), // names another slot
        poseidon.sponge([3n, leafOf(3), 17n, leafOf(17) + 1n]), // another leaf
      ];
      for (const digest of wrong) await tester.expectFail({ ...w.input, deletionDigest: String(digest) });
    });

    it("an index outside the tree, even one with the right low bits", async () => {
      const { entries, after } = sequential([17]);
      for (const index of [256n + 17n, 2n ** 32n + 17n, -(256n - 17n)]) {
        const alias = { ...entries[0], index };
        await tester.expectFail(consistent([alias, padding()], after.root));
      }
    });

    it("an aliased index (273 = 256 + 17) that the ordering check alone would let through", async () => {
      // After slot 100, index 273 keeps the gap 273 - 100 - 1 inside 8 bits: only the range check
      // on the index itself rejects it.
      const { entries, after } = sequential([100, 17]);
      await tester.expectFail(consistent([entries[0], { ...entries[1], index: 273n }], after.root));
    });

    it("active entries that are not sorted by index", async () => {
      const { entries, after } = sequential([100, 17]);
      await tester.expectFail(consistent(entries, after.root));
    });

    it("a padding entry before an active one", async () => {
      const { entries, after } = sequential([17]);
      await tester.expectFail(consistent([padding(), entries[0]], after.root));
    });

    it("a padding entry carrying a non-zero index or leaf", async () => {
      const { entries, after } = sequential([17]);
      await tester.expectFail(consistent([entries[0], { ...padding(), index: 5n }], after.root));
      await tester.expectFail(consistent([entries[0], { ...padding(), leaf: 5n }], after.root));
      // active must be a bit
      await tester.expectFail(consistent([{ ...entries[0], active: 2n }, padding()], after.root));
    });

    it("a wrong old root", async () => {
      const w = buildDeletionWitness(tree, [17], K, poseidon);
      const other = tree.clone();
      other.set(EMPTY, 1n);
      await tester.expectFail({ ...w.input, oldRoot: String(other.root) });
      await tester.expectFail({ ...w.input, oldRoot: String(tree.root + 1n) });
      // A forged old root with the new root shifted to match the linear root update, so that only
      // the membership check can object.
      const { oldRoot, newRoot } = w.publicSignals;
      await tester.expectFail({ ...w.input, oldRoot: String(other.root), newRoot: String(toField(other.root + newRoot - oldRoot)) });
    });
  });

  describe("padding cannot hide a change", () => {
    it("a real deletion dressed as padding (leaf and siblings of slot 100, active = 0) is rejected", async () => {
      const { entries, after } = sequential([17, 100]);
      const hidden = { ...entries[1], active: 0n };
      // With the digest of what the entries carry, and with the digest claiming only slot 17.
      await tester.expectFail(consistent([entries[0], hidden], after.root));
      await tester.expectFail(rawInput(tree.root, after.root, digestOf([entries[0], padding()]), [entries[0], hidden]));
      // Index zeroed to look like padding in the digest: the leaf still gives it away.
      const masked = { ...hidden, index: 0n };
      await tester.expectFail(consistent([entries[0], masked], after.root));
    });

    it("a deletion of slot 0 dressed as padding (index 0 is the padding index) is rejected", async () => {
      // Slot 0 is the one slot whose index a padding entry may carry, so only the leaf-0 rule stops
      // a padding entry with slot 0's real leaf and siblings from emptying it.
      assert.notEqual(tree.get(0), 0n);
      const { entries, after } = sequential([17, 0]);
      const hidden = { ...entries[1], active: 0n };
      await tester.expectFail(consistent([entries[0], hidden], after.root));
      await tester.expectFail(rawInput(tree.root, after.root, digestOf([entries[0], padding()]), [entries[0], hidden]));
    });

    it("a true padding entry (leaf 0) cannot move the root, whatever index and siblings it carries", async () => {
      const { entries } = sequential([17]);
      const { after: both } = sequential([17, 100]);
      const realSiblings = both.proof(100).siblings;
      for (const pad of [padding(), { ...padding(), siblings: realSiblings }, { ...padding(), index: 100n, siblings: realSiblings }]) {
        await tester.expectFail(rawInput(tree.root, both.root, digestOf([entries[0], padding()]), [entries[0], pad]));
        await tester.expectFail(consistent([entries[0], pad], both.root));
      }
    });
  });

  describe("witness tampering: every <-- signal is pinned by constraints", () => {
    it("the leaf inverse of an active entry and of a padding entry (IsNonZero's inv)", async () => {
      const one = buildDeletionWitness(tree, [17], K, poseidon).input;
      await tester.expectConstraintFail(one, { "leafNonZero[0].inv": 1n });
      // The padding entry's honest inverse is 0; a stray value is caught too.
      await tester.expectConstraintFail(one, { "leafNonZero[1].inv": 7n });
    });

    it("every surviving Num2Bits bit (index bits and ordering gap bits)", async () => {
      // Slots with mixed bit patterns, so flipping any bit changes the value.
      const input = buildDeletionWitness(tree, [5, 200], K, poseidon).input;
      const bitSignals = tester
        .signalNames()
        .filter((n) => /^main\.(indexBits\[\d+\]|order\[\d+\])\.out\[\d+\]$/.test(n))
        .filter((n) => tester.hasWire(n));
      assert.ok(bitSignals.length >= K * DEPTH, `only ${bitSignals.length} bit signals survived optimisation`);
      const witness = await tester.expectPass(input);
      for (const name of bitSignals) {
        const honest = tester.readSignal(witness, name);
        const forged = tester.tamper(witness, { [name]: 1n - honest });
        assert.notEqual(await tester.firstFailingConstraint(forged), -1, `flipping ${name} goes unnoticed`);
      }
    });

    it("the R1CS evaluator agrees with snarkjs.wtns.check on honest and forged witnesses", async () => {
      const dir = await mkdtemp(join(tmpdir(), "zkforget-wtns-"));
      try {
        const input = buildDeletionWitness(tree, [17], K, poseidon).input;
        const witness = await tester.expectPass(input);
        const quiet = { info: () => {}, debug: () => {}, warn: () => {}, error: () => {} };
        await tester.writeWtns(join(dir, "good.wtns"), witness);
        assert.equal(await snarkjs.wtns.check(tester.circuit.r1csPath, join(dir, "good.wtns"), quiet), true);
        await tester.writeWtns(join(dir, "bad.wtns"), tester.tamper(witness, { "leafNonZero[0].inv": 1n }));
        assert.equal(await snarkjs.wtns.check(tester.circuit.r1csPath, join(dir, "bad.wtns"), quiet), false);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
