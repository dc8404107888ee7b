import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { circuitsDir } from "../src/circuits/paths.ts";
import { trainShard } from "../src/ml/trainer.ts";
import type { TrainingSlot } from "../src/ml/trainingInput.ts";
import {
  AMNESIAC_ALGORITHM_ID, amnesiacConfigHash, logDepth, makeAmnesiacConfig, totalSteps, validateAmnesiacConfig,
} from "../src/methods/amnesiac/config.ts";
import { affectedSteps, batchOfStep, stepsOfSlot } from "../src/methods/amnesiac/schedule.ts";
import { amnesiacGap, gapBase } from "../src/methods/amnesiac/gap.ts";
import { amnesiacUnlearningLabel } from "../src/methods/amnesiac/label.ts";
import { amnesiacGenesisState } from "../src/methods/amnesiac/state.ts";
import { openSlots, systemState } from "../src/methods/amnesiac/system.ts";
import { trainAmnesiac } from "../src/methods/amnesiac/training.ts";
import { unlearnSlots } from "../src/methods/amnesiac/unlearning.ts";
import { UpdateLog, logLeaf } from "../src/methods/amnesiac/updateLog.ts";
import { buildAmnesiacTrainWitness, buildAmnesiacUnlearnWitness } from "../src/methods/amnesiac/witness.ts";
import { amnesiacFixture, type AmnesiacFixture } from "./helpers/amnesiacFixture.ts";

