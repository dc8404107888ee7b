import assert from "node:assert/strict";
import { poseidon2, poseidon3 } from "poseidon-lite";
import { SparseMerkleTree } from "../src/crypto/merkle.ts";
import { leafHash, recordHash } from "../src/dataset/leaf.ts";
import { spongeWith } from "../src/crypto/sponge.ts";
import { SNARK_FIELD } from "../src/field.ts";
import { SCALE } from "../src/encoding/fixedPoint.ts";
import { ALGORITHM_ID, configHash, configHashInputs, type TrainingConfig } from "../src/ml/config.ts";
import { logit } from "../src/ml/trainer.ts";
import { TrainingInputError } from "../src/ml/trainingInput.ts";
import { weightsHash } from "../src/ml/weights.ts";
import { shardDeletionDigest } from "../src/sisa/digest.ts";
import { ensembleLogit, ensemblePredict } from "../src/sisa/ensemble.ts";
import { ModelCommitment, modelLeaf, stateHash } from "../src/sisa/model.ts";
import { shardOfSlot, shardSlotRange } from "../src/sisa/shards.ts";
import { poseidonLite } from "../src/verifier/statements.ts";
import { sisaFixture, type SisaFixture } from "./helpers/sisaFixture.ts";

/** Deep snapshot of anything with bigints, to check that nothing was mutated. */
const snapshot = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x));

