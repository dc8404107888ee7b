import assert from "node:assert/strict";
import { getProfile } from "../src/circuits/profiles.ts";
import { SNARK_FIELD, toField } from "../src/field.ts";
import { ridgeConfigHash } from "../src/methods/ridge/config.ts";
import {
  buildBatchWitness, fingerprintPowers, genesisChallenge, maskCommitment, maskTelescope, recordContribution, statisticsFingerprint,
  statisticsWords, statsWordsPerClass, STATS_LANE_SHIFT,
} from "../src/methods/ridge/genesis.ts";
import { modelCommitment } from "../src/methods/ridge/model.ts";
import { solveRidge } from "../src/methods/ridge/solve.ts";
import { ridgeStateHash } from "../src/methods/ridge/state.ts";
import type { CircuitInput } from "../src/methods/ridge/statements.ts";
import {
  batchSignalArray, batchSignalsOf, checkGenesisBatches, genesisBatchCount, genesisSignalArray, genesisSignalsOf, type BatchSignals,
} from "../src/methods/ridge/genesisCheck.ts";
import { statisticsCommitment, statisticsOf, statisticsValues, sumStatistics, type RidgeStatistics } from "../src/methods/ridge/statistics.ts";
import { CircuitTester } from "./helpers/circuitTester.ts";
import { RIDGE_TINY, ridgeFixture, type RidgeFixture } from "./helpers/ridgeFixture.ts";

const str = (v: bigint): string => toField(v).toString();
const copy = (input: CircuitInput, changes: Record<string, unknown>): Record<string, unknown> => ({
  ...(JSON.parse(JSON.stringify(input)) as Record<string, unknown>), ...changes,
});

/** A deep copy of statistics with one value of class `cls`'s block (gram then moments, flat index e) moved by `delta`. */
const bumped = (stats: RidgeStatistics, cls: number, e: number, delta: bigint): RidgeStatistics => {
  const copy: RidgeStatistics = { ...stats, blocks: stats.blocks.map((b) => ({ gram: [...b.gram], moments: [...b.moments] })) };
  const block = copy.blocks[cls]!;
  if (e < block.gram.length) block.gram[e]! += delta;
  else block.moments[e - block.gram.length]! += delta;
  return copy;
};

