import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { circuitsDir } from "../src/circuits/paths.ts";
import { FRACTION_BITS, SCALE, decodeFixed } from "../src/encoding/fixedPoint.ts";
import { encodeRecord, loadDataset, type EncodedRecord } from "../src/encoding/records.ts";
import {
  FEATURE_BOUND_BITS, FEATURE_LIMIT, L2_BOUND_BITS, LEARNING_RATE_BOUND_BITS, WEIGHT_BOUND_BITS, WEIGHT_LIMIT, logitBoundBits,
} from "../src/ml/bounds.ts";
import {
  ALGORITHM_ID, ALGORITHM_NAME, initialWeightsFromSeed, makeTrainingConfig, maxWeightGrowth, shardProfileParams,
  validateTrainingConfig, type TrainingConfig,
} from "../src/ml/config.ts";
import { floorDivPow2, hardSigmoidFixed } from "../src/ml/fixedMath.ts";
import { accuracyFloat, hardSigmoid, logitFloat, trainFloat } from "../src/ml/floatTrainer.ts";
import { accuracy, logit, predict, trainShard } from "../src/ml/trainer.ts";
import { TrainingInputError, type TrainingSlot } from "../src/ml/trainingInput.ts";
import { ensembleAccuracy } from "../src/sisa/ensemble.ts";
import { toField } from "../src/field.ts";
import { CircuitTester, testProfile } from "./helpers/circuitTester.ts";
import { quotientBits } from "./helpers/trainingWitness.ts";
import { seededRandom } from "../src/seededRandom.ts";

const rng = seededRandom;
const randInt = (r: () => number, lo: bigint, hi: bigint): bigint => lo + BigInt(Math.floor(r() * Number(hi - lo)));

/** A config for 2^slotsLog2-slot shards (dataDepth = slotsLog2 + 1, shardDepth 1). */
function smallConfig(slotsLog2: number, features: number, epochs: number, over: Partial<TrainingConfig> = {}): TrainingConfig {
  const config: TrainingConfig = {
    ...shardProfileParams([1, slotsLog2 + 1, features, epochs, 2]),
    learningRate: 2n * SCALE,
    l2: SCALE / 64n,
    initialWeights: initialWeightsFromSeed("test", features),
    testRoot: 0n,
    ...over,
  };
  validateTrainingConfig(config);
  return config;
}

/** Random slots: features anywhere in the bound (extremes included), some slots empty. */
function randomSlots(r: () => number, n: number, features: number, emptyRate = 0.25): TrainingSlot[] {
  return Array.from({ length: n }, () => {
    if (r() < emptyRate) return undefined;
    const f = Array.from({ length: features }, () => {
      const u = r();
      return u < 0.1 ? -FEATURE_LIMIT : u < 0.2 ? FEATURE_LIMIT - 1n : randInt(r, -FEATURE_LIMIT, FEATURE_LIMIT);
    });
    return { features: f, label: r() < 0.5 ? 0n : SCALE };
  });
}

