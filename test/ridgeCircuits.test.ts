import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { getProfile } from "../src/circuits/profiles.ts";
import { toField } from "../src/field.ts";
import { RIDGE_WEIGHT_LIMIT, residualBoundBits } from "../src/methods/ridge/bounds.ts";
import { ridgeConfigHash } from "../src/methods/ridge/config.ts";
import { modelCommitment, predict } from "../src/methods/ridge/model.ts";
import { regularisedGram, residualOf, solveRidge } from "../src/methods/ridge/solve.ts";
import { ridgeStateHash } from "../src/methods/ridge/state.ts";
import { buildRidgeAccuracyWitness, type CircuitInput } from "../src/methods/ridge/statements.ts";
import {
  classCounts, statisticsCommitment, statisticsOf, withRecord, withoutClass, type RidgeStatistics,
} from "../src/methods/ridge/statistics.ts";
import { CircuitTester } from "./helpers/circuitTester.ts";
import { RIDGE_TINY, ridgeFixture, type RidgeFixture } from "./helpers/ridgeFixture.ts";

const str = (v: bigint): string => toField(v).toString();
/** Tampering for a `<--` indicator: the first of `names` that survived optimisation, flipped (the others follow linearly). */
const flipOne = (tester: CircuitTester, witness: readonly bigint[], names: readonly string[]): Record<string, bigint> => {
  const name = names.find((n) => tester.hasWire(n));
  assert.ok(name !== undefined, `one of ${names.join(", ")} is a wire`);
  return { [name]: 1n - tester.readSignal(witness, name) };
};
const copy = (input: CircuitInput, changes: Record<string, unknown>): Record<string, unknown> => ({
  ...(JSON.parse(JSON.stringify(input)) as Record<string, unknown>), ...changes,
});
/** 2^63: one unit of the next lane of a packed statistics word (4 balanced 63-bit lanes, statistics.ts). */
const LANE = 1n << 63n;
/**
 * The statistics input `input[field]` (the old gram[C][T] or moments[C][m]) with class c's entries t and
 * t + 1 (lanes of one word) moved by (+k · 2^63, −k): the packed word, so the committed state, is unchanged.
 */
const carried = (input: CircuitInput, field: "gram" | "moments", shifts: ReadonlyArray<{ c: number; t: number; k: bigint }>): Record<string, unknown> => {
  const rows = (input[field] as string[][]).map((r) => r.map(BigInt));
  for (const { c, t, k } of shifts) {
    assert.equal(t % 4 === 3, false, "t and t + 1 are lanes of the same word");
    rows[c]![t]! += k * LANE;
    rows[c]![t + 1]! -= k;
  }
  return copy(input, { [field]: rows.map((r) => r.map(str)) });
};
/**
 * The pattern of an assertion failure raised by the range check `component` of RidgeSolveCheck (its line in
 * circuits/lib/ridge.circom, in the witness calculator's template trace).
 */
const solveRangeFailure = (component: "gramRange" | "momentRange"): RegExp => {
  const lines = readFileSync(new URL("../circuits/lib/ridge.circom", import.meta.url), "utf8").split("\n");
  const line = lines.findIndex((l) => l.includes(`${component}[`) && l.includes(".in <=="));
  assert.ok(line >= 0, `${component} in ridge.circom`);
  return new RegExp(`Assert Failed[\\s\\S]*SignedRange[\\s\\S]*RidgeSolveCheck_\\d+ line: ${line + 1}\\b`);
};