describe("SISA commitments (independent Poseidon: poseidon-lite)", () => {
  let fx: SisaFixture;
  before(async () => {
    fx = await sisaFixture();
  });

  it("shards are the top S bits of a slot index", () => {
    const p = { dataDepth: 8, shardDepth: 3 };
    assert.equal(shardOfSlot(0, p), 0);
    assert.equal(shardOfSlot(31, p), 0);
    assert.equal(shardOfSlot(32, p), 1);
    assert.equal(shardOfSlot(255, p), 7);
    assert.deepEqual(shardSlotRange(5, p), { first: 160, count: 32 });
    assert.throws(() => shardOfSlot(256, p), /slot 256 is outside the dataset tree/);
    assert.throws(() => shardSlotRange(8, p), /shard 8 does not exist: the profile has shards 0..7/);
  });

  it("weightsHash is the sponge over field-signed weights, bias last; a model leaf adds the salt", () => {
    const weights = [SCALE, -3n, 0n, 7n];
    const expected = spongeWith(poseidonLite, [SCALE, SNARK_FIELD - 3n, 0n, 7n]);
    assert.equal(weightsHash(weights, fx.poseidon.hash), expected);
    assert.equal(weightsHash(weights, poseidonLite), expected);
    assert.equal(modelLeaf({ weights, salt: 11n }, poseidonLite), poseidon2([expected, 11n]));
    assert.throws(() => modelLeaf({ weights, salt: SNARK_FIELD }, poseidonLite), /salt is not a field element/);
  });

  it("the model root starts all-zero and moves only at the retrained shard; commitments are immutable", () => {
    const empty = ModelCommitment.empty(2, 1, poseidonLite);
    const zeros = new SparseMerkleTree(2, (l, r) => poseidon2([l, r]));
    assert.equal(empty.root, zeros.root);
    assert.equal(empty.leaf(3), 0n);
    const model = { weights: [5n, -5n], salt: 9n };
    const one = empty.withShard(3, model);
    zeros.set(3, modelLeaf(model, poseidonLite));
    assert.equal(one.root, zeros.root);
    assert.equal(empty.root, new SparseMerkleTree(2, (l, r) => poseidon2([l, r])).root, "the original is unchanged");
    assert.deepEqual(one.shard(3), model);
    assert.equal(one.shard(2), undefined);
    assert.deepEqual(one.siblings(3), zeros.proof(3).siblings);
    assert.deepEqual(one.trained().map(([k]) => k), [3]);
    assert.throws(() => one.withShard(4, model), /shard 4 does not exist/);
    assert.throws(() => one.withShard(0, { weights: [1n], salt: 1n }), /1 features need 2/);
  });

  it("state = Poseidon(dataRoot, modelRoot, configHash)", () => {
    assert.equal(stateHash(1n, 2n, 3n, fx.poseidon.hash), poseidon3([1n, 2n, 3n]));
  });

  it("configHash binds the algorithm, the format, the bounds, the profile and every hyperparameter", () => {
    const c = fx.config;
    const inputs = configHashInputs(c, poseidonLite);
    assert.deepEqual(inputs, [
      ALGORITHM_ID, 16n, 1n, 7n, 2n, 2n, c.learningRate, c.l2, weightsHash(c.initialWeights, poseidonLite), 4n, 1n, 2n, c.testRoot, 0n,
    ]);
    const base = configHash(c, poseidonLite);
    assert.equal(base, configHash(c, fx.poseidon.hash));
    const variants: Partial<TrainingConfig>[] = [
      { learningRate: c.learningRate + 1n }, { l2: c.l2 + 1n }, { epochs: 3 }, { maxDeletions: 3 }, { dataDepth: 5 }, { testRoot: c.testRoot + 1n },
      { initialWeights: [c.initialWeights[0]! + 1n, ...c.initialWeights.slice(1)] },
      { featureScaling: { method: "standard", offsets: [0n, 0n], scales: [65536n, 65536n] } },
      { featureScaling: { method: "minmax", offsets: [0n, 0n], scales: [65536n, 65536n] } },
    ];
    for (const v of variants) assert.notEqual(configHash({ ...c, ...v }, poseidonLite), base, JSON.stringify(Object.keys(v)));
    assert.throws(() => configHash({ ...c, learningRate: -1n }, poseidonLite), /learning rate/);
  });

  it("the deletion digest binds the shard and the ordered (index, leaf) pairs, padded with (0, 0)", () => {
    const pairs = [{ index: 2, leaf: 22n }, { index: 5, leaf: 55n }];
    assert.equal(shardDeletionDigest(1, pairs, 3, poseidonLite), spongeWith(poseidonLite, [1n, 2n, 22n, 5n, 55n, 0n, 0n]));
    assert.notEqual(shardDeletionDigest(0, [], 3, poseidonLite), shardDeletionDigest(1, [], 3, poseidonLite));
    assert.throws(() => shardDeletionDigest(0, [...pairs].reverse(), 3, poseidonLite), /strictly increasing/);
    assert.throws(() => shardDeletionDigest(0, pairs, 1, poseidonLite), /exceed the maximum K = 1/);
    assert.throws(() => shardDeletionDigest(0, [{ index: 1, leaf: 0n }], 3, poseidonLite), /empty slot cannot be deleted/);
  });

  it("the ensemble predicts by the mean (sum) of the shard logits", () => {
    const a = [SCALE, 0n, 0n];
    const b = [-3n * SCALE, 0n, SCALE];
    const x = [SCALE, SCALE];
    assert.equal(ensembleLogit([a, b], x), logit(a, x) + logit(b, x));
    assert.equal(ensemblePredict([a, b], x), 0); // 1 + (−3 + 1) = −1 < 0
    assert.equal(ensemblePredict([a], x), 1);
    assert.throws(() => ensembleLogit([], x), /no trained shard/);
  });
});