describe("fixed-point trainer (src/ml)", () => {
  describe("arithmetic", () => {
    it("floorDivPow2 rounds toward −∞, also for negatives", () => {
      assert.equal(floorDivPow2(5n, 1), 2n);
      assert.equal(floorDivPow2(-5n, 1), -3n);
      assert.equal(floorDivPow2(-4n, 2), -1n);
      assert.equal(floorDivPow2(-1n, 18), -1n);
      assert.equal(floorDivPow2(0n, 18), 0n);
      assert.throws(() => floorDivPow2(1n, -1), RangeError);
    });

    it("the hard sigmoid is 1/2 at 0, linear in between, and bounded in [0, 1] for every input", () => {
      assert.equal(hardSigmoidFixed(0n), SCALE / 2n);
      assert.equal(hardSigmoidFixed(SCALE * SCALE), (3n * SCALE) / 4n); // z = 1 → 0.75
      assert.equal(hardSigmoidFixed(-2n * SCALE * SCALE), 0n); // z = −2 → 0 exactly
      assert.equal(hardSigmoidFixed(2n * SCALE * SCALE), SCALE); // z = 2 → 1 exactly
      assert.equal(hardSigmoidFixed(-1n), SCALE / 2n - 1n); // floor, not truncation
      for (const z of [2n ** 45n - 1n, -(2n ** 45n), 2n ** 200n, -(2n ** 200n), 2n ** 33n + 1n, -(2n ** 33n) - 1n]) {
        const s = hardSigmoidFixed(z);
        assert.ok(s >= 0n && s <= SCALE, `σ(${z}) = ${s}`);
      }
      const r = rng(1);
      let previous = -1n;
      for (let i = 0; i < 2000; i++) {
        const z = -(3n << 32n) + BigInt(i) * (6n << 32n) / 2000n + randInt(r, 0n, 1000n);
        const s = hardSigmoidFixed(z);
        assert.ok(s >= previous, "monotone");
        assert.ok(Math.abs(decodeFixed(s) - hardSigmoid(Number(z) / 2 ** 32)) <= 2 ** -16, "within one unit of the real value");
        previous = s;
      }
    });
  });

  describe("input bounds", () => {
    const config = smallConfig(2, 2, 1);
    const ok = { features: [0n, 0n], label: 0n };

    it("accepts features in [−2, 2) and labels 0 or 1", () => {
      assert.doesNotThrow(() => trainShard([{ features: [-FEATURE_LIMIT, FEATURE_LIMIT - 1n], label: SCALE }, ok, undefined, ok], config));
    });

    it("rejects a feature at or beyond ±2, naming the record and the feature", () => {
      const bad = { id: "r7", features: [0n, FEATURE_LIMIT], label: 0n };
      assert.throws(() => trainShard([ok, ok, bad, undefined], config), (e: unknown) =>
        e instanceof TrainingInputError && e.slot === 2 && e.field === "feature 1" &&
        /record "r7" \(slot 2\), feature 1: value 2 is outside the training bound \[−2, 2\)/.test(e.message));
      assert.throws(() => trainShard([{ features: [-FEATURE_LIMIT - 1n, 0n], label: 0n }, ok, ok, ok], config), /slot 0\), feature 0/);
      // Slot numbers can be global (the statement oracle passes the shard's first slot).
      assert.throws(() => trainShard([ok, { ...bad, id: undefined }, ok, ok], config, 40), /^TrainingInputError: record \(slot 41\), feature 1/);
    });

    it("rejects labels other than 0 and 1, and a wrong feature count", () => {
      assert.throws(() => trainShard([ok, { id: "x", features: [0n, 0n], label: SCALE / 2n }, ok, ok], config), /record "x" \(slot 1\), label: value 0.5 is not 0 or 1/);
      assert.throws(() => trainShard([ok, { features: [0n], label: 0n }, ok, ok], config), /slot 1\), features: has 1 features, the model has 2/);
      assert.throws(() => trainShard([ok, ok, ok], config), /a shard of this profile has 4 slots, got 3/);
    });

    it("masks empty slots: training ignores them, and slot order does not matter (sums are exact)", () => {
      const r = rng(2);
      const slots = randomSlots(r, 8, 2, 0.4);
      const c8 = smallConfig(3, 2, 3);
      const live = slots.filter((s) => s !== undefined);
      const packed: TrainingSlot[] = [...live, ...new Array<undefined>(8 - live.length).fill(undefined)].reverse();
      assert.deepEqual(trainShard(slots, c8).weights, trainShard(packed, c8).weights);
      // A masked slot is not trained on: putting a record there changes the result.
      const withExtra = slots.map((s) => s ?? { features: [FEATURE_LIMIT - 1n, -FEATURE_LIMIT], label: SCALE });
      assert.notDeepEqual(trainShard(withExtra, c8).weights, trainShard(slots, c8).weights);
      assert.equal(trainShard(slots, c8).liveCount, live.length);
    });

    it("does not modify its inputs", () => {
      const slots = randomSlots(rng(3), 4, 2);
      const copy = JSON.stringify(slots, (_k, v) => (typeof v === "bigint" ? String(v) : v));
      const initial = [...config.initialWeights];
      trainShard(slots, config);
      assert.equal(JSON.stringify(slots, (_k, v) => (typeof v === "bigint" ? String(v) : v)), copy);
      assert.deepEqual(config.initialWeights, initial);
    });
  });

  describe("config", () => {
    const params = shardProfileParams([3, 8, 16, 10, 3]);

    it("reads profile parameters in template order and checks them", () => {
      assert.deepEqual(params, { shardDepth: 3, dataDepth: 8, features: 16, epochs: 10, maxDeletions: 3 });
      assert.throws(() => shardProfileParams([3, 8, 16, 10]), /takes 5 parameters/);
      assert.throws(() => shardProfileParams([0, 8, 16, 10, 3]), /shardDepth must be an integer from 1/);
      assert.throws(() => shardProfileParams([3, 3, 16, 10, 3]), /dataDepth must be an integer from 4/);
    });

    it("rejects out-of-range hyperparameters and initial weights", () => {
      assert.throws(() => makeTrainingConfig(params, { learningRate: 16 }), /learning rate 1048576 .* outside \[0, 2\^20\)/);
      assert.throws(() => makeTrainingConfig(params, { learningRate: -0.5 }), /learning rate/);
      assert.throws(() => makeTrainingConfig(params, { learningRate: 1, l2: 1 }), /L2 coefficient 65536/);
      const base = makeTrainingConfig(params, { learningRate: 1 });
      assert.throws(() => validateTrainingConfig({ ...base, initialWeights: [0n] }), /initial weight vector has 1 entries; 16 features need 17/);
      const tooBig = [...base.initialWeights];
      tooBig[16] = WEIGHT_LIMIT;
      assert.throws(() => validateTrainingConfig({ ...base, initialWeights: tooBig }), /initial weight bias \(16\) = 8388608 is outside/);
    });

    it("rejects configs whose weights could leave [−128, 128), with the reason", () => {
      assert.throws(() => makeTrainingConfig(params, { learningRate: 15 }), /weights could reach ±\d+.* after 10 epochs, beyond the bound 128/);
      assert.throws(() => makeTrainingConfig(params, { learningRate: 2, l2: 0.5 }), /lower the learning rate/);
      assert.doesNotThrow(() => makeTrainingConfig(params, { learningRate: 4, l2: 1 / 1024 }));
    });

    it("maxWeightGrowth bounds adversarial training (features at the bound, labels pushing one way)", () => {
      const config = makeTrainingConfig(shardProfileParams([1, 4, 2, 10, 1]), { learningRate: 6, initialWeights: { seed: "x" } });
      const bound = maxWeightGrowth(config);
      assert.ok(bound < WEIGHT_LIMIT);
      // Every record says "class 1" with maximal features: the weights grow as fast as they can.
      const push = new Array<TrainingSlot>(8).fill({ features: [FEATURE_LIMIT - 1n, FEATURE_LIMIT - 1n], label: SCALE });
      const { weights } = trainShard(push, config);
      for (const w of weights) assert.ok(w < bound && -w < bound, `|${w}| < ${bound}`);
    });

    it("derives initial weights deterministically from a seed, in [−1/16, 1/16)", () => {
      const a = initialWeightsFromSeed("seed", 16);
      assert.deepEqual(a, initialWeightsFromSeed("seed", 16));
      assert.notDeepEqual(a, initialWeightsFromSeed("seed2", 16));
      assert.equal(a.length, 17);
      assert.ok(a.every((w) => w >= -(2n ** 12n) && w < 2n ** 12n));
      assert.ok(new Set(a).size > 10);
    });

    it("the circuit's constants (circuits/lib/training_params.circom) equal the TypeScript ones", async () => {
      const text = await readFile(join(circuitsDir(), "lib", "training_params.circom"), "utf8");
      const constant = (name: string): bigint => {
        const m = new RegExp(`function ${name}\\(\\) \\{ return (\\d+); \\}`).exec(text);
        assert.ok(m, `no constant ${name} in training_params.circom`);
        return BigInt(m[1]!);
      };
      assert.equal(constant("FRACTION_BITS"), BigInt(FRACTION_BITS));
      assert.equal(constant("FEATURE_BOUND_BITS"), BigInt(FEATURE_BOUND_BITS));
      assert.equal(constant("WEIGHT_BOUND_BITS"), BigInt(WEIGHT_BOUND_BITS));
      assert.equal(constant("LEARNING_RATE_BOUND_BITS"), BigInt(LEARNING_RATE_BOUND_BITS));
      assert.equal(constant("L2_BOUND_BITS"), BigInt(L2_BOUND_BITS));
      assert.equal(constant("ALGORITHM_ID"), ALGORITHM_ID);
      assert.equal(Buffer.from(ALGORITHM_ID.toString(16), "hex").toString("utf8"), ALGORITHM_NAME);
      assert.equal(logitBoundBits(16), 45);
    });
  });

  describe("accuracy on data/demo.csv (MNIST 0 vs 1, 16 features)", () => {
    let records: EncodedRecord[];
    before(async () => {
      records = (await loadDataset("data/demo.csv")).records.map(encodeRecord);
    });
    const real = (r: EncodedRecord): { features: number[]; label: number } => ({ features: r.features.map(decodeFixed), label: decodeFixed(r.label) });

    it("the SISA ensemble (8 shards of 32, demo profile) is within 2 points of the float64 trainer on held-out data", () => {
      const config = makeTrainingConfig(shardProfileParams([3, 8, 16, 10, 3]), { learningRate: 2, l2: 1 / 1024, initialWeights: { seed: "demo" } });
      const train = records.slice(0, 256);
      const test = records.slice(256);
      const fixedModels: bigint[][] = [];
      const floatModels: number[][] = [];
      for (let k = 0; k < 8; k++) {
        const shard = train.slice(32 * k, 32 * k + 32);
        fixedModels.push(trainShard(shard, config).weights);
        floatModels.push(trainFloat(shard.map(real), {
          features: 16, epochs: 10, learningRate: 2, l2: 1 / 1024, capacity: 32, initialWeights: config.initialWeights.map(decodeFixed),
        }));
        // Each shard's model stays within a few units of 2^−16 of the float model.
        fixedModels[k]!.forEach((w, j) => assert.ok(Math.abs(decodeFixed(w) - floatModels[k]![j]!) < 1e-3, `shard ${k} weight ${j}`));
      }
      const fixedAcc = ensembleAccuracy(fixedModels, test);
      const floatAcc = test.map(real).filter((r) => (floatModels.reduce((s, w) => s + logitFloat(w, r.features), 0) >= 0 ? 1 : 0) === r.label).length / test.length;
      assert.ok(fixedAcc > 0.9, `fixed-point ensemble accuracy ${fixedAcc}`);
      assert.ok(Math.abs(fixedAcc - floatAcc) <= 0.02, `fixed ${fixedAcc} vs float ${floatAcc}`);
      // Single-shard models too.
      const single = accuracy(fixedModels[0]!, test);
      assert.ok(Math.abs(single - accuracyFloat(floatModels[0]!, test.map(real))) <= 0.02);
    });

    it("predict / logit agree with the float model's sign on the demo data", () => {
      const config = makeTrainingConfig(shardProfileParams([1, 9, 16, 10, 1]), { learningRate: 2 });
      const { weights } = trainShard(records.slice(0, 256), config);
      const wf = weights.map(decodeFixed);
      let disagreements = 0;
      for (const r of records) {
        const z = logit(weights, r.features);
        assert.ok(Math.abs(Number(z) / 2 ** 32 - logitFloat(wf, r.features.map(decodeFixed))) < 1e-9);
        if (predict(weights, r.features) !== (logitFloat(wf, r.features.map(decodeFixed)) >= 0 ? 1 : 0)) disagreements++;
      }
      assert.equal(disagreements, 0);
    });
  });
});