describe("ridge circuits (tiny profiles: 16 slots, 2 features, 3 classes; genesis: ridgeGenesis.test.ts)", () => {
  let fx: RidgeFixture;
  before(async () => {
    fx = await ridgeFixture();
  });
  after(async () => {
    await (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128?.terminate();
  });

  /**
   * The transition input of a dishonest prover who claims the model and state of statistics
   * `claimed` (solved honestly) after the transition `input` from a state whose data root will be
   * `dataRoot`, with the new salts of the honest witness.
   */
  const claiming = (input: CircuitInput, claimed: RidgeStatistics, dataRoot: bigint): Record<string, unknown> => {
    const { model, residual } = solveRidge(claimed, fx.config.lambda, fx.config.depth);
    const h = fx.poseidon.hash;
    const newState = ridgeStateHash(
      dataRoot, statisticsCommitment(claimed, BigInt(input.newStatsSalt as string), h),
      modelCommitment(model, BigInt(input.modelSalt as string), h), ridgeConfigHash(fx.config, h), h,
    );
    return copy(input, { newState: newState.toString(), weights: model.weights.map((w) => w.map(str)), residual: residual.map((r) => r.map(str)) });
  };

  describe("RidgeDeletion", () => {
    let tester: CircuitTester;
    before(async () => {
      tester = await CircuitTester.build(getProfile(RIDGE_TINY.deletion));
    });
    const publics = (w: RidgeFixture["deletion"]): bigint[] => [w.publicSignals.oldState, w.publicSignals.newState, w.publicSignals.deletionDigest];

    it("accepts two deletions; the new model is what training on the remaining records gives", async () => {
      await tester.expectPass(fx.deletion.input, publics(fx.deletion));
      assert.equal(fx.deletion.publicSignals.oldState, fx.genesis.publicSignals.state, "states chain");
      const remaining = fx.dataset.liveSlots().filter((s) => s.id !== "r1" && s.id !== "r4");
      assert.deepEqual(fx.deletion.state.stats, statisticsOf(remaining, 2, 3));
      assert.deepEqual(fx.deletion.state.model, solveRidge(statisticsOf(remaining, 2, 3), fx.config.lambda, 4).model, "retraining from scratch");
      assert.deepEqual(fx.deletion.deleted.map((d) => d.index), [1, 4]);
    });

    it("accepts deleting a record of a forgotten class (one entry, one padding): nothing is subtracted", async () => {
      const w = fx.deletionAfterForget;
      await tester.expectPass(w.input, publics(w));
      assert.equal(w.publicSignals.oldState, fx.forget.publicSignals.newState);
      assert.deepEqual(w.state.stats.blocks, fx.forget.state.stats.blocks);
    });

    it("rejects an old statistic moved between lanes with a compensating carry (same packed word): G's or B's range check fails", async () => {
      // The committed words (so oldState) are unchanged, but the lanes the solve check would use are not the
      // honest ones: G's entry is off by 2^63, out of [−2^GB, 2^GB).
      await tester.expectFail(carried(fx.deletion.input, "gram", [{ c: 0, t: 0, k: 1n }]), solveRangeFailure("gramRange"));
      await tester.expectFail(carried(fx.deletion.input, "gram", [{ c: 1, t: 4, k: -1n }]), solveRangeFailure("gramRange"));
      await tester.expectFail(carried(fx.deletion.input, "moments", [{ c: 1, t: 0, k: 1n }]), solveRangeFailure("momentRange"));
      // A carry that cancels across classes leaves every word AND G unchanged: accepted, and the proof states
      // exactly the honest new state (per-class lanes enter only linearly; only their words are bound).
      const cancelled = carried(fx.deletion.input, "gram", [{ c: 0, t: 1, k: 1n }, { c: 1, t: 1, k: -1n }]);
      await tester.expectPass(cancelled, publics(fx.deletion));
    });

    it("rejects a deleted record kept in the statistics", async () => {
      const kept = claiming(fx.deletion.input, fx.genesis.state.stats, fx.deletion.state.dataset.root);
      await tester.expectFail(kept);
      // Only one of the two subtracted.
      const r4 = fx.dataset.slot("r4");
      await tester.expectFail(claiming(fx.deletion.input, withRecord(fx.genesis.state.stats, r4, -1), fx.deletion.state.dataset.root));
    });

    it("rejects old statistics that do not match the committed state, and a record not matching its leaf", async () => {
      const gram = (fx.deletion.input.gram as string[][]).map((r) => [...r]);
      gram[0]![1] = str(fx.genesis.state.stats.blocks[0]!.gram[1]! + 1n);
      await tester.expectFail(copy(fx.deletion.input, { gram }));
      const feature = (fx.deletion.input.feature as string[][]).map((r) => [...r]);
      feature[0]![0] = str(BigInt(feature[0]![0]!) + 1n);
      await tester.expectFail(copy(fx.deletion.input, { feature }));
      await tester.expectFail(copy(fx.deletion.input, { label: ["0", "0"] }));
    });

    it("rejects a weight outside the bound: off by one unit, pushing the residual past 2^RB, or beyond ±2^56", async () => {
      const w = fx.deletion.state;
      const bumped = (delta: bigint, exactResidual: boolean): Record<string, unknown> => {
        const weights = w.model.weights.map((row, c) => row.map((v, j) => (c === 0 && j === 0 ? v + delta : v)));
        const residual = exactResidual ? residualOf(w.stats, fx.config.lambda, weights) : w.residual;
        if (delta >= RIDGE_WEIGHT_LIMIT) return copy(fx.deletion.input, { weights: weights.map((r) => r.map(str)), residual: residual.map((r) => r.map(str)) });
        const model = modelCommitment({ ...w.model, weights }, w.modelSalt, fx.poseidon.hash);
        const h = fx.poseidon.hash;
        const newState = ridgeStateHash(w.dataset.root, statisticsCommitment(w.stats, w.statsSalt, h), model, ridgeConfigHash(fx.config, h), h);
        return copy(fx.deletion.input, { newState: newState.toString(), weights: weights.map((r) => r.map(str)), residual: residual.map((r) => r.map(str)) });
      };
      await tester.expectFail(bumped(1n, false));
      // The exact residual of a weight moved far enough leaves the bound: (G + λI)_00 · δ ≥ 2^RB.
      const a00 = regularisedGram(w.stats, fx.config.lambda)[0]![0]!;
      const delta = (1n << BigInt(residualBoundBits(4, 2))) / a00 + 2n;
      await tester.expectFail(bumped(delta, true));
      await tester.expectPass(bumped(delta / 8n, true)); // within the bound: the stated freedom
      // A weight beyond ±2^56 (with the exact residual, which is out of range too).
      await tester.expectFail(bumped(RIDGE_WEIGHT_LIMIT, true), /Assert Failed[\s\S]*RidgeSolveCheck/);
    });

    it("rejects a residual forged to fit, and a changed λ or test root", async () => {
      const residual = fx.deletion.state.residual.map((r) => r.map(str));
      residual[1]![2] = str(fx.deletion.state.residual[1]![2]! + 1n);
      await tester.expectFail(copy(fx.deletion.input, { residual }));
      await tester.expectFail(copy(fx.deletion.input, { lambda: str(fx.config.lambda - 1n) }));
      await tester.expectFail(copy(fx.deletion.input, { testRoot: "1" }));
    });
  });

  describe("RidgeClassForget", () => {
    let tester: CircuitTester;
    before(async () => {
      tester = await CircuitTester.build(getProfile(RIDGE_TINY.forget));
    });
    const publics = (): bigint[] => [fx.forget.publicSignals.oldState, fx.forget.publicSignals.newState, 2n];

    it("accepts forgetting class 2: its count is 0 and the model never predicts it", async () => {
      await tester.expectPass(fx.forget.input, publics());
      assert.equal(fx.forget.publicSignals.oldState, fx.deletion.publicSignals.newState);
      assert.deepEqual(classCounts(fx.deletion.state.stats), [1, 4, 4]);
      assert.deepEqual(classCounts(fx.forget.state.stats), [1, 4, 0]);
      assert.deepEqual(fx.forget.state.model.live, [true, true, false]);
      for (const s of fx.dataset.liveSlots()) assert.notEqual(predict(fx.forget.state.model, s.features), 2);
      assert.deepEqual(fx.forget.state.stats, withoutClass(fx.deletion.state.stats, 2));
    });

    it("rejects another class's statistics changed during the forgetting", async () => {
      const r9 = fx.dataset.slot("r9"); // class 0
      await tester.expectFail(claiming(fx.forget.input, withoutClass(withRecord(fx.deletion.state.stats, r9, -1), 2), fx.dataset.root));
    });

    it("rejects an old statistic moved between lanes with a compensating carry (same packed word): G's or B's range check fails", async () => {
      await tester.expectFail(carried(fx.forget.input, "gram", [{ c: 0, t: 0, k: 1n }]), solveRangeFailure("gramRange"));
      await tester.expectFail(carried(fx.forget.input, "moments", [{ c: 1, t: 1, k: -1n }]), solveRangeFailure("momentRange"));
      // Cancelling between a kept class and the forgotten one: zeroing class 2 leaves class 0's shift in G.
      await tester.expectFail(carried(fx.forget.input, "gram", [{ c: 0, t: 1, k: 1n }, { c: 2, t: 1, k: -1n }]), solveRangeFailure("gramRange"));
      // A carry inside the forgotten class's block is zeroed with it: the honest new state.
      await tester.expectPass(carried(fx.forget.input, "gram", [{ c: 2, t: 0, k: 1n }]), publics());
    });

    it("rejects a class forgotten only in part", async () => {
      const r7 = fx.dataset.slot("r7"); // class 2
      await tester.expectFail(claiming(fx.forget.input, withRecord(fx.deletion.state.stats, r7, -1), fx.dataset.root));
    });

    it("rejects another class, a class out of range, a forged indicator, a class forgotten twice, a changed λ", async () => {
      await tester.expectFail(copy(fx.forget.input, { forgottenClass: "1" }));
      await tester.expectFail(copy(fx.forget.input, { forgottenClass: "3" }));
      await tester.expectConstraintFail(fx.forget.input, flipOne(tester, await tester.expectPass(fx.forget.input), ["e[0]", "e[1]", "e[2]"]));
      const twice = fx.forget.state;
      const again = copy(fx.forget.input, {
        oldState: str(ridgeStateHash(twice.dataset.root, statisticsCommitment(twice.stats, twice.statsSalt, fx.poseidon.hash),
          modelCommitment(twice.model, twice.modelSalt, fx.poseidon.hash), ridgeConfigHash(fx.config, fx.poseidon.hash), fx.poseidon.hash)),
        forgotten: ["0", "0", "1"],
        gram: twice.stats.blocks.map((b) => b.gram.map(str)),
        moments: twice.stats.blocks.map((b) => b.moments.map(str)),
        oldStatsSalt: String(twice.statsSalt),
      });
      await tester.expectFail(again);
      await tester.expectFail(copy(fx.forget.input, { lambda: str(fx.config.lambda + 1n) }));
    });
  });

  describe("RidgeAccuracy", () => {
    let tester: CircuitTester;
    before(async () => {
      tester = await CircuitTester.build(getProfile(RIDGE_TINY.accuracy));
    });
    const witness = (s: RidgeFixture["genesis"]["state"]) => buildRidgeAccuracyWitness(s, fx.testSet, fx.poseidon);
    const publics = (w: ReturnType<typeof witness>): bigint[] => [w.publicSignals.state, w.publicSignals.testRoot, w.publicSignals.correct, w.publicSignals.total];

    it("proves the oracle's count at genesis, after the deletion and after forgetting class 2", async () => {
      for (const s of [fx.genesis.state, fx.deletion.state, fx.forget.state]) {
        const w = witness(s);
        await tester.expectPass(w.input, publics(w));
        const right = fx.testSet.liveSlots().filter((t) => predict(s.model, t.features) === Number(t.label >> 16n)).length;
        assert.equal(w.publicSignals.correct, BigInt(right));
        assert.equal(w.publicSignals.total, 7n);
      }
      assert.equal(witness(fx.forget.state).publicSignals.state, fx.forget.publicSignals.newState);
      // Class 2 forgotten: none of the test records of class 2 counts as right.
      const of2 = fx.testSet.liveSlots().filter((t) => t.label === 2n << 16n).length;
      assert.ok(of2 > 0);
      assert.ok(witness(fx.forget.state).publicSignals.correct <= BigInt(7 - of2));
    });

    it("rejects a count off by one, another test set, another model, a forgotten class revived", async () => {
      const w = witness(fx.genesis.state);
      await tester.expectFail(copy(w.input, { correct: String(w.publicSignals.correct + 1n) }));
      await tester.expectFail(copy(w.input, { correct: String(w.publicSignals.correct - 1n) }));
      await tester.expectFail(copy(w.input, { total: "8" }));
      const labels = [...(w.input.label as string[])];
      labels[0] = labels[0] === "0" ? str(1n << 16n) : "0";
      await tester.expectFail(copy(w.input, { label: labels }));
      const weights = (w.input.weights as string[][]).map((r) => [...r]);
      weights[1]![0] = str(fx.genesis.state.model.weights[1]![0]! + 1n);
      await tester.expectFail(copy(w.input, { weights }));
      const forgotten = witness(fx.forget.state);
      await tester.expectFail(copy(forgotten.input, { live: ["1", "1", "1"] }));
    });
  });
});