describe("ridge genesis: fingerprints, masks and the cross-bundle check (oracle)", () => {
  let fx: RidgeFixture;
  before(async () => {
    fx = await ridgeFixture();
  });
  const rho = (): bigint => fx.genesis.publicSignals.rho;
  const batchSignals = (): BatchSignals[] => fx.batches.map((b) => ({ ...b.publicSignals }));
  const check = (batches: readonly BatchSignals[], genesis = fx.genesis.publicSignals): string[] =>
    checkGenesisBatches(genesis, batches, RIDGE_TINY.depth, RIDGE_TINY.batchDepth, fx.poseidon.hash);

  describe("the fingerprint", () => {
    it("of a sum is the sum of the fingerprints, and a record's contribution is its statistics' fingerprint", () => {
      const slots = fx.dataset.liveSlots();
      const a = statisticsOf(slots.slice(0, 5), 2, 3);
      const b = statisticsOf(slots.slice(5), 2, 3);
      assert.equal(statisticsFingerprint(sumStatistics([a, b]), rho()), toField(statisticsFingerprint(a, rho()) + statisticsFingerprint(b, rho())));
      for (const s of slots) assert.equal(recordContribution(s, rho(), 2, 3), statisticsFingerprint(statisticsOf([s], 2, 3), rho()), `record ${s.id}`);
      const total = slots.reduce((acc, s) => acc + recordContribution(s, rho(), 2, 3), 0n);
      assert.equal(toField(total), statisticsFingerprint(fx.genesis.state.stats, rho()));
    });

    it("changes when any one statistic changes (every value of every class, by ±1)", () => {
      const stats = fx.genesis.state.stats;
      const base = statisticsFingerprint(stats, rho());
      const size = stats.blocks[0]!.gram.length + stats.blocks[0]!.moments.length;
      for (let c = 0; c < 3; c++) {
        for (let e = 0; e < size; e++) {
          for (const delta of [1n, -1n]) assert.notEqual(statisticsFingerprint(bumped(stats, c, e, delta), rho()), base, `class ${c} value ${e} ${delta}`);
        }
      }
      // Moving one unit from a class to another (the Gram total unchanged) changes it too.
      assert.notEqual(statisticsFingerprint(bumped(bumped(stats, 0, 0, 1n), 1, 0, -1n), rho()), base);
    });

    it("is a function of the packed words: lanes re-split within a word (+2^63 in lane 0, −1 in lane 1) give the same fingerprint", () => {
      const stats = fx.genesis.state.stats;
      const resplit = bumped(bumped(stats, 0, 0, 1n << BigInt(STATS_LANE_SHIFT)), 0, 1, -1n);
      assert.deepEqual(statisticsWords(resplit), statisticsWords(stats));
      assert.equal(statisticsFingerprint(resplit, rho()), statisticsFingerprint(stats, rho()));
      // And the opposite re-split in another class: the per-class words are still the same.
      const both = bumped(bumped(resplit, 1, 0, -(1n << BigInt(STATS_LANE_SHIFT))), 1, 1, 1n);
      assert.equal(statisticsFingerprint(both, rho()), statisticsFingerprint(stats, rho()));
    });

    it("binds the words statsCommitment binds: the fingerprint's words are the commitment's", () => {
      const stats = fx.genesis.state.stats;
      // statsCommitment hashes the flags, then each class's words (statisticsValues): the same words.
      const committed = statisticsValues(stats).slice(stats.classes).map(toField);
      assert.deepEqual(statisticsWords(stats).flat(), committed);
      // A re-split inside one word leaves those words, hence the commitment, unchanged (the honest
      // TypeScript refuses to commit lanes outside the bound; the circuit's PackLanes would not).
      const resplit = bumped(bumped(stats, 2, 4, 1n << BigInt(STATS_LANE_SHIFT)), 2, 5, -1n);
      assert.deepEqual(statisticsWords(resplit), statisticsWords(stats));
      assert.equal(statisticsFingerprint(resplit, rho()), statisticsFingerprint(stats, rho()));
    });

    it("uses distinct powers ρ^(c·W + w + 1) for every word (so F is a non-zero polynomial of degree ≤ C·W for S ≠ S')", () => {
      const W = statsWordsPerClass(2);
      assert.equal(W, Math.ceil((6 + 3) / 4));
      const { epsilon, alpha } = fingerprintPowers(3n, 2, 3);
      const exps = alpha.flatMap((a) => epsilon.map((e) => (a * e) % SNARK_FIELD));
      const expected = Array.from({ length: 3 * W }, (_, i) => 3n ** BigInt(i + 1));
      assert.deepEqual(exps, expected);
    });
  });

  describe("the mask", () => {
    it("telescopes: Σ_k τ_k = Poseidon(seed, 0) − Poseidon(seed, N), and hides each batch's fingerprint", () => {
      const h = fx.poseidon.hash;
      const N = genesisBatchCount(4, 2);
      const sum = Array.from({ length: N }, (_, k) => maskTelescope(13n, k, k + 1, h)).reduce((a, b) => a + b, 0n);
      assert.equal(toField(sum), maskTelescope(13n, 0, N, h));
      const slots = fx.dataset.liveSlots().slice(0, 4);
      const raw = toField(slots.reduce((acc, s) => acc + recordContribution(s, rho(), 2, 3), 0n));
      assert.notEqual(fx.batches[0]!.publicSignals.fingerprint, raw);
      assert.equal(fx.batches[0]!.publicSignals.maskCommitment, maskCommitment(13n, h));
    });

    it("the batches' fingerprints add up to the genesis' fingerprintSum", () => {
      const sum = fx.batches.reduce((acc, b) => acc + b.publicSignals.fingerprint, 0n);
      assert.equal(toField(sum), fx.genesis.publicSignals.fingerprintSum);
      assert.equal(fx.batches[3]!.publicSignals.fingerprint, maskTelescope(13n, 3, 4, fx.poseidon.hash), "the empty batch: its mask only");
    });
  });

  describe("checkGenesisBatches", () => {
    it("accepts the four batches, in any order", () => {
      assert.deepEqual(check(batchSignals()), []);
      assert.deepEqual(check(batchSignals().reverse()), []);
      // Through the proof arrays.
      const g = genesisSignalsOf(genesisSignalArray(fx.genesis.publicSignals));
      assert.deepEqual(check(batchSignals().map((b) => batchSignalsOf(batchSignalArray(b))), g), []);
    });

    it("refuses a batch missing", () => {
      const problems = check(batchSignals().filter((b) => b.batch !== 2n));
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /batch 2 missing/);
    });

    it("refuses a batch given twice (alone, and in place of another)", () => {
      assert.ok(check([...batchSignals(), batchSignals()[1]!]).some((p) => /batch 1 is given more than once/.test(p)));
      const twice = batchSignals();
      twice[2] = { ...twice[1]! };
      const problems = check(twice);
      assert.ok(problems.some((p) => /batch 1 is given more than once/.test(p)) && problems.some((p) => /batch 2 missing/.test(p)));
    });

    it("refuses a batch at a position outside the tree", () => {
      assert.ok(check([...batchSignals(), { ...batchSignals()[0]!, batch: 4n }]).some((p) => /names batch 4, not one of 0..3/.test(p)));
    });

    it("refuses a batch with another ρ or another mask commitment", () => {
      const otherRho = batchSignals();
      otherRho[1] = { ...otherRho[1]!, rho: otherRho[1]!.rho + 1n };
      assert.ok(check(otherRho).some((p) => /batch 1 was proved at challenge ρ/.test(p)));
      const otherMask = batchSignals();
      otherMask[3] = { ...otherMask[3]!, maskCommitment: maskCommitment(14n, fx.poseidon.hash) };
      assert.ok(check(otherMask).some((p) => /batch 3 names mask commitment/.test(p)));
    });

    it("refuses subtree roots that do not make the data root (two batches swapped, one replaced)", () => {
      const swapped = batchSignals();
      [swapped[0]!.subtreeRoot, swapped[1]!.subtreeRoot] = [swapped[1]!.subtreeRoot, swapped[0]!.subtreeRoot];
      assert.ok(check(swapped).some((p) => /subtree roots make the data root/.test(p)));
      const replaced = batchSignals();
      replaced[2] = { ...replaced[2]!, subtreeRoot: replaced[3]!.subtreeRoot }; // batch 2's records dropped: an empty subtree
      assert.ok(check(replaced).some((p) => /subtree roots make the data root/.test(p)));
    });

    it("refuses a fingerprint sum off by one (either side)", () => {
      const off = batchSignals();
      off[0] = { ...off[0]!, fingerprint: toField(off[0]!.fingerprint + 1n) };
      assert.ok(check(off).some((p) => /fingerprints add up to/.test(p)));
      const g = { ...fx.genesis.publicSignals, fingerprintSum: toField(fx.genesis.publicSignals.fingerprintSum - 1n) };
      assert.deepEqual(check(batchSignals(), g).length, 1);
    });

    it("refuses batches proved for other statistics (a record left out of the committed statistics)", () => {
      // The controller commits statistics without r0 but proves the batches over the real data.
      const wrong = statisticsOf(fx.dataset.liveSlots().slice(1), 2, 3);
      const g = { ...fx.genesis.publicSignals, fingerprintSum: toField(statisticsFingerprint(wrong, rho()) + maskTelescope(13n, 0, 4, fx.poseidon.hash)) };
      assert.ok(check(batchSignals(), g).some((p) => /not those of the committed records/.test(p)));
    });

    it("rejects a batch number the builder cannot prove, and a batch depth that does not cut the tree", () => {
      assert.throws(() => buildBatchWitness(fx.config, fx.dataset, 2, 4, fx.genesis.challenge, fx.poseidon), /batch 4 is not one of 0..3/);
      assert.throws(() => genesisBatchCount(4, 4), /batch depth 4/);
    });
  });

  describe("RidgeGenesisBatch circuit", () => {
    let tester: CircuitTester;
    before(async () => {
      tester = await CircuitTester.build(getProfile(RIDGE_TINY.batch));
    });
    const publics = (k: number): bigint[] => batchSignalArray(fx.batches[k]!.publicSignals);
    /** Batch k's input with its public fingerprint moved by `delta`. */
    const withFingerprint = (k: number, delta: bigint): Record<string, unknown> =>
      copy(fx.batches[k]!.input, { fingerprint: str(fx.batches[k]!.publicSignals.fingerprint + delta) });

    it("accepts every batch (full, partly filled, empty) with the oracle's public signals", async () => {
      for (let k = 0; k < 4; k++) await tester.expectPass(fx.batches[k]!.input, publics(k));
      assert.deepEqual(fx.batches.map((b) => b.input.live), [["1", "1", "1", "1"], ["1", "1", "1", "1"], ["1", "1", "1", "0"], ["0", "0", "0", "0"]]);
      assert.equal(fx.batches[1]!.publicSignals.subtreeRoot, fx.dataset.tree().subtreeRoot(2, 1));
    });

    it("rejects a feature out of range at genesis (the record opening's range check)", async () => {
      const b = fx.batches[0]!.input;
      const feature = b.feature as string[][];
      await tester.expectFail(copy(b, { feature: [[str(5n << 15n), feature[0]![1]], ...feature.slice(1)] }), /Assert Failed[\s\S]*RidgeRecordOpen/);
      await tester.expectFail(copy(b, { feature: [[str(-(1n << 17n) - 1n), "0"], ...feature.slice(1)] }), /Assert Failed[\s\S]*RidgeRecordOpen/);
    });

    it("rejects a record's contribution left out of the fingerprint, or counted twice", async () => {
      const slots = fx.dataset.liveSlots();
      const r5 = recordContribution(slots[5]!, rho(), 2, 3);
      await tester.expectFail(withFingerprint(1, -r5));
      await tester.expectFail(withFingerprint(1, r5));
      // Left out by dropping the slot: the fingerprint fits, the subtree root no longer does.
      const labels = [...(fx.batches[1]!.input.label as string[])];
      labels[1] = "0";
      const dropped = copy(fx.batches[1]!.input, { live: ["1", "0", "1", "1"], label: labels, fingerprint: str(fx.batches[1]!.publicSignals.fingerprint - r5) });
      await tester.expectFail(dropped);
      // A forged record contribution in the witness (the generator bypassed).
      const witness = await tester.expectPass(fx.batches[1]!.input);
      await tester.expectConstraintFail(fx.batches[1]!.input, { "record[1].out": 0n });
      assert.equal(tester.readSignal(witness, "record[1].out"), r5);
    });

    it("rejects records that do not match the subtree (a changed label, slot or position)", async () => {
      const b = fx.batches[1]!;
      await tester.expectFail(copy(b.input, { label: ["0", "0", "0", "0"] }));
      await tester.expectFail(copy(b.input, { live: ["1", "1", "1", "0"] }));
      await tester.expectFail(copy(b.input, { label: [str(3n << 16n), ...(b.input.label as string[]).slice(1)] }));
      const salt = [...(b.input.salt as string[])];
      salt[0] = str(BigInt(salt[0]!) + 1n);
      await tester.expectFail(copy(b.input, { salt }));
      await tester.expectFail(copy(b.input, { batch: "4" }), /Assert Failed/); // outside the tree: Num2Bits(2)
    });

    it("rejects a wrong mask: another seed, another mask commitment, the τ of another position", async () => {
      const b = fx.batches[2]!;
      await tester.expectFail(copy(b.input, { maskSeed: "14" }));
      await tester.expectFail(copy(b.input, { maskCommitment: str(maskCommitment(14n, fx.poseidon.hash)) }));
      const h = fx.poseidon.hash;
      const shifted = b.publicSignals.fingerprint - maskTelescope(13n, 2, 3, h) + maskTelescope(13n, 1, 2, h);
      await tester.expectFail(copy(b.input, { fingerprint: str(shifted) }));
      // Batch 1's records claimed at position 2 (with position 2's τ): fingerprint fits, the position is the verifier's to check.
      const moved = copy(fx.batches[1]!.input, {
        batch: "2", fingerprint: str(fx.batches[1]!.publicSignals.fingerprint - maskTelescope(13n, 1, 2, h) + maskTelescope(13n, 2, 3, h)),
      });
      await tester.expectPass(moved);
      const signals = batchSignals();
      signals[2] = { ...signals[1]!, batch: 2n, fingerprint: BigInt(moved.fingerprint as string) };
      assert.ok(check(signals).some((p) => /subtree roots make the data root/.test(p)));
    });

    it("rejects every public input changed (batch 0: position, subtree root, ρ, mask commitment, fingerprint)", async () => {
      const b = fx.batches[0]!;
      for (const name of ["batch", "subtreeRoot", "rho", "maskCommitment", "fingerprint"]) {
        await tester.expectFail(copy(b.input, { [name]: str(BigInt(b.input[name] as string) + 1n) }));
      }
    });
  });

  describe("RidgeGenesis circuit", () => {
    let tester: CircuitTester;
    before(async () => {
      tester = await CircuitTester.build(getProfile(RIDGE_TINY.genesis));
    });
    const publics = (): bigint[] => genesisSignalArray(fx.genesis.publicSignals);

    /**
     * The genesis a dishonest controller would prove for statistics `claimed` over the real data
     * tree: every commitment, ρ and the fingerprint sum recomputed consistently for `claimed`.
     */
    const lyingGenesis = (claimed: RidgeStatistics): { input: Record<string, unknown>; rho: bigint; fingerprintSum: bigint } => {
      const h = fx.poseidon.hash;
      const { model, residual } = solveRidge(claimed, fx.config.lambda, fx.config.depth);
      const statsC = statisticsCommitment(claimed, 11n, h);
      const configHash = ridgeConfigHash(fx.config, h);
      const state = ridgeStateHash(fx.dataset.root, statsC, modelCommitment(model, 12n, h), configHash, h);
      const lieRho = genesisChallenge(statsC, fx.dataset.root, configHash, maskCommitment(13n, h), h);
      const fingerprintSum = toField(statisticsFingerprint(claimed, lieRho) + maskTelescope(13n, 0, 4, h));
      return {
        input: copy(fx.genesis.input, {
          state: str(state), rho: str(lieRho), fingerprintSum: str(fingerprintSum),
          gram: claimed.blocks.map((b) => b.gram.map(str)), moments: claimed.blocks.map((b) => b.moments.map(str)),
          weights: model.weights.map((r) => r.map(str)), residual: residual.map((r) => r.map(str)),
        }),
        rho: lieRho,
        fingerprintSum,
      };
    };

    it("accepts the genesis and proves the first state; the batches check against it", async () => {
      await tester.expectPass(fx.genesis.input, publics());
      assert.equal(fx.genesis.publicSignals.dataRoot, fx.dataset.root);
      assert.deepEqual(fx.genesis.state.stats, statisticsOf(fx.dataset.liveSlots(), 2, 3), "the statistics of every record");
      assert.deepEqual(check(batchSignals()), []);
    });

    it("statistics that do not match the data: the circuit alone accepts a consistent lie, the fingerprint sum check refuses it", async () => {
      const withoutR0 = statisticsOf(fx.dataset.liveSlots().slice(1), 2, 3);
      const lie = lyingGenesis(withoutR0);
      await tester.expectPass(lie.input);
      // The batches, proved honestly over the committed records at the lie's ρ, pass their circuit…
      const batches = [0, 1, 2, 3].map((k) => buildBatchWitness(fx.config, fx.dataset, 2, k, { rho: lie.rho, maskSeed: 13n }, fx.poseidon));
      const genesis = genesisSignalsOf(tester.publicSignals(await tester.expectPass(lie.input)));
      assert.ok(check(batches.map((b) => b.publicSignals), genesis).some((p) => /not those of the committed records/.test(p)));
      // …and a record moved to another class (the Gram total unchanged) is refused the same way.
      const r0 = fx.dataset.liveSlots()[0]!;
      const moved = statisticsOf([...fx.dataset.liveSlots().slice(1), { ...r0, label: ((r0.label >> 16n) + 1n) % 3n << 16n }], 2, 3);
      const lie2 = lyingGenesis(moved);
      const batches2 = [0, 1, 2, 3].map((k) => buildBatchWitness(fx.config, fx.dataset, 2, k, { rho: lie2.rho, maskSeed: 13n }, fx.poseidon));
      const genesis2 = genesisSignalsOf(tester.publicSignals(await tester.expectPass(lie2.input)));
      assert.ok(check(batches2.map((b) => b.publicSignals), genesis2).some((p) => /not those of the committed records/.test(p)));
    });

    it("rejects statistics changed under the honest public signals (S ≠ the committed S)", async () => {
      const gram = (fx.genesis.input.gram as string[][]).map((r) => [...r]);
      gram[1]![0] = str(fx.genesis.state.stats.blocks[1]!.gram[0]! + 1n);
      await tester.expectFail(copy(fx.genesis.input, { gram }));
    });

    it("rejects ρ that is not the hash of the commitments (even with the fingerprint sum fitted to it)", async () => {
      const other = 12345n;
      const fingerprintSum = toField(statisticsFingerprint(fx.genesis.state.stats, other) + maskTelescope(13n, 0, 4, fx.poseidon.hash));
      await tester.expectFail(copy(fx.genesis.input, { rho: str(other), fingerprintSum: str(fingerprintSum) }));
    });

    it("rejects a wrong mask: another seed, the telescope over another range", async () => {
      await tester.expectFail(copy(fx.genesis.input, { maskSeed: "14" }));
      const h = fx.poseidon.hash;
      const short = toField(statisticsFingerprint(fx.genesis.state.stats, rho()) + maskTelescope(13n, 0, 3, h));
      await tester.expectFail(copy(fx.genesis.input, { fingerprintSum: str(short) }));
    });

    it("rejects a changed λ, test root or config hash", async () => {
      await tester.expectFail(copy(fx.genesis.input, { lambda: str(fx.config.lambda + 1n) }));
      await tester.expectFail(copy(fx.genesis.input, { testRoot: "0" }));
      await tester.expectFail(copy(fx.genesis.input, { configHash: str(ridgeConfigHash({ ...fx.config, lambda: fx.config.lambda * 2n }, fx.poseidon.hash)) }));
    });

    it("rejects every public input changed", async () => {
      for (const name of ["state", "dataRoot", "configHash", "rho", "maskCommitment", "fingerprintSum"]) {
        await tester.expectFail(copy(fx.genesis.input, { [name]: str(BigInt(fx.genesis.input[name] as string) + 1n) }));
      }
    });
  });
});
