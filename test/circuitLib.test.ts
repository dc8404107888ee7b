import assert from "node:assert/strict";
import { poseidon2 } from "poseidon-lite";
import { SparseMerkleTree } from "../src/crypto/merkle.ts";
import { getPoseidon, type PoseidonHasher } from "../src/crypto/poseidon.ts";
import { SNARK_FIELD, toField } from "../src/field.ts";
import { CircuitTester, testProfile } from "./helpers/circuitTester.ts";

const lite = (l: bigint, r: bigint): bigint => poseidon2([l, r]);
const modInverse = (a: bigint): bigint => {
  // Fermat: a^(p-2) mod p.
  let result = 1n;
  let base = toField(a);
  for (let e = SNARK_FIELD - 2n; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * base) % SNARK_FIELD;
    base = (base * base) % SNARK_FIELD;
  }
  return result;
};

describe("circuit library templates", () => {
  let poseidon: PoseidonHasher;
  before(async () => {
    poseidon = await getPoseidon();
  });

  describe("PoseidonHash(n) is circomlib's Poseidon(n): the hash of src/crypto/poseidon.ts, as many constraints", () => {
    // circomlib's partial-round counts, indexed by n - 1 (t = n + 1).
    const partialRounds = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
    for (const n of [1, 2, 3, 5, 15, 16]) {
      it(`n = ${n}`, async () => {
        const tester = await CircuitTester.build(testProfile("PoseidonHash", "lib/poseidon.circom", [n]));
        // 3 constraints per S-box (8 full rounds of n + 1 lanes, one per partial round), less the
        // capacity lane's first S-box, which is a constant: circomlib's count after --O2.
        assert.equal(tester.circuit.constraints, 3 * (8 * (n + 1) + partialRounds[n - 1]! - 1));
        const values = Array.from({ length: n }, (_, i) => BigInt(i * 104_729 + 3) ** 5n);
        const witness = await tester.expectPass({ inputs: values.map(String) }, { out: poseidon.hash(values) });
        // The output is pinned: another value fails a constraint.
        assert.notEqual(await tester.firstFailingConstraint(tester.tamper(witness, { out: poseidon.hash(values) + 1n })), -1);
      });
    }
  });

  describe("PoseidonSponge(n) computes spongeWith from src/crypto/poseidon.ts", () => {
    // 1..16: one Poseidon; 17: 16 + 1; 31: 16 + 15; 32: 16 + 15 + 1 (a one-value last chunk).
    for (const n of [1, 3, 16, 17, 31, 32]) {
      it(`n = ${n}`, async () => {
        const tester = await CircuitTester.build(testProfile("PoseidonSponge", "lib/sponge.circom", [n]));
        const values = Array.from({ length: n }, (_, i) => BigInt(i * 7919 + 1) ** 3n);
        await tester.expectPass({ in: values.map(String) }, { out: poseidon.sponge(values) });
      });
    }
  });

  it("IsNonZero: the R1CS accepts exactly out = (in != 0) with the unique helper inverse", async () => {
    const tester = await CircuitTester.build(testProfile("IsNonZero", "lib/nonzero.circom", []));
    assert.equal(tester.circuit.constraints, 3);
    await tester.expectPass({ in: "0" }, { out: 0n, inv: 0n });
    await tester.expectPass({ in: "5" }, { out: 1n, inv: toField(modInverse(5n)) });
    // Every (in, out, inv) on a grid that covers the honest values and the classic forgeries
    // (out = 0 for in != 0 with inv = 0; a free inverse when in = 0; non-boolean out).
    const honest = await tester.calculateWitness({ in: "0" });
    const inv5 = modInverse(5n);
    for (const input of [0n, 5n]) {
      for (const out of [0n, 1n, 2n]) {
        for (const inv of [0n, inv5, toField(2n * inv5), 7n]) {
          const accepted = (await tester.firstFailingConstraint(tester.withSignals(honest, { in: input, out, inv }))) === -1;
          const correct = input === 0n ? out === 0n && inv === 0n : out === 1n && inv === inv5;
          assert.equal(accepted, correct, `in=${input} out=${out} inv=${inv}`);
        }
      }
    }
  });

  describe("Merkle templates agree with SparseMerkleTree (poseidon-lite)", () => {
    const depth = 4;
    const tree = new SparseMerkleTree(depth, lite);
    tree.setMany([1, 6, 7, 10, 15].map((index) => ({ index, leaf: BigInt(index) * 1_000_003n + 12345n })));
    const cleared = (index: number): bigint => {
      const copy = tree.clone();
      copy.set(index, 0n);
      return copy.root;
    };
    const inputOf = (index: number, leaf?: bigint): Record<string, unknown> => {
      const proof = tree.proof(index);
      return { leaf: String(leaf ?? proof.leaf), siblings: proof.siblings.map(String), pathBits: proof.pathIndices.map(String) };
    };

    it("MerkleRoot(4): one selector constraint + one Poseidon(2) per level", async () => {
      const tester = await CircuitTester.build(testProfile("MerkleRoot", "lib/merkle.circom", [depth]));
      assert.equal(tester.circuit.constraints, depth * (1 + 240));
      for (const index of [0, 1, 6, 10, 15]) await tester.expectPass(inputOf(index), { root: tree.root });
      // A wrong leaf gives another root (the template computes, the caller compares).
      const w = await tester.expectPass(inputOf(6, 5n));
      assert.notEqual(tester.readSignal(w, "root"), tree.root);
    });

    it("MerkleClearSlot(4): old and new roots along shared siblings, 3 constraints cheaper per level", async () => {
      const tester = await CircuitTester.build(testProfile("MerkleClearSlot", "lib/merkle.circom", [depth]));
      // Per level: 3 S-boxes (node, new node, shared sibling) + 2 selectors + 2 × 234 for the rest
      // of each Poseidon = 479, versus 2 × (240 + 1) = 482; at level 0 the new node is the
      // constant 0, whose S-box costs nothing.
      assert.equal(tester.circuit.constraints, depth * 479 - 3);
      // Every bit pattern at every level, filled and empty slots, both children of a pair.
      for (let index = 0; index < 2 ** depth; index++) {
        await tester.expectPass(inputOf(index), { oldRoot: tree.root, newRoot: cleared(index) });
      }
    });
  });
});