describe("buildShardRetrainWitness (TypeScript oracle of ShardRetrain)", () => {
  let fx: SisaFixture;
  before(async () => {
    fx = await sisaFixture();
  });

  it("does not modify the dataset tree, the records, the model commitment or the config", () => {
    const request = fx.request({ deleteSlots: [2, 5] });
    const tree = request.dataTree;
    const records = [...request.records];
    const before = { root: tree.root, entries: [...tree.entries()], records: snapshot(records), models: request.models.root, config: snapshot(fx.config) };
    const w = fx.witness({ dataTree: tree, records, deleteSlots: [2, 5] });
    assert.equal(tree.root, before.root);
    assert.deepEqual([...tree.entries()], before.entries);
    assert.equal(snapshot(records), before.records);
    assert.equal(request.models.root, before.models);
    assert.equal(snapshot(fx.config), before.config);
    assert.notEqual(w.statement.newDataRoot, tree.root);
  });

  it("returns the readable statement, consistent with the public signals and the new commitments", () => {
    const w = fx.witness({ deleteSlots: [5, 2] });
    const s = w.statement;
    const after = fx.dataset.tree();
    after.setMany(w.dataUpdates);
    assert.equal(s.newDataRoot, after.root);
    assert.deepEqual(s.deleted, [{ index: 2, leaf: fx.dataset.tree().get(2) }, { index: 5, leaf: fx.dataset.tree().get(5) }]);
    assert.equal(s.newModelRoot, w.newModels.root);
    assert.deepEqual(w.newModels.shard(0)?.weights, w.newWeights);
    assert.equal(s.oldState, poseidon3([s.oldDataRoot, s.oldModelRoot, s.configHash]));
    assert.equal(s.newState, poseidon3([s.newDataRoot, s.newModelRoot, s.configHash]));
    assert.deepEqual(w.publicSignals, { oldState: s.oldState, newState: s.newState, deletionDigest: s.deletionDigest });
    assert.equal(s.deletionDigest, shardDeletionDigest(0, s.deleted, 2, poseidonLite));
    assert.deepEqual(w.input.live, ["1", "1", "0", "1", "1", "0", "1", "1"]);
    assert.deepEqual(w.input.delIndex, ["2", "5"]);
    assert.equal(w.training.epochWeights.length, fx.config.epochs + 1);
  });

  it("rejects deletions outside the shard, of empty slots, repeated, or more than K", () => {
    assert.throws(() => fx.witness({ deleteSlots: [8] }), /slot 8 belongs to shard 1, not to the retrained shard 0/);
    assert.throws(() => fx.witness({ shard: 1, deleteSlots: [14] }), /slot 14 is empty/);
    assert.throws(() => fx.witness({ deleteSlots: [3, 3] }), /listed more than once/);
    assert.throws(() => fx.witness({ deleteSlots: [1, 2, 3] }), /3 deletions exceed the maximum K = 2/);
    assert.throws(() => fx.witness({ shard: 2 }), /shard 2 does not exist/);
  });

  it("rejects a missing record, a record that does not open its leaf, and records outside the training bounds", () => {
    const live = fx.dataset.liveSlots();
    assert.throws(() => fx.witness({ records: live.filter((s) => s.index !== 4) }), /slot 4 holds a leaf but no record was given/);
    const tampered = live.map((s) => (s.index === 6 ? { ...s, features: [s.features[0]! + 1n, s.features[1]!] } : s));
    assert.throws(() => fx.witness({ records: tampered }), /record given for slot 6 \("r6"\) does not hash to its committed leaf/);
    // A record committed with a feature of 3.0 (allowed by the dataset format, not by training).
    const tree = fx.dataset.tree();
    const big = { index: 9, id: "big", features: [3n * SCALE, 0n], label: 0n, salt: 5n };
    tree.set(9, leafHash(recordHash(big, fx.poseidon), big.salt, fx.poseidon));
    const records = [...live.filter((s) => s.index !== 9), big];
    assert.throws(() => fx.witness({ shard: 1, dataTree: tree, records }), (e: unknown) =>
      e instanceof TrainingInputError && /record "big" \(slot 9\), feature 0: value 3 is outside the training bound/.test(e.message));
  });

  it("rejects a tree, a model commitment or a config that does not fit the profile", () => {
    assert.throws(() => fx.witness({ dataTree: new SparseMerkleTree(5, (l, r) => poseidon2([l, r])) }), /depth 5, the profile 4/);
    assert.throws(() => fx.witness({ models: ModelCommitment.empty(2, 2, poseidonLite) }), /4 shards of 2 features; the profile has 2 of 2/);
    assert.throws(() => fx.witness({ config: { ...fx.config, learningRate: 16n * SCALE } }), /learning rate/);
  });
});
