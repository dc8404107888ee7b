import assert from "node:assert/strict";
import { getProfile } from "../src/circuits/profiles.ts";
import { CommittedDataset } from "../src/dataset/commitment.ts";
import { SCALE } from "../src/encoding/fixedPoint.ts";
import { toField } from "../src/field.ts";
import { FEATURE_LIMIT } from "../src/ml/bounds.ts";
import { ensembleAccuracy } from "../src/sisa/ensemble.ts";
import { configHash } from "../src/ml/config.ts";
import { ModelCommitment, stateHash } from "../src/sisa/model.ts";
import { accuracySignalList, ensembleLogitBoundBits, ensembleWeightSumBits, type AccuracyWitness } from "../src/statements/accuracy.ts";
import { ACCURACY_TEST_PROFILE, accuracyFixture, tinyTestSet, type AccuracyFixture } from "./helpers/accuracyFixture.ts";
import { CircuitTester } from "./helpers/circuitTester.ts";
import { setCell, setEntry, withInput } from "./helpers/circuitInput.ts";

const str = (v: bigint | number): string => v.toString();

describe(`ModelAccuracy circuit (profile ${ACCURACY_TEST_PROFILE})`, () => {
  let tester: CircuitTester;
  let fx: AccuracyFixture;
  let honest: AccuracyWitness;

  before(async () => {
    tester = await CircuitTester.build(getProfile(ACCURACY_TEST_PROFILE));
    fx = await accuracyFixture();
    honest = fx.witness();
  });
  after(async () => {
    await (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128?.terminate();
  });

  /** The state of the fixture's system with `models` as its model commitment. */
  const stateOf = (models: ModelCommitment): string =>
    str(stateHash(fx.system.dataset.root, models.root, configHash(fx.config, fx.poseidon.hash), fx.poseidon.hash));

  describe("accepts, with the oracle's public signals", () => {
    it("the fully trained ensemble: correct = ensembleAccuracy × total, total = live test records", async () => {
      await tester.expectPass(honest.input, accuracySignalList(honest.publicSignals));
      const weights = fx.system.models.trained().map(([, m]) => m.weights);
      const records = fx.testSet.liveSlots();
      assert.equal(honest.statement.total, tinyTestSet().records.length);
      assert.equal(honest.statement.correct, ensembleAccuracy(weights, records) * records.length);
      assert.ok(honest.statement.correct > 0 && honest.statement.correct < honest.statement.total, "the fixture has right and wrong predictions");
      assert.equal(honest.statement.testRoot, fx.config.testRoot);
    });

    it("an ensemble with one untrained shard (its leaf 0, its weights out of the sum)", async () => {
      const half = fx.witness({ models: fx.halfTrained.models });
      await tester.expectPass(half.input, accuracySignalList(half.publicSignals));
      assert.deepEqual(half.input.trained, ["1", "0"]);
      const weights = fx.halfTrained.models.trained().map(([, m]) => m.weights);
      assert.equal(half.statement.correct, ensembleAccuracy(weights, fx.testSet.liveSlots()) * half.statement.total);
    });

    it("a test set with a deleted record (its slot empty) under a config pinning that set", async () => {
      const smaller = fx.testSet.withoutRecords(["t2"]);
      const config = { ...fx.config, testRoot: smaller.root };
      const w = fx.witness({ config, testSet: smaller });
      await tester.expectPass(w.input, accuracySignalList(w.publicSignals));
      assert.equal(w.statement.total, 5);
      assert.equal(w.input.live[2], "0");
    });

    it("logits at the extremes of the checked bounds, and a zero logit (class 1)", async () => {
      const testSet = CommittedDataset.commit({
        featureNames: ["a", "b"],
        records: [
          { id: "low", features: [-2, -2], label: 1 },
          { id: "high", features: [2 - 2 ** -16, 2 - 2 ** -16], label: 0 },
          { id: "zero", features: [0, 0], label: 1 },
          { id: "mixed", features: [-2, 2 - 2 ** -16], label: 0 },
        ],
      }, fx.params.testDepth, fx.poseidon);
      const config = { ...fx.config, testRoot: testSet.root };
      const limit = 1n << BigInt(ensembleWeightSumBits(fx.params.shardDepth));
      const half = limit / 2n;
      const ensembles: [bigint[], bigint[]][] = [
        [[-half, -half, half - 1n], [-half, -half, half]], // sums −limit, −limit, limit − 1: the largest logit
        [[-half, -half, -half], [-half, -half, -half]], // all −limit: the smallest logit
        [[half - 1n, -half, 0n], [half, -half, 0n]], // limit − 1 and −limit
        [[0n, 0n, 0n], [0n, 0n, 0n]], // every logit 0: class 1
      ];
      for (const [w0, w1] of ensembles) {
        const models = ModelCommitment.empty(fx.params.shardDepth, fx.params.features, fx.poseidon.hash)
          .withShard(0, { weights: w0, salt: 3n }).withShard(1, { weights: w1, salt: 4n });
        const w = fx.witness({ config, testSet, models });
        await tester.expectPass(w.input, accuracySignalList(w.publicSignals));
        assert.equal(w.statement.correct, ensembleAccuracy([w0, w1], testSet.liveSlots()) * 4, `ensemble ${w0} / ${w1}`);
      }
      assert.equal(fx.witness({ config, testSet, models: ModelCommitment.empty(1, 2, fx.poseidon.hash).withShard(0, { weights: [0n, 0n, 0n], salt: 1n }) }).statement.correct, 2);
    });
  });

  describe("rejects", () => {
    it("a wrong count of correct predictions or of test records", async () => {
      for (const delta of [-1n, 1n]) {
        await tester.expectFail(withInput(honest.input, { correct: str(BigInt(honest.statement.correct) + delta) }));
        await tester.expectFail(withInput(honest.input, { total: str(BigInt(honest.statement.total) + delta) }));
      }
      // The count of an ensemble that predicts every record right.
      await tester.expectFail(withInput(honest.input, { correct: str(honest.statement.total) }));
    });

    it("a forged sign decomposition or count in the witness", async () => {
      const L = ensembleLogitBoundBits(fx.params.shardDepth, fx.params.features);
      const witness = await tester.expectPass(honest.input);
      // The prediction bit (the top bit) is folded into a linear combination by --O2; a lower
      // bit, a product or a per-record count changed alone breaks a constraint.
      for (const i of [0, 1, 5]) {
        for (const name of [`prediction[${i}].sign.out[${L - 1}]`, `prediction[${i}].product[0]`, `prediction[${i}].correct`]) {
          const value = tester.readSignal(witness, name);
          const forged = tester.tamper(witness, { [name]: value === 0n ? 1n : 0n });
          assert.notEqual(await tester.firstFailingConstraint(forged), -1, name);
        }
      }
    });

    it("a swapped model: other weights or another salt than the state commits to", async () => {
      const weights = honest.input.weights as string[][];
      // Weight 0 of shard 0 one unit higher: rejected under the honest state; under the changed
      // model's own state it is a valid proof, but about that other state.
      const shard0 = fx.system.models.shard(0)!;
      const changed = setCell(weights, 0, 0, str(toField(shard0.weights[0]! + 1n)));
      await tester.expectFail(withInput(honest.input, { weights: changed }));
      const other = fx.system.models.withShard(0, { weights: [shard0.weights[0]! + 1n, ...shard0.weights.slice(1)], salt: shard0.salt });
      await tester.expectPass(withInput(honest.input, { weights: changed, state: stateOf(other) }));
      assert.notEqual(stateOf(other), str(honest.statement.state));
      // Shard 0's and shard 1's models swapped, and a different model salt.
      await tester.expectFail(withInput(honest.input, { weights: [weights[1], weights[0]], modelSalt: [...(honest.input.modelSalt as string[])].reverse() }));
      await tester.expectFail(withInput(honest.input, { modelSalt: setEntry(honest.input.modelSalt, 1, "12345") }));
      // A shard claimed untrained (leaf 0) while the state's model tree has its leaf.
      await tester.expectFail(withInput(honest.input, { trained: ["1", "0"], weights: [weights[0], ["0", "0", "0"]] }));
    });

    it("an untrained shard with non-zero weights, or no trained shard at all", async () => {
      const half = fx.witness({ models: fx.halfTrained.models });
      const weights = setCell(half.input.weights, 1, 0, str(SCALE));
      await tester.expectFail(withInput(half.input, { weights }));
      const empty = ModelCommitment.empty(fx.params.shardDepth, fx.params.features, fx.poseidon.hash);
      await tester.expectFail(withInput(half.input, {
        trained: ["0", "0"], weights: [["0", "0", "0"], ["0", "0", "0"]], modelSalt: ["0", "0"], state: stateOf(empty),
      }));
      assert.throws(() => fx.witness({ models: empty }), /no shard is trained/);
    });

    it("a test record changed after commitment (a feature, the label, the salt)", async () => {
      const feature = BigInt(fx.testSet.liveSlots()[1]!.features[0]!) + 1n;
      await tester.expectFail(withInput(honest.input, { feature: setCell(honest.input.feature, 1, 0, str(toField(feature))) }));
      const label = honest.input.label[3] === "0" ? str(SCALE) : "0";
      await tester.expectFail(withInput(honest.input, { label: setEntry(honest.input.label, 3, label) }));
      await tester.expectFail(withInput(honest.input, { salt: setEntry(honest.input.salt, 0, "7") }));
    });

    it("a test record dropped from the count (live 0) or an empty slot made live", async () => {
      await tester.expectFail(withInput(honest.input, { live: setEntry(honest.input.live, 0, "0"), total: str(honest.statement.total - 1) }));
      // Slot 6 is empty: a phantom record there cannot open to the committed 0 leaf.
      await tester.expectFail(withInput(honest.input, {
        live: setEntry(honest.input.live, 6, "1"), label: setEntry(honest.input.label, 6, str(SCALE)), total: str(honest.statement.total + 1),
      }));
      // An empty slot with a label (the count's formula needs label 0 there).
      await tester.expectFail(withInput(honest.input, { label: setEntry(honest.input.label, 6, str(SCALE)) }));
    });

    it("a wrong testRoot, or another test set than the one the state's config pins", async () => {
      const smaller = fx.testSet.withoutRecords(["t1"]);
      await tester.expectFail(withInput(honest.input, { testRoot: str(smaller.root) }));
      // The feature scaling is in the config hash, so in the state the proof names.
      await tester.expectFail(withInput(honest.input, { scalingHash: "1" }));
      // A friendlier test set, fully consistent with its own root, but claimed for the original state.
      const friendly = CommittedDataset.commit({ ...tinyTestSet(), records: tinyTestSet().records.slice(0, 2) }, fx.params.testDepth, fx.poseidon);
      const w = fx.witness({ config: { ...fx.config, testRoot: friendly.root }, testSet: friendly });
      await tester.expectPass(w.input, accuracySignalList(w.publicSignals));
      assert.notEqual(w.statement.state, honest.statement.state);
      await tester.expectFail(withInput(w.input, { state: str(honest.statement.state) }));
    });

    it("a non-boolean live bit", async () => {
      await tester.expectFail(withInput(honest.input, { live: setEntry(honest.input.live, 0, "2") }));
      await tester.expectFail(withInput(honest.input, { live: setEntry(honest.input.live, 6, str(toField(-1n))) }));
    });

    it("a feature outside the training bound [−2, 2) (the bound itself is accepted: slot 5 holds −2)", async () => {
      assert.equal(fx.testSet.liveSlots()[5]!.features[0], -FEATURE_LIMIT);
      for (const value of [FEATURE_LIMIT, -FEATURE_LIMIT - 1n, 1n << 40n]) {
        await tester.expectFail(withInput(honest.input, { feature: setCell(honest.input.feature, 6, 1, str(toField(value))) }));
      }
    });

    it("summed weights outside the ensemble bound (mean weight beyond ±2)", async () => {
      // Each shard's weight 0 at 1.25·2^17: inside the training bound, the mean 2.5 beyond ±2.
      const big = (SCALE * 5n) / 2n;
      let models = ModelCommitment.empty(fx.params.shardDepth, fx.params.features, fx.poseidon.hash);
      for (const k of [0, 1]) models = models.withShard(k, { weights: [big, 0n, 0n], salt: 1n + BigInt(k) });
      assert.ok(2n * big >= 1n << BigInt(ensembleWeightSumBits(fx.params.shardDepth)));
      assert.throws(() => fx.witness({ models }), /mean weight 0 is 2\.5 .* outside \[−2, 2\)/);
      const weights = [0, 1].map(() => [str(big), "0", "0"]);
      await tester.expectFail(withInput(honest.input, { weights, modelSalt: ["1", "2"], state: stateOf(models) }));
    });
  });
});
