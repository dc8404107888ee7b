import assert from "node:assert/strict";
import { getProfile } from "../src/circuits/profiles.ts";
import { toFieldSigned } from "../src/encoding/fixedPoint.ts";
import { WEIGHT_LIMIT } from "../src/ml/bounds.ts";
import { amnesiacConfigHash } from "../src/methods/amnesiac/config.ts";
import { amnesiacStateHash, modelCommitment } from "../src/methods/amnesiac/state.ts";
import { systemState, type AmnesiacSystem } from "../src/methods/amnesiac/system.ts";
import { runSteps } from "../src/methods/amnesiac/training.ts";
import type { UpdateLog } from "../src/methods/amnesiac/updateLog.ts";
import { buildAmnesiacUnlearnWitness, type AmnesiacTrainWitness, type AmnesiacUnlearnWitness } from "../src/methods/amnesiac/witness.ts";
import { deletionDigest } from "../src/statements/deletion.ts";
import { CircuitTester } from "./helpers/circuitTester.ts";
import { setEntry, withInput } from "./helpers/circuitInput.ts";
import {
  AMNESIAC_E3_PROFILES, AMNESIAC_TRAIN_PROFILE, AMNESIAC_UNLEARN_PROFILE, amnesiacFixture, oneFeatureDataset, type AmnesiacFixture,
} from "./helpers/amnesiacFixture.ts";
import { rootFromPath } from "../src/crypto/merkle.ts";
import { gradientStep } from "../src/ml/trainer.ts";
import { logLeaf } from "../src/methods/amnesiac/updateLog.ts";
import { quotientBits } from "./helpers/trainingWitness.ts";

const str = (v: bigint | number): string => v.toString();
const signed = (v: bigint): string => toFieldSigned(v).toString();
const trainSignals = (w: AmnesiacTrainWitness): bigint[] => [w.publicSignals.oldState, w.publicSignals.newState, BigInt(w.publicSignals.firstStep)];
const unlearnSignals = (w: AmnesiacUnlearnWitness): bigint[] => [w.publicSignals.oldState, w.publicSignals.newState, w.publicSignals.deletionDigest];
const plus = (a: readonly bigint[], b: readonly bigint[]): bigint[] => a.map((v, j) => v + b[j]!);
const minus = (a: readonly bigint[], b: readonly bigint[]): bigint[] => a.map((v, j) => v - b[j]!);

