import assert from "node:assert/strict";
import { getProfile } from "../src/circuits/profiles.ts";
import { SCALE } from "../src/encoding/fixedPoint.ts";
import { toField } from "../src/field.ts";
import { WEIGHT_LIMIT } from "../src/ml/bounds.ts";
import { configHash } from "../src/ml/config.ts";
import { trainShard } from "../src/ml/trainer.ts";
import type { TrainingSlot } from "../src/ml/trainingInput.ts";
import { shardDeletionDigest } from "../src/sisa/digest.ts";
import { ModelCommitment, stateHash } from "../src/sisa/model.ts";
import { shardRetrainSignalList, type ShardRetrainWitness } from "../src/statements/shardRetrain.ts";
import { CircuitTester } from "./helpers/circuitTester.ts";
import { setCell, setEntry, withInput } from "./helpers/circuitInput.ts";
import { SISA_TEST_PROFILE, sisaFixture, type SisaFixture } from "./helpers/sisaFixture.ts";
import { quotientBits } from "./helpers/trainingWitness.ts";

const str = (v: bigint): string => v.toString();

describe(`ShardRetrain circuit (profile ${SISA_TEST_PROFILE})`, () => {
  let tester: CircuitTester;
  let fx: SisaFixture;
  let genesis0: ShardRetrainWitness;
  let genesis1: ShardRetrainWitness;
  /** Shard 0 retrained after deleting slots 2 and 5 (both shards trained before). */
  let retrain: ShardRetrainWitness;
  let cfgHash: bigint;

  before(async () => {
    tester = await CircuitTester.build(getProfile(SISA_TEST_PROFILE));
    fx = await sisaFixture();
    genesis0 = fx.witness();
    genesis1 = fx.witness({ shard: 1, models: genesis0.newModels, newModelSalt: 778n });
    retrain = fx.witness({ models: genesis1.newModels, deleteSlots: [5, 2], newModelSalt: 779n });
    cfgHash = configHash(fx.config, fx.poseidon.hash);
  });
  after(async () => {
    await (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128?.terminate();
  });

  /** The shard-0 training slots of the ORIGINAL dataset, with `masked` slots emptied. */
  const shard0Slots = (masked: number[]): TrainingSlot[] =>
    Array.from({ length: 8 }, (_, i) => {
      if (masked.includes(i)) return undefined;
      const s = fx.dataset.liveSlots().find((x) => x.index === i);
      return s && { features: s.features, label: s.label };
    });
  /** newState of `retrain` had shard 0's model been `weights`. */
  const stateWithWeights = (weights: bigint[]): bigint => {
    const models = genesis1.newModels.withShard(0, { weights, salt: 779n });
    return stateHash(retrain.statement.newDataRoot, models.root, cfgHash, fx.poseidon.hash);
  };

  describe("accepts, with the oracle's public signals", () => {
    it("genesis training of shard 0 (no deletions): the data root stays, model leaf 0 appears", async () => {
      await tester.expectPass(genesis0.input, shardRetrainSignalList(genesis0.publicSignals));
      const s = genesis0.statement;
      assert.equal(s.oldDataRoot, fx.dataset.root);
      assert.equal(s.newDataRoot, fx.dataset.root);
      assert.equal(s.oldModelRoot, fx.emptyModels.root);
      assert.equal(s.newModelRoot, genesis0.newModels.root);
      assert.deepEqual(s.deleted, []);
      assert.equal(s.deletionDigest, shardDeletionDigest(0, [], 2, fx.poseidon.hash));
    });

    it("genesis of shard 1 next to a trained shard 0 (shard 1 has three empty slots)", async () => {
      await tester.expectPass(genesis1.input, shardRetrainSignalList(genesis1.publicSignals));
      assert.equal(genesis1.statement.oldState, genesis0.statement.newState, "states chain");
      assert.deepEqual(genesis1.input.live, ["1", "1", "1", "1", "1", "0", "0", "0"]);
    });

    it("retraining shard 0 after deleting two records (K = 2), in any request order", async () => {
      await tester.expectPass(retrain.input, shardRetrainSignalList(retrain.publicSignals));
      const after = fx.dataset.withoutRecords(["r2", "r5"]);
      assert.equal(retrain.statement.newDataRoot, after.root);
      assert.deepEqual(retrain.statement.deleted.map((d) => d.index), [2, 5]);
      assert.equal(retrain.statement.oldState, genesis1.statement.newState);
      assert.deepEqual(retrain.newWeights, trainShard(shard0Slots([2, 5]), fx.config).weights, "trained without the deleted records");
    });

    it("a second retraining after an earlier deletion, and one deletion in shard 1", async () => {
      const tree = fx.dataset.tree();
      tree.setMany(retrain.dataUpdates);
      const again = fx.witness({ dataTree: tree, models: retrain.newModels, deleteSlots: [7], newModelSalt: 1n });
      await tester.expectPass(again.input, shardRetrainSignalList(again.publicSignals));
      assert.deepEqual(again.input.live, ["1", "1", "0", "1", "1", "0", "1", "0"]);
      const inShard1 = fx.witness({ shard: 1, models: genesis1.newModels, deleteSlots: [12], newModelSalt: 2n });
      await tester.expectPass(inShard1.input, shardRetrainSignalList(inShard1.publicSignals));
    });

    it("any old model leaf at k: retraining replaces it", async () => {
      const arbitrary = genesis1.newModels.withShard(0, { weights: [SCALE, -SCALE, 3n], salt: 5n });
      const w = fx.witness({ models: arbitrary, deleteSlots: [5, 2], newModelSalt: 779n });
      await tester.expectPass(w.input, shardRetrainSignalList(w.publicSignals));
      assert.equal(w.statement.newState, retrain.statement.newState, "the same new state whatever the old model was");
    });
  });

  describe("rejects", () => {
    it("training that includes a deleted record", async () => {
      const record5 = fx.dataset.liveSlots().find((s) => s.index === 5)!;
      const cheat = trainShard(shard0Slots([2]), fx.config).weights;
      const including5 = {
        live: setEntry(retrain.input.live, 5, "1"),
        feature: (retrain.input.feature as string[][]).map((f, i) => (i === 5 ? record5.features.map((x) => str(toField(x))) : f)),
        label: setEntry(retrain.input.label, 5, str(record5.label)),
        salt: setEntry(retrain.input.salt, 5, str(record5.salt)),
      };
      // With the new state of the model that saw record 5, and with the honest new state.
      await tester.expectFail(withInput(retrain.input, { ...including5, newState: str(stateWithWeights(cheat)) }));
      await tester.expectFail(withInput(retrain.input, including5));
      // Masked in the tree but counted in training is impossible: one live flag drives both.
    });

    it("a new weight changed by one unit (in the new state, or forged in the witness)", async () => {
      for (const j of [0, 2]) {
        const weights = [...retrain.newWeights];
        weights[j]! += 1n;
        await tester.expectFail(withInput(retrain.input, { newState: str(stateWithWeights(weights)) }));
      }
      // The last update's quotient forged to q + 1 in an otherwise honest witness.
      const witness = await tester.expectPass(retrain.input);
      const q = retrain.newWeights[0]! + WEIGHT_LIMIT;
      const forged = tester.tamper(witness, quotientBits(tester, `training.update[${fx.config.epochs - 1}][0]`, q + 1n, q));
      assert.notEqual(await tester.firstFailingConstraint(forged), -1);
    });

    it("a fixed-point quotient/remainder out of range (q ± 1 with r ∓ 2^s) in the witness", async () => {
      const witness = await tester.expectPass(retrain.input);
      for (let e = 0; e < fx.config.epochs; e++) {
        for (let j = 0; j <= fx.config.features; j++) {
          const q = retrain.training.epochWeights[e + 1]![j]! + WEIGHT_LIMIT;
          for (const delta of [-1n, 1n]) {
            const forged = tester.tamper(witness, quotientBits(tester, `training.update[${e}][${j}]`, q + delta, q));
            assert.notEqual(await tester.firstFailingConstraint(forged), -1, `update[${e}][${j}] with q ${delta > 0 ? "+" : "−"} 1`);
          }
        }
      }
    });

    it("a record changed after commitment", async () => {
      // Feature 0 of slot 3 moved by one unit; the new state matches training on the changed record.
      const slots = shard0Slots([2, 5]);
      const changed = { ...slots[3]!, features: [slots[3]!.features[0]! + 1n, slots[3]!.features[1]!] };
      slots[3] = changed;
      const input = withInput(retrain.input, { feature: setCell(retrain.input.feature, 3, 0, str(toField(changed.features[0]!))) });
      await tester.expectFail({ ...input, newState: str(stateWithWeights(trainShard(slots, fx.config).weights)) });
      await tester.expectFail(input);
      // The label flipped instead.
      await tester.expectFail(withInput(retrain.input, { label: setEntry(retrain.input.label, 3, retrain.input.label[3] === "0" ? str(SCALE) : "0") }));
    });

    it("a model root that moves another shard", async () => {
      const moved = retrain.newModels.withShard(1, { weights: [1n, 2n, 3n], salt: 9n });
      const newState = stateHash(retrain.statement.newDataRoot, moved.root, cfgHash, fx.poseidon.hash);
      await tester.expectFail(withInput(retrain.input, { newState: str(newState) }));
      // Shard 1's leaf emptied (as if its model were withdrawn).
      const zeroLeaf = ModelCommitment.empty(1, 2, fx.poseidon.hash).withShard(0, { weights: retrain.newWeights, salt: 779n });
      await tester.expectFail(withInput(retrain.input, { newState: str(stateHash(retrain.statement.newDataRoot, zeroLeaf.root, cfgHash, fx.poseidon.hash)) }));
    });

    it("a data root in which another slot changed (another shard, or an unlisted slot of this shard)", async () => {
      for (const [slot, value] of [[9, 0n], [13, 5n], [3, 0n]] as const) {
        const tree = fx.dataset.tree();
        tree.setMany([...retrain.dataUpdates, { index: slot, leaf: value }]);
        const newState = stateHash(tree.root, retrain.statement.newModelRoot, cfgHash, fx.poseidon.hash);
        await tester.expectFail(withInput(retrain.input, { newState: str(newState) }));
      }
      // Slot 3 really emptied and not trained on, but the digest lists only slot 5: the old root cannot be reached.
      const hidden = fx.witness({ models: genesis1.newModels, deleteSlots: [5, 3], newModelSalt: 779n });
      const five = hidden.statement.deleted.find((d) => d.index === 5)!;
      const onlyFive = withInput(hidden.input, {
        delActive: ["1", "0"], delIndex: ["5", "0"], delLeaf: [str(five.leaf), "0"],
        delSiblings: [(hidden.input.delSiblings as string[][])[1]!, ["0", "0", "0"]],
        deletionDigest: str(shardDeletionDigest(0, [five], 2, fx.poseidon.hash)),
      });
      await tester.expectFail(onlyFive);
    });

    it("a changed learning rate or L2 coefficient (configHash mismatch)", async () => {
      await tester.expectFail(withInput(retrain.input, { learningRate: str(fx.config.learningRate + 1n) }));
      await tester.expectFail(withInput(retrain.input, { l2: str(fx.config.l2 * 2n) }));
      await tester.expectFail(withInput(retrain.input, { initialWeights: setEntry(retrain.input.initialWeights, 0, "0") }));
      // Weights trained with another learning rate, claimed under the published config.
      const other = trainShard(shard0Slots([2, 5]), { ...fx.config, learningRate: fx.config.learningRate / 2n }).weights;
      await tester.expectFail(withInput(retrain.input, { newState: str(stateWithWeights(other)) }));
      // A fully consistent proof under another config moves the old state: not the published one.
      const otherConfig = { ...fx.config, learningRate: fx.config.learningRate / 2n };
      const consistent = fx.witness({ config: otherConfig, models: genesis1.newModels, deleteSlots: [5, 2], newModelSalt: 779n });
      await tester.expectPass(consistent.input);
      assert.notEqual(consistent.statement.oldState, retrain.statement.oldState);
      await tester.expectFail(withInput(consistent.input, { oldState: str(retrain.statement.oldState) }));
    });

    it("another feature scaling than the one the state pins (scalingHash, in configHash)", async () => {
      await tester.expectFail(withInput(retrain.input, { scalingHash: "1" }));
      // A fully consistent proof under a scaled config names another old state.
      const scaled = { ...fx.config, featureScaling: { method: "minmax" as const, offsets: [0n, 0n], scales: [SCALE, SCALE] } };
      const consistent = fx.witness({ config: scaled, models: genesis1.newModels, deleteSlots: [5, 2], newModelSalt: 779n });
      await tester.expectPass(consistent.input);
      assert.notEqual(consistent.statement.oldState, retrain.statement.oldState);
      await tester.expectFail(withInput(consistent.input, { scalingHash: "0" }));
    });

    it("deleting an empty slot", async () => {
      assert.throws(() => fx.witness({ shard: 1, models: genesis1.newModels, deleteSlots: [13] }), /slot 13 is empty/);
      // A made-up leaf for empty slot 13: the old data root it implies is not the committed one.
      const w = fx.witness({ shard: 1, models: genesis1.newModels, deleteSlots: [], newModelSalt: 778n });
      const tree = fx.dataset.tree();
      tree.set(13, 4242n);
      const siblings = tree.proof(13).siblings.slice(0, 3).map(str);
      const entries = { delActive: ["1", "0"], delIndex: ["13", "0"], delLeaf: ["4242", "0"], delSiblings: [siblings, ["0", "0", "0"]] };
      const digest = shardDeletionDigest(1, [{ index: 13, leaf: 4242n }], 2, fx.poseidon.hash);
      await tester.expectFail(withInput(w.input, { ...entries, deletionDigest: str(digest) }));
      // Claiming the slot's leaf was 0 is no deletion at all.
      await tester.expectFail(withInput(w.input, { ...entries, delLeaf: ["0", "0"], deletionDigest: str(shardDeletionDigest(1, [], 2, fx.poseidon.hash)) }));
    });

    it("a wrong shard index (in the input, the digest, or a deletion outside the shard)", async () => {
      await tester.expectFail(withInput(retrain.input, { shard: "1" }));
      const digest1 = shardDeletionDigest(1, retrain.statement.deleted, 2, fx.poseidon.hash);
      await tester.expectFail(withInput(retrain.input, { shard: "1", deletionDigest: str(digest1) }));
      await tester.expectFail(withInput(retrain.input, { deletionDigest: str(digest1) }));
      await tester.expectFail(withInput(retrain.input, { shard: "2" }));
      assert.throws(() => fx.witness({ deleteSlots: [9] }), /slot 9 belongs to shard 1, not to the retrained shard 0/);
      // Slot 9's deletion proved inside shard 1's subtree, but labelled as shard 0.
      const in1 = fx.witness({ shard: 1, models: genesis1.newModels, deleteSlots: [9], newModelSalt: 778n });
      await tester.expectFail(withInput(in1.input, { shard: "0", deletionDigest: str(shardDeletionDigest(0, in1.statement.deleted, 2, fx.poseidon.hash)) }));
    });

    it("the same slot deleted twice, or deletions out of order", async () => {
      assert.throws(() => fx.witness({ deleteSlots: [5, 5] }), /index 5 is listed more than once/);
      const swapped = withInput(retrain.input, {
        delIndex: [...(retrain.input.delIndex as string[])].reverse(),
        delLeaf: [...(retrain.input.delLeaf as string[])].reverse(),
        delSiblings: [...(retrain.input.delSiblings as string[][])].reverse(),
      });
      await tester.expectFail(swapped);
    });

    it("a digest that does not list the deletions", async () => {
      const [a, b] = retrain.statement.deleted;
      for (const list of [[a!], [b!], []]) {
        await tester.expectFail(withInput(retrain.input, { deletionDigest: str(shardDeletionDigest(0, list, 2, fx.poseidon.hash)) }));
      }
      // The right pairs in the other order, and without the shard in front.
      const reversed = fx.poseidon.sponge([0n, BigInt(b!.index), b!.leaf, BigInt(a!.index), a!.leaf]);
      const noShard = fx.poseidon.sponge([BigInt(a!.index), a!.leaf, BigInt(b!.index), b!.leaf]);
      for (const digest of [reversed, noShard]) await tester.expectFail(withInput(retrain.input, { deletionDigest: str(digest) }));
    });

    it("a live record whose leaf does not open (wrong salt)", async () => {
      const salt = BigInt(retrain.input.salt[1] as string) + 1n;
      await tester.expectFail(withInput(retrain.input, { salt: setEntry(retrain.input.salt, 1, str(salt)) }));
    });
  });
});