describe("training circuits = the TypeScript trainer, bit for bit", () => {
  after(async () => {
    await (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128?.terminate();
  });

  describe("LogisticTraining(3, 2, 3): 8 slots, 2 features, 3 epochs", () => {
    let tester: CircuitTester;
    before(async () => {
      tester = await CircuitTester.build(testProfile("LogisticTraining", "lib/training.circom", [3, 2, 3]));
    });
    const input = (slots: TrainingSlot[], config: TrainingConfig): Record<string, unknown> => ({
      live: slots.map((s) => (s ? "1" : "0")),
      feature: slots.map((s) => (s ? s.features.map((x) => String(toField(x))) : ["0", "0"])),
      label: slots.map((s) => (s ? String(s.label) : "0")),
      learningRate: String(config.learningRate),
      l2: String(config.l2),
      initialWeights: config.initialWeights.map((w) => String(toField(w))),
    });
    const expected = (weights: bigint[]): Record<string, bigint> => Object.fromEntries(weights.map((w, j) => [`weights[${j}]`, toField(w)]));

    it("random shards (extreme features, negative weights, masks, saturated sigmoids) give identical weights", async () => {
      const r = rng(42);
      let sawNegative = false;
      for (let trial = 0; trial < 6; trial++) {
        const config = smallConfig(3, 2, 3, {
          learningRate: randInt(r, 0n, 5n * SCALE),
          l2: randInt(r, 0n, SCALE / 32n),
          initialWeights: [randInt(r, -SCALE, SCALE), randInt(r, -SCALE, SCALE), randInt(r, -SCALE, SCALE)],
        });
        const slots = randomSlots(r, 8, 2, trial === 0 ? 0 : 0.3);
        const { weights, epochWeights } = trainShard(slots, config);
        sawNegative ||= epochWeights.flat().some((w) => w < 0n);
        await tester.expectPass(input(slots, config), expected(weights));
      }
      assert.ok(sawNegative, "some weight was negative (the field-signed path is exercised)");
    });

    it("an empty shard and a shard with one record", async () => {
      const config = smallConfig(3, 2, 3);
      const empty = new Array<TrainingSlot>(8).fill(undefined);
      // No records: only the L2 decay moves the feature weights; the bias stays.
      assert.equal(trainShard(empty, config).weights[2], config.initialWeights[2]);
      await tester.expectPass(input(empty, config), expected(trainShard(empty, config).weights));
      const one: TrainingSlot[] = [undefined, undefined, undefined, { features: [SCALE, -SCALE], label: SCALE }, undefined, undefined, undefined, undefined];
      await tester.expectPass(input(one, config), expected(trainShard(one, config).weights));
    });

    it("rejects inputs outside the bounds (no witness), like the trainer", async () => {
      const config = smallConfig(3, 2, 3);
      const slots = randomSlots(rng(5), 8, 2, 0);
      const base = input(slots, config);
      const withFeature = (x: bigint): Record<string, unknown> => ({ ...base, feature: (base.feature as string[][]).map((f, i) => (i === 2 ? [String(toField(x)), f[1]!] : f)) });
      await tester.expectPass(withFeature(FEATURE_LIMIT - 1n));
      await tester.expectPass(withFeature(-FEATURE_LIMIT));
      await tester.expectFail(withFeature(FEATURE_LIMIT));
      await tester.expectFail(withFeature(-FEATURE_LIMIT - 1n));
      await tester.expectFail({ ...base, label: (base.label as string[]).map((l, i) => (i === 1 ? "2" : l)) });
      await tester.expectFail({ ...base, live: (base.live as string[]).map((l, i) => (i === 1 ? "2" : l)) });
      await tester.expectFail({ ...base, learningRate: String(16n * SCALE) });
      await tester.expectFail({ ...base, l2: String(SCALE) });
      await tester.expectFail({ ...base, initialWeights: [String(WEIGHT_LIMIT), "0", "0"] });
    });

    it("a weight leaving [−128, 128) makes both the trainer and the circuit fail", async () => {
      // Bypasses config validation on purpose: learning rate 15 with weights ±127 that cancel in
      // the logit (σ = 1/2, label 1), so the gradient pushes both further out: 127 + 15 > 128.
      const config: TrainingConfig = {
        ...smallConfig(3, 2, 3), learningRate: 15n * SCALE, l2: 0n, initialWeights: [127n * SCALE, -127n * SCALE, 0n],
      };
      const slots = new Array<TrainingSlot>(8).fill({ features: [FEATURE_LIMIT - 1n, FEATURE_LIMIT - 1n], label: SCALE });
      assert.throws(() => validateTrainingConfig(config), /weights could reach/);
      assert.throws(() => trainShard(slots, config), /learning rate|weights could reach/);
      await tester.expectFail(input(slots, config));
      // Unchecked, the same arithmetic overflows in the first epoch.
      const z = logit(config.initialWeights, slots[0]!.features);
      const next = config.initialWeights[0]! - (config.learningRate * (hardSigmoidFixed(z) - SCALE) * (FEATURE_LIMIT - 1n) * 8n >> 35n);
      assert.ok(next >= WEIGHT_LIMIT, `${next}`);
    });

    it("the quotient and remainder of every weight update are pinned (forged witnesses fail)", async () => {
      const config = smallConfig(3, 2, 3);
      const slots = randomSlots(rng(9), 8, 2, 0);
      const { epochWeights } = trainShard(slots, config);
      const witness = await tester.expectPass(input(slots, config));
      for (const e of [0, 2]) {
        for (const j of [0, 2]) {
          // The optimiser keeps q and r only as their bits; q = new weight + 2^23.
          const q = epochWeights[e + 1]![j]! + WEIGHT_LIMIT;
          for (const delta of [-1n, 1n]) {
            // q ± 1 with r ∓ 2^s would keep q·2^s + r: the remainder leaves [0, 2^s), so a range check objects.
            const forged = tester.tamper(witness, quotientBits(tester, `update[${e}][${j}]`, q + delta, q));
            assert.notEqual(await tester.firstFailingConstraint(forged), -1, `update[${e}][${j}] quotient ${delta > 0 ? "+" : "−"}1`);
          }
        }
      }
      // A remainder bit flipped alone changes r by a power of two: the linear relation objects.
      const flipped = tester.tamper(witness, { "update[1][1].rRange.out[3]": 1n - tester.readSignal(witness, "update[1][1].rRange.out[3]") });
      assert.notEqual(await tester.firstFailingConstraint(flipped), -1);
    });
  });

  describe("HardSigmoid(45)", () => {
    let tester: CircuitTester;
    before(async () => {
      tester = await CircuitTester.build(testProfile("HardSigmoid", "lib/training.circom", [45]));
    });

    it("equals hardSigmoidFixed at the clamp boundaries, extremes and random points", async () => {
      const two33 = 1n << 33n;
      const r = rng(7);
      const zs = [0n, 1n, -1n, two33 - 1n, two33, two33 + 1n, -two33 + 1n, -two33, -two33 - 1n, (1n << 45n) - 1n, -(1n << 45n),
        ...Array.from({ length: 6 }, () => randInt(r, -(3n << 32n), 3n << 32n))];
      for (const z of zs) await tester.expectPass({ z: String(toField(z)) }, { out: hardSigmoidFixed(z) });
    });

    it("has no witness for |z| beyond 2^45", async () => {
      await tester.expectFail({ z: String(1n << 45n) });
      await tester.expectFail({ z: String(toField(-(1n << 45n) - 1n)) });
    });

    it("pins every bit and the helper inverse", async () => {
      for (const z of [12345n << 20n, -(12345n << 20n), 5n << 33n, -(5n << 33n)]) {
        const witness = await tester.expectPass({ z: String(toField(z)) });
        const names = tester.signalNames().filter((n) => /^main\.(bits\.out\[\d+\]|sign|inside|insideSign|outside\.inv)$/.test(n) && tester.hasWire(n));
        assert.ok(names.length >= 45, `${names.length} pinned signals`);
        for (const name of names) {
          const honest = tester.readSignal(witness, name);
          const forged = tester.tamper(witness, { [name]: name.endsWith("inv") || name.endsWith("insideSign") ? honest + 1n : 1n - honest });
          assert.notEqual(await tester.firstFailingConstraint(forged), -1, `${name} (z = ${z})`);
        }
      }
    });
  });
});