describe("amnesiac circuits", () => {
  let fx: AmnesiacFixture;
  let cfgHash: bigint;
  /** A state with these parts (model salt given), step count 16 unless told. */
  const state = (dataRoot: bigint, weights: readonly bigint[], salt: bigint, log: UpdateLog, stepCount = 16): bigint =>
    amnesiacStateHash({ dataRoot, modelCommitment: modelCommitment(weights, salt, fx.poseidon.hash), logRoot: log.root, stepCount }, cfgHash, fx.poseidon.hash);

  before(async () => {
    fx = await amnesiacFixture();
    cfgHash = amnesiacConfigHash(fx.config, fx.poseidon.hash);
  });
  after(async () => {
    await (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128?.terminate();
  });

  describe(`AmnesiacTrain (profile ${AMNESIAC_TRAIN_PROFILE})`, () => {
    let tester: CircuitTester;
    /** Steps 6 and 7 (batches 6 = slots 12, 13 with one live record, 7 = slots 14, 15, empty). */
    let mid: AmnesiacTrainWitness;
    let before6: AmnesiacSystem;
    before(async () => {
      tester = await CircuitTester.build(getProfile(AMNESIAC_TRAIN_PROFILE));
      mid = fx.training[3]!;
      before6 = fx.training[2]!.next;
    });
    /** newState of `mid` with other weights after step 7, or another log. */
    const midState = (weights: readonly bigint[], log: UpdateLog = mid.next.log): bigint =>
      state(fx.dataset.root, weights, mid.next.modelSalt, log, 8);

    it("accepts every proof of the training, with the oracle's public signals (bit-exact weights and log)", async () => {
      for (const w of fx.training) await tester.expectPass(w.input, trainSignals(w));
    });

    it("rejects a logged update that is not the step's (Δ changed by one unit)", async () => {
      const forged = before6.log.append([
        { delta: plus(mid.deltas[0]!, [1n, 0n, 0n]), salt: mid.next.log.step(6).salt },
        { delta: mid.deltas[1]!, salt: mid.next.log.step(7).salt },
      ]);
      await tester.expectFail(withInput(mid.input, { newState: str(midState(mid.next.weights, forged)) }));
    });

    it("rejects new weights one unit off, and a forged quotient of a weight update", async () => {
      await tester.expectFail(withInput(mid.input, { newState: str(midState(plus(mid.next.weights, [0n, 1n, 0n]))) }));
      const witness = await tester.expectPass(mid.input);
      const q = mid.weights[1]![0]! + WEIGHT_LIMIT;
      const forged = tester.tamper(witness, quotientBits(tester, "step[0].update[0][0]", q + 1n, q));
      assert.notEqual(await tester.firstFailingConstraint(forged), -1);
    });

    it("rejects steps out of order: another firstStep than the state's step count, or one that is not a multiple of P", async () => {
      for (const firstStep of ["8", "7", "4"]) await tester.expectFail(withInput(mid.input, { firstStep }));
      // A consistent-looking claim that these are steps 8..9: the data path and the log position move.
      const as8 = state(fx.dataset.root, before6.weights, before6.modelSalt, before6.log, 8);
      await tester.expectFail(withInput(mid.input, { firstStep: "8", oldState: str(as8) }));
    });

    it("rejects training on another batch than the schedule's (slots 0..3 instead of 12..15)", async () => {
      const early = fx.training[0]!;
      const cheat = runSteps(
        Array.from({ length: 16 }, (_, i) => {
          const r = fx.genesis.records.get(i - 12);
          return i >= 12 && r ? { features: r.features, label: r.label } : undefined;
        }),
        fx.config, before6.weights, 6, 2,
      );
      const log = before6.log.append(cheat.deltas.map((delta, s) => ({ delta, salt: mid.next.log.step(6 + s).salt })));
      const records = { live: early.input.live, feature: early.input.feature, label: early.input.label, salt: early.input.salt };
      await tester.expectFail(withInput(mid.input, { ...records, newState: str(midState(cheat.weights[2]!, log)) }));
      await tester.expectFail(withInput(mid.input, records));
    });

    it("rejects a record changed after commitment, and an old state other than the previous proof's", async () => {
      const feature = (mid.input.feature as string[][]).map((f) => [...f]);
      feature[0]![0] = signed(fx.genesis.records.get(12)!.features[0]! + 1n);
      await tester.expectFail(withInput(mid.input, { feature }));
      await tester.expectFail(withInput(mid.input, { label: setEntry(mid.input.label, 0, mid.input.label[0] === "0" ? "65536" : "0") }));
      await tester.expectFail(withInput(mid.input, { oldState: str(fx.training[1]!.publicSignals.newState) }));
    });

    it("rejects tampered public inputs", async () => {
      for (const name of ["oldState", "newState", "firstStep"]) {
        await tester.expectFail(withInput(mid.input, { [name]: str(BigInt(mid.input[name] as string) + 1n) }));
      }
    });
  });

  describe(`AmnesiacUnlearn (profile ${AMNESIAC_UNLEARN_PROFILE})`, () => {
    let tester: CircuitTester;
    /** Slots 4 and 11 deleted: steps 2, 10 (batch 2) and 5, 13 (batch 5). */
    let u: AmnesiacUnlearnWitness;
    let trained: AmnesiacSystem;
    before(async () => {
      tester = await CircuitTester.build(getProfile(AMNESIAC_UNLEARN_PROFILE));
      trained = fx.trained;
      u = buildAmnesiacUnlearnWitness(trained, [11, 4], fx.maxDeletions, 42n, fx.poseidon);
    });
    const delta = (t: number): bigint[] => trained.log.step(t).delta as bigint[];
    /** newState of `u` with other weights, log or data root. */
    const claim = (weights: readonly bigint[], log: UpdateLog = u.next.log, dataRoot = u.next.dataTree.root): bigint => state(dataRoot, weights, 42n, log);

    describe("accepts, bit-exact with the oracle", () => {
      it("two records of two batches: the four updates of their steps are subtracted", async () => {
        await tester.expectPass(u.input, unlearnSignals(u));
        assert.deepEqual(u.statement.steps, [2, 5, 10, 13]);
        assert.deepEqual(u.newWeights, minus(minus(minus(minus(trained.weights, delta(2)), delta(5)), delta(10)), delta(13)));
      });

      it("one record (padding entry), and two records of one batch (their shared steps opened twice, subtracted once)", async () => {
        const one = buildAmnesiacUnlearnWitness(trained, [11], 2, 7n, fx.poseidon);
        await tester.expectPass(one.input, unlearnSignals(one));
        const pair = buildAmnesiacUnlearnWitness(trained, [4, 5], 2, 7n, fx.poseidon);
        await tester.expectPass(pair.input, unlearnSignals(pair));
        assert.deepEqual(pair.newWeights, minus(minus(trained.weights, delta(2)), delta(10)));
      });

      it("a later deletion in an already-subtracted batch subtracts nothing", async () => {
        const later = buildAmnesiacUnlearnWitness(u.next, [5], 2, 8n, fx.poseidon);
        await tester.expectPass(later.input, unlearnSignals(later));
        assert.deepEqual(later.newWeights, u.newWeights);
        assert.equal(later.publicSignals.oldState, u.publicSignals.newState, "states chain");
      });
    });

    describe("rejects (issue §5)", () => {
      it("an affected step not subtracted", async () => {
        const kept = plus(u.newWeights, delta(13));
        // Its update kept in the weights, with the log zeroed or not.
        await tester.expectFail(withInput(u.input, { newState: str(claim(kept)) }));
        await tester.expectFail(withInput(u.input, { newState: str(claim(kept, trained.log.subtract([2, 5, 10]))) }));
        // Opened as a zero update (entry 1 = slot 11, epoch 1 = step 13), so that the sum is consistent.
        const logDelta = JSON.parse(JSON.stringify(u.input.logDelta)) as string[][][];
        logDelta[1]![1] = ["0", "0", "0"];
        await tester.expectFail(withInput(u.input, { logDelta, newState: str(claim(kept)) }));
      });

      it("a step subtracted that is not in the log", async () => {
        // Step 0 (not affected) subtracted as well.
        await tester.expectFail(withInput(u.input, { newState: str(claim(minus(u.newWeights, delta(0)))) }));
        // An update that no step logged (Δ_2 + Δ_0), opened in place of step 2.
        const logDelta = JSON.parse(JSON.stringify(u.input.logDelta)) as string[][][];
        logDelta[0]![0] = plus(delta(2), delta(0)).map(signed);
        await tester.expectFail(withInput(u.input, { logDelta, newState: str(claim(minus(u.newWeights, delta(0)))) }));
      });

      it("a changed Δ", async () => {
        for (const [j, e, m] of [[0, 0, 0], [1, 1, 2], [0, 1, 1]] as const) {
          const logDelta = JSON.parse(JSON.stringify(u.input.logDelta)) as string[][][];
          const changed = [...((JSON.parse(JSON.stringify(u.input.logDelta)) as string[][][])[j]![e]!)];
          changed[m] = str((BigInt(changed[m]!) + 1n));
          logDelta[j]![e] = changed;
          const w = [...u.newWeights];
          w[m]! -= 1n;
          await tester.expectFail(withInput(u.input, { logDelta, newState: str(claim(w)) }));
          await tester.expectFail(withInput(u.input, { logDelta }));
        }
      });

      it("a step from another record's batch (step 3, slots 6 and 7, opened for slot 4)", async () => {
        const log = trained.log;
        const logSalt = (JSON.parse(JSON.stringify(u.input.logSalt)) as string[][]);
        const logDelta = JSON.parse(JSON.stringify(u.input.logDelta)) as string[][][];
        const logSiblings = JSON.parse(JSON.stringify(u.input.logSiblings)) as string[][][];
        logSalt[0]![0] = str(log.step(3).salt);
        logDelta[0]![0] = delta(3).map(signed);
        logSiblings[0]![0] = log.siblings(3).map(str);
        const weights = plus(minus(u.newWeights, delta(3)), delta(2));
        const otherLog = log.subtract([3, 5, 10, 13]);
        await tester.expectFail(withInput(u.input, { logSalt, logDelta, logSiblings, newState: str(claim(weights, otherLog)) }));
        await tester.expectFail(withInput(u.input, { logSalt, logDelta, logSiblings, newState: str(claim(weights)) }));
      });

      it("a deleted record left in the tree", async () => {
        const root = trained.dataTree.root;
        await tester.expectFail(withInput(u.input, { newState: str(claim(u.newWeights, u.next.log, root)) }));
        await tester.expectFail(withInput(u.input, { newDataRoot: str(root), newState: str(claim(u.newWeights, u.next.log, root)) }));
        // Only slot 4 removed from the tree while both are listed.
        const tree = trained.dataTree.clone();
        tree.set(4, 0n);
        await tester.expectFail(withInput(u.input, { newDataRoot: str(tree.root), newState: str(claim(u.newWeights, u.next.log, tree.root)) }));
      });

      it("an update subtracted twice (the zeroed leaf opened with its old Δ)", async () => {
        const later = buildAmnesiacUnlearnWitness(u.next, [5], 2, 8n, fx.poseidon);
        const logDelta = JSON.parse(JSON.stringify(later.input.logDelta)) as string[][][];
        logDelta[0]![0] = delta(2).map(signed);
        const w = minus(u.newWeights, delta(2));
        const forged = state(later.next.dataTree.root, w, 8n, later.next.log);
        await tester.expectFail(withInput(later.input, { logDelta, newState: str(forged) }));
      });

      it("an unlearning before the training is complete (the state's step count is not the total)", async () => {
        const early = state(trained.dataTree.root, trained.weights, trained.modelSalt, trained.log, 14);
        await tester.expectFail(withInput(u.input, { oldState: str(early) }));
        assert.notEqual(early, systemState(trained, fx.poseidon));
      });

      it("tampered public inputs, and a digest naming another slot", async () => {
        for (const name of ["oldState", "newState", "deletionDigest"]) {
          await tester.expectFail(withInput(u.input, { [name]: str(BigInt(u.input[name] as string) + 1n) }));
        }
        const other = deletionDigest([{ index: 4, leaf: trained.dataTree.get(4) }, { index: 12, leaf: trained.dataTree.get(12) }], 2, fx.poseidon);
        await tester.expectFail(withInput(u.input, { deletionDigest: str(other) }));
      });
    });
  });

  describe("3 epochs (a step count that is not a power of two: 12 steps in a log of 16 positions)", () => {
    let e3: AmnesiacFixture;
    let train: CircuitTester;
    let unlearn: CircuitTester;
    let e3Hash: bigint;
    before(async () => {
      e3 = await amnesiacFixture(AMNESIAC_E3_PROFILES, oneFeatureDataset());
      e3Hash = amnesiacConfigHash(e3.config, e3.poseidon.hash);
      train = await CircuitTester.build(getProfile(AMNESIAC_E3_PROFILES.train));
      unlearn = await CircuitTester.build(getProfile(AMNESIAC_E3_PROFILES.unlearn));
    });

    /**
     * A hand-built AmnesiacTrain input for step t from `system` (one step per proof), bypassing
     * the witness builder's refusal of steps past the training; consistent in every other way.
     */
    const manualStep = (system: AmnesiacSystem, t: number): Record<string, unknown> => {
      const honest = e3.training[t % 4]!.input;
      const first = (t % 4) * 2;
      const batch = [first, first + 1].flatMap((i) => {
        const r = system.records.get(i);
        return r ? [{ features: r.features, label: r.label }] : [];
      });
      const next = gradientStep(system.weights, batch, e3.config, 1, `in step ${t}`);
      const delta = next.map((v, j) => v - system.weights[j]!);
      const siblings = system.log.siblings(t);
      const newLogRoot = rootFromPath(logLeaf(t, 99n, delta, e3.poseidon.hash), t, siblings, (l, r) => e3.poseidon.hash([l, r]));
      const newState = amnesiacStateHash({ dataRoot: system.dataTree.root, modelCommitment: modelCommitment(next, 98n, e3.poseidon.hash), logRoot: newLogRoot, stepCount: t + 1 }, e3Hash, e3.poseidon.hash);
      return withInput(honest, {
        oldState: str(systemState(system, e3.poseidon)), newState: str(newState), firstStep: str(t),
        weights: system.weights.map(signed), oldModelSalt: str(system.modelSalt), newModelSalt: "98",
        oldLogRoot: str(system.log.root), logSiblings: siblings.map(str), logSalt: ["99"],
      });
    };

    it("accepts the 12 training proofs and rejects a 13th step past the training", async () => {
      for (const w of e3.training) await train.expectPass(w.input, trainSignals(w));
      // The hand-built input is right: for the last real step it is accepted.
      await train.expectPass(manualStep(e3.training[10]!.next, 11));
      await train.expectFail(manualStep(e3.trained, 12));
    });

    it("unlearns slot 6 by its steps 3, 7, 11 (epoch 2's log position has the constant bits 1, 0 on top)", async () => {
      const w = buildAmnesiacUnlearnWitness(e3.trained, [6], 1, 5n, e3.poseidon);
      assert.deepEqual(w.statement.steps, [3, 7, 11]);
      await unlearn.expectPass(w.input, unlearnSignals(w));
      // Epoch 2's opening replaced by step 3's zeroed leaf (already subtracted by epoch 0's entry):
      // leaf, salt and siblings are right for position 3; the step the circuit derives (11: in the leaf hash and in the
      // constant epoch bits of the path) rejects it.
      const log = e3.trained.log;
      const logSalt = [[...(w.input.logSalt as string[][])[0]!]];
      const logDelta = JSON.parse(JSON.stringify(w.input.logDelta)) as string[][][];
      const logSiblings = JSON.parse(JSON.stringify(w.input.logSiblings)) as string[][][];
      logSalt[0]![2] = logSalt[0]![0]!;
      logDelta[0]![2] = ["0", "0"];
      logSiblings[0]![2] = log.subtract([3, 7]).siblings(3).map(str);
      const weights = plus(w.newWeights, log.step(11).delta);
      const forged = amnesiacStateHash(
        { dataRoot: w.next.dataTree.root, modelCommitment: modelCommitment(weights, 5n, e3.poseidon.hash), logRoot: log.subtract([3, 7]).root, stepCount: 12 },
        e3Hash, e3.poseidon.hash,
      );
      await unlearn.expectFail(withInput(w.input, { logSalt, logDelta, logSiblings, newState: str(forged) }));
    });
  });
});