describe("amnesiac oracle (training with an update log, unlearning by subtraction)", () => {
  let fx: AmnesiacFixture;
  let slots: TrainingSlot[];
  before(async () => {
    fx = await amnesiacFixture();
    slots = openSlots(fx.genesis, 0, 16, fx.poseidon).slots;
  });

  describe("schedule", () => {
    it("step t is batch t mod 2^(D−b) of epoch ⌊t / 2^(D−b)⌋; a slot is in exactly E steps", () => {
      assert.equal(totalSteps(fx.config), 16);
      assert.equal(logDepth(fx.config), 4);
      assert.deepEqual(batchOfStep(0, fx.config), { epoch: 0, batch: 0, first: 0, count: 2 });
      assert.deepEqual(batchOfStep(13, fx.config), { epoch: 1, batch: 5, first: 10, count: 2 });
      assert.deepEqual(stepsOfSlot(11, fx.config), [5, 13]);
      for (let t = 0; t < 16; t++) {
        const { first, count } = batchOfStep(t, fx.config);
        for (let i = first; i < first + count; i++) assert.ok(stepsOfSlot(i, fx.config).includes(t));
      }
      assert.throws(() => batchOfStep(16, fx.config), /step 16 is outside the training: it has steps 0..15/);
      assert.throws(() => stepsOfSlot(16, fx.config), /slot 16 is outside the dataset tree/);
    });

    it("affected steps are the union over the slots, each once (two records of one batch share theirs)", () => {
      assert.deepEqual(affectedSteps([3, 2], fx.config), [1, 9]);
      assert.deepEqual(affectedSteps([0, 15, 1], fx.config), [0, 7, 8, 15]);
    });
  });

  describe("training", () => {
    it("every step is the shard trainer's gradient step on its batch (trainShard with one epoch from w_t)", () => {
      const run = trainAmnesiac(slots, fx.config);
      assert.equal(run.deltas.length, 16);
      for (let t = 0; t < 16; t++) {
        const { first, count } = batchOfStep(t, fx.config);
        const shardConfig = { dataDepth: 4, shardDepth: 3, features: 2, epochs: 1, maxDeletions: 1, learningRate: fx.config.learningRate, l2: fx.config.l2, initialWeights: run.weights[t]!, testRoot: 0n };
        assert.deepEqual(run.weights[t + 1], trainShard(slots.slice(first, first + count), shardConfig).weights, `step ${t}`);
        assert.deepEqual(run.deltas[t], run.weights[t + 1]!.map((w, j) => w - run.weights[t]![j]!));
      }
      // An empty batch (slots 14, 15) only applies the L2 shrinkage: the bias does not move.
      assert.equal(run.deltas[7]![2], 0n);
    });

    it("the proved training chain logs every step and ends at the oracle's weights", () => {
      const run = trainAmnesiac(slots, fx.config);
      assert.deepEqual(fx.trained.weights, run.weights[16]);
      assert.equal(fx.training.length, 8);
      assert.equal(fx.training[0]!.publicSignals.oldState, amnesiacGenesisState(fx.dataset.root, fx.config, fx.poseidon.hash), "starts at the public genesis state");
      fx.training.forEach((w, i) => {
        assert.equal(w.publicSignals.firstStep, 2 * i);
        if (i > 0) assert.equal(w.publicSignals.oldState, fx.training[i - 1]!.publicSignals.newState);
      });
      for (let t = 0; t < 16; t++) {
        const s = fx.trained.log.step(t);
        assert.deepEqual(s.delta, run.deltas[t]);
        assert.equal(fx.trained.log.leaf(t), logLeaf(t, s.salt, run.deltas[t]!, fx.poseidon.hash));
      }
      assert.throws(() => buildAmnesiacTrainWitness(fx.trained, 1, { logSalts: [1n, 2n], newModelSalt: 3n }, fx.poseidon), /training is complete: all 16 steps are logged/);
    });

    it("log leaves are salted: the same update under another salt gives another leaf", () => {
      const d = fx.trained.log.step(3).delta;
      assert.notEqual(logLeaf(3, 1n, d, fx.poseidon.hash), logLeaf(3, 2n, d, fx.poseidon.hash));
      assert.notEqual(logLeaf(3, 1n, d, fx.poseidon.hash), logLeaf(4, 1n, d, fx.poseidon.hash));
    });
  });

  describe("unlearning", () => {
    it("w' = w − Σ_{t∈T} Δ_t over the deleted slots' steps; subtracting every step gives back w_0", () => {
      const { weights, log } = fx.trained;
      const u = unlearnSlots(weights, log, [4, 11]);
      assert.deepEqual(u.steps, [2, 5, 10, 13]);
      const expected = weights.map((w, j) => w - [2, 5, 10, 13].reduce((s, t) => s + log.step(t).delta[j]!, 0n));
      assert.deepEqual(u.weights, expected);
      const all = unlearnSlots(weights, log, Array.from({ length: 8 }, (_, k) => 2 * k));
      assert.deepEqual(all.weights, fx.config.initialWeights);
    });

    it("an update is subtracted once: a later deletion in the same batch subtracts nothing more", () => {
      const first = unlearnSlots(fx.trained.weights, fx.trained.log, [4]);
      const second = unlearnSlots(first.weights, first.log, [5]);
      assert.deepEqual(second.steps, [2, 10]);
      assert.deepEqual(second.newlySubtracted, []);
      assert.deepEqual(second.weights, first.weights);
      assert.equal(second.log.root, first.log.root, "zeroed leaves stay zeroed");
      assert.notEqual(first.log.root, fx.trained.log.root);
    });

    it("the witness builder moves data, model and log together, and refuses an incomplete training", () => {
      const w = buildAmnesiacUnlearnWitness(fx.trained, [11, 4], fx.maxDeletions, 42n, fx.poseidon);
      assert.deepEqual(w.statement.deleted.map((d) => d.index), [4, 11]);
      assert.deepEqual(w.statement.steps, [2, 5, 10, 13]);
      assert.equal(w.next.dataTree.get(4), 0n);
      assert.equal(w.next.dataTree.get(11), 0n);
      assert.equal(w.publicSignals.newState, systemState(w.next, fx.poseidon));
      assert.throws(() => buildAmnesiacUnlearnWitness(fx.training[3]!.next, [4], 2, 1n, fx.poseidon), /needs the complete training in the log; 8 steps are logged/);
      assert.throws(() => buildAmnesiacUnlearnWitness(fx.trained, [13], 2, 1n, fx.poseidon), /slot 13 is empty/);
      assert.throws(() => buildAmnesiacUnlearnWitness(fx.trained, [1, 2, 3], 2, 1n, fx.poseidon), /3 deletions exceed the maximum K = 2/);
    });
  });

  it("the honest label counts the steps from the deleted slots and the schedule", () => {
    assert.equal(amnesiacUnlearningLabel([4, 11], fx.config), "approximate unlearning: the updates of 4 steps that used the deleted records were subtracted");
    assert.equal(amnesiacUnlearningLabel([4, 5], fx.config), "approximate unlearning: the updates of 2 steps that used the deleted records were subtracted");
    assert.equal(amnesiacUnlearningLabel([3], { ...fx.config, epochs: 1 }), "approximate unlearning: the updates of 1 step that used the deleted records were subtracted");
  });

  describe("config", () => {
    it("rejects a config whose weights could leave the bound over all steps, and bad shapes", () => {
      assert.throws(() => makeAmnesiacConfig({ dataDepth: 4, batchLog2: 1, features: 2, epochs: 2 }, { learningRate: 4 }), /weights could reach/);
      assert.throws(() => makeAmnesiacConfig({ dataDepth: 4, batchLog2: 4, features: 2, epochs: 2 }, { learningRate: 0.1 }), /batchLog2 must be an integer from 1 to 3, got 4/);
      assert.throws(() => validateAmnesiacConfig({ ...fx.config, learningRate: -1n }), /learning rate -1/);
    });

    it("the config hash binds the schedule, and the circuits' algorithm id is the TypeScript one", async () => {
      const h = amnesiacConfigHash(fx.config, fx.poseidon.hash);
      assert.notEqual(amnesiacConfigHash({ ...fx.config, batchLog2: 2 }, fx.poseidon.hash), h);
      assert.notEqual(amnesiacConfigHash({ ...fx.config, epochs: 1 }, fx.poseidon.hash), h);
      assert.notEqual(amnesiacConfigHash({ ...fx.config, l2: fx.config.l2 + 1n }, fx.poseidon.hash), h);
      const src = await readFile(join(circuitsDir(), "lib", "amnesiac.circom"), "utf8");
      assert.equal(src.match(/function AMNESIAC_ALGORITHM_ID\(\) \{ return (\d+); \}/)?.[1], AMNESIAC_ALGORITHM_ID.toString());
    });
  });

  it("the gap to retraining compares the subtraction with a retraining without the forget set", () => {
    const base = gapBase(fx.config, slots, fx.poseidon.hash);
    assert.deepEqual(base.weights, fx.trained.weights);
    const test = [10, 11, 12].map((i) => slots[i]!);
    const gap = amnesiacGap(base, [4, 11], test);
    assert.equal(gap.subtractedSteps, 4);
    const unlearned = unlearnSlots(fx.trained.weights, fx.trained.log, [4, 11]).weights;
    const reference = trainAmnesiac(slots.map((r, i) => (i === 4 || i === 11 ? undefined : r)), fx.config).weights[16]!;
    const dist = Math.sqrt(unlearned.reduce((s, v, j) => s + (Number(v - reference[j]!) / 65536) ** 2, 0));
    assert.ok(Math.abs(gap.l2ToReference.unlearned - dist) < 1e-12);
    assert.ok(gap.l2ToReference.unlearned > 0, "approximate: the subtraction is not the retraining");
    for (const set of ["retain", "forget", "test"] as const) for (const m of ["original", "unlearned", "reference"] as const) {
      assert.ok(gap.accuracy[set][m] >= 0 && gap.accuracy[set][m] <= 1);
    }
    assert.throws(() => amnesiacGap(base, [13], test), /forget slot 13 holds no record/);
  });

  it("UpdateLog.empty has the all-zero root of its depth", () => {
    const log = UpdateLog.empty(fx.config, fx.poseidon.hash);
    assert.equal(log.length, 0);
    assert.equal(log.root, fx.genesis.log.root);
  });
});
