import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { circuitsDir } from "../src/circuits/paths.ts";
import { getProfile } from "../src/circuits/profiles.ts";
import { CommittedDataset } from "../src/dataset/commitment.ts";
import { SCALE, decodeFixed } from "../src/encoding/fixedPoint.ts";
import type { Dataset } from "../src/encoding/dataset.ts";
import { FEATURE_LIMIT, WEIGHT_LIMIT } from "../src/ml/bounds.ts";
import { TrainingInputError } from "../src/ml/trainingInput.ts";
import { accuracyProfileFor, proveAccuracy } from "../src/prover/accuracy.ts";
import { ensembleAccuracy, ensembleLogit } from "../src/sisa/ensemble.ts";
import { ModelCommitment } from "../src/sisa/model.ts";
import {
  ENSEMBLE_MEAN_WEIGHT_BOUND_BITS, TestSetMismatchError, accuracyProfileParams, buildAccuracyWitness,
  ensembleLogitBoundBits, ensembleWeightSumBits,
} from "../src/statements/accuracy.ts";
import { accuracyFixture, tinyTestSet, type AccuracyFixture } from "./helpers/accuracyFixture.ts";
import { seededRandom } from "../src/seededRandom.ts";

const random = seededRandom;

describe("accuracy statement (src/statements/accuracy.ts)", () => {
  let fx: AccuracyFixture;
  before(async () => {
    fx = await accuracyFixture();
  });

  it("the circuit's constants (circuits/lib/accuracy_params.circom) equal the TypeScript ones", async () => {
    const text = await readFile(join(circuitsDir(), "lib", "accuracy_params.circom"), "utf8");
    const m = /function ENSEMBLE_MEAN_WEIGHT_BOUND_BITS\(\) \{ return (\d+); \}/.exec(text);
    assert.ok(m, "no constant ENSEMBLE_MEAN_WEIGHT_BOUND_BITS in accuracy_params.circom");
    assert.equal(Number(m[1]), ENSEMBLE_MEAN_WEIGHT_BOUND_BITS);
    assert.equal(ensembleWeightSumBits(3), 20);
    assert.equal(ensembleLogitBoundBits(3, 16), 42);
    assert.equal(ensembleLogitBoundBits(1, 2), 37);
  });

  it("the logit bound holds at the extremes of the summed-weight and feature bounds", () => {
    for (const [S, F] of [[1, 2], [3, 16], [2, 7], [4, 31]] as const) {
      const limit = 1n << BigInt(ensembleWeightSumBits(S));
      const bound = 1n << BigInt(ensembleLogitBoundBits(S, F));
      // The most positive and the most negative logits the checked ranges allow.
      const highest = ensembleLogit([[...new Array<bigint>(F).fill(-limit), limit - 1n]], new Array<bigint>(F).fill(-FEATURE_LIMIT));
      const lowest = ensembleLogit([[...new Array<bigint>(F).fill(-limit), -limit]], new Array<bigint>(F).fill(FEATURE_LIMIT - 1n));
      assert.ok(highest < bound && lowest >= -bound, `S=${S}, F=${F}`);
    }
  });

  it("counts exactly what ensembleAccuracy counts, on random ensembles and test sets", () => {
    const next = random(20240601);
    const limit = Number(1n << BigInt(ensembleWeightSumBits(fx.params.shardDepth)));
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + Math.floor(next() * 8);
      const data: Dataset = {
        featureNames: ["a", "b"],
        records: Array.from({ length: n }, (_, i) => ({
          id: `x${i}`,
          // Coarse values in [−2, 2) make exact ties (logit 0) likely.
          features: [Math.floor(next() * 16) / 4 - 2, Math.floor(next() * 16) / 4 - 2],
          label: next() < 0.5 ? 1 : 0,
        })),
      };
      const testSet = CommittedDataset.commit(data, fx.params.testDepth, fx.poseidon);
      // Each shard's weights below half the summed bound, some shards untrained.
      let models = ModelCommitment.empty(fx.params.shardDepth, fx.params.features, fx.poseidon.hash);
      for (let k = 0; k < 2; k++) {
        if (k === 1 && next() < 0.3) continue;
        const w = () => BigInt(Math.floor((next() - 0.5) * (trial % 4 === 0 ? 4 : limit)));
        models = models.withShard(k, { weights: [w(), w(), w()], salt: BigInt(k + 1) });
      }
      const witness = buildAccuracyWitness({ ...fx.request(), config: { ...fx.config, testRoot: testSet.root }, testSet, models }, fx.params, fx.poseidon);
      const weights = models.trained().map(([, m]) => m.weights);
      const expected = Math.round(ensembleAccuracy(weights, testSet.liveSlots()) * n);
      assert.equal(witness.statement.correct, expected, `trial ${trial}`);
      assert.equal(witness.statement.total, n);
      assert.equal(witness.publicSignals.correct, BigInt(expected));
    }
  });

  it("pins the state: state = Poseidon(dataRoot, modelRoot, configHash) with the config's testRoot", () => {
    const w = fx.witness();
    assert.equal(w.statement.modelRoot, fx.system.models.root);
    assert.equal(w.statement.dataRoot, fx.system.dataset.root);
    assert.equal(w.statement.state, fx.poseidon.hash([w.statement.dataRoot, w.statement.modelRoot, w.statement.configHash]));
    assert.deepEqual(w.predictions.slice(6), new Array(10).fill(undefined), "slots 6..15 are empty");
  });

  describe("refuses, naming the problem", () => {
    it("a test set whose root is not the config's testRoot, or a config without a test set", () => {
      const other = fx.testSet.withoutRecords(["t0"]);
      assert.throws(() => fx.witness({ testSet: other }), (e: unknown) => e instanceof TestSetMismatchError && /commits to test set 0x/.test(e.message));
      assert.throws(() => fx.witness({ config: { ...fx.config, testRoot: 0n } }), /commits no test set \(testRoot 0\)/);
    });

    it("a profile that does not fit the config, the models or the test set", () => {
      assert.throws(() => buildAccuracyWitness(fx.request(), { ...fx.params, testDepth: 3 }, fx.poseidon), /depth-4 tree; the profile proves depth 3/);
      assert.throws(() => buildAccuracyWitness(fx.request(), { ...fx.params, features: 3 }, fx.poseidon), /the profile proves 2 of 3/);
      assert.throws(() => accuracyProfileParams([1, 2]), /takes 3 parameters/);
      assert.throws(() => accuracyProfileParams([1, 2, 0]), /testDepth must be an integer from 1 to 20, got 0/);
    });

    it("a test record outside the training bound (its slot, id and feature named)", () => {
      const data = tinyTestSet();
      data.records[4]!.features[1] = 2.5;
      const testSet = CommittedDataset.commit(data, fx.params.testDepth, fx.poseidon);
      assert.throws(
        () => fx.witness({ config: { ...fx.config, testRoot: testSet.root }, testSet }),
        (e: unknown) => e instanceof TrainingInputError && /record "t4" \(slot 4\), feature 1: value 2\.5 is outside the training bound/.test(e.message),
      );
    });

    it("an ensemble without a trained shard, and a test set without live records", () => {
      const empty = ModelCommitment.empty(fx.params.shardDepth, fx.params.features, fx.poseidon.hash);
      assert.throws(() => fx.witness({ models: empty }), /no shard is trained/);
      const none = fx.testSet.withoutRecords(fx.testSet.liveSlots().map((s) => s.id));
      assert.throws(() => fx.witness({ config: { ...fx.config, testRoot: none.root }, testSet: none }), /no live records/);
    });

    it("summed weights at the bound are accepted, one unit beyond it refused (naming the weight)", () => {
      const limit = 1n << BigInt(ensembleWeightSumBits(fx.params.shardDepth));
      const half = limit / 2n;
      assert.ok(half < WEIGHT_LIMIT);
      const models = (bias: bigint) => ModelCommitment.empty(fx.params.shardDepth, fx.params.features, fx.poseidon.hash)
        .withShard(0, { weights: [-half, half - 1n, bias], salt: 1n })
        .withShard(1, { weights: [-half, half, 0n], salt: 2n });
      // Sums −limit, limit − 1 and −limit: the extremes of [−limit, limit).
      assert.equal(fx.witness({ models: models(-limit) }).statement.total, 6);
      assert.throws(() => fx.witness({ models: models(-limit - 1n) }), /mean weight bias \(2\) is -2\.0000076/);
      const bad = ModelCommitment.empty(fx.params.shardDepth, fx.params.features, fx.poseidon.hash)
        .withShard(0, { weights: [half, half, 0n], salt: 1n }).withShard(1, { weights: [half, 0n, 0n], salt: 2n });
      assert.throws(() => fx.witness({ models: bad }), new RegExp(`mean weight 0 is ${decodeFixed(2n * half) / 2} \\(summed over the 2 shards\\), outside \\[−2, 2\\)`));
    });
  });

  describe("proveAccuracy", () => {
    it("refuses a test set whose root differs from config.testRoot before proving anything", async () => {
      const other = fx.testSet.withoutRecords(["t3"]);
      await assert.rejects(proveAccuracy(fx.system, other, { profile: "accuracy-s1-f2-t4" }), TestSetMismatchError);
      await assert.rejects(proveAccuracy({ ...fx.system, config: { ...fx.config, testRoot: 0n } }, fx.testSet), /commits no test set/);
    });

    it("finds the profile for the system and test set, or says which one is missing", () => {
      assert.equal(accuracyProfileFor(fx.system, fx.testSet).name, "accuracy-s1-f2-t4");
      assert.throws(() => accuracyProfileFor(fx.system, { depth: 5 }), /no ModelAccuracy profile for 2 shards, 2 features and a depth-5 test set \(ModelAccuracy\(1, 2, 5\)\)/);
      assert.equal(getProfile("accuracy-s3-f16-t8").params.join(), "3,16,8");
    });

    it("refuses a profile of another statement", async () => {
      await assert.rejects(proveAccuracy(fx.system, fx.testSet, { profile: "sisa-d4-s1-f2-e2-k2" }), /proves ShardRetrain, not ModelAccuracy/);
    });
  });

  it("a label of 1.0 is SCALE (2^16) in the count", () => {
    const w = fx.witness();
    const ones = fx.testSet.liveSlots().filter((s) => s.label === SCALE).length;
    assert.ok(ones > 0 && ones < w.statement.total);
  });
});
