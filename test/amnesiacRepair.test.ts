import assert from "node:assert/strict";
import { getProfile } from "../src/circuits/profiles.ts";
import { ensureDevKey, type ProvingKey } from "../src/keys/devKeys.ts";
import { gradientStep } from "../src/ml/trainer.ts";
import { amnesiacConfigHash, totalSteps } from "../src/methods/amnesiac/config.ts";
import { amnesiacRepairStatementOf, repairBatch, repairStepOf, touchedBatches, type AmnesiacRepairWitness, type RepairSalts } from "../src/methods/amnesiac/repair.ts";
import { proveAmnesiacRepair } from "../src/methods/amnesiac/repairProve.ts";
import { amnesiacStateHash, modelCommitment } from "../src/methods/amnesiac/state.ts";
import type { AmnesiacSystem } from "../src/methods/amnesiac/system.ts";
import { logLeaf, type UpdateLog } from "../src/methods/amnesiac/updateLog.ts";
import {
  amnesiacTrainStatementOf, amnesiacUnlearnStatementOf, buildAmnesiacUnlearnWitness, signed, str, type AmnesiacUnlearnWitness,
} from "../src/methods/amnesiac/witness.ts";
import { statementKindOf } from "../src/methods/statementKinds.ts";
import { proveBundle } from "../src/prover/groth16.ts";
import { AUDIT_FORMAT, AUDIT_VERSION, type AuditEntry, type AuditPackage } from "../src/verifier/auditTypes.ts";
import { describeStatement } from "../src/verifier/statements.ts";
import { releaseVerifierThreads, verifyAuditPackage, verifyBundle, type KeyRing, type ProofBundle, type Statement } from "../src/verifier/index.ts";
import { CircuitTester } from "./helpers/circuitTester.ts";
import { setEntry, withInput } from "./helpers/circuitInput.ts";
import {
  AMNESIAC_E3_PROFILES, AMNESIAC_TRAIN_PROFILE, AMNESIAC_UNLEARN_PROFILE, amnesiacFixture, oneFeatureDataset, type AmnesiacFixture,
} from "./helpers/amnesiacFixture.ts";

const REPAIR_PROFILE = "amnesiac-repair-d4-b1-f2-e2";
const REPAIR_E3_PROFILE = "amnesiac-repair-d3-b1-f1-e3";
const plus = (a: readonly bigint[], b: readonly bigint[]): bigint[] => a.map((v, j) => v + b[j]!);
const minus = (a: readonly bigint[], b: readonly bigint[]): bigint[] => a.map((v, j) => v - b[j]!);
const repairSignals = (w: AmnesiacRepairWitness): bigint[] => [w.publicSignals.oldState, w.publicSignals.newState, BigInt(w.publicSignals.batch)];
const SALTS: RepairSalts = { logSalt: 777n, newModelSalt: 888n };

/** weights − Σ of the log's pending updates: the initial weights while the amnesiac invariant holds. */
function initialFromLog(system: AmnesiacSystem): bigint[] {
  let w = [...system.weights];
  for (let t = 0; t < system.log.length; t++) w = minus(w, system.log.pendingDelta(t));
  return w;
}

describe("amnesiac repair steps (tiny profiles)", () => {
  let fx: AmnesiacFixture;
  /** Slot 4 (batch 2: slots 4, 5; steps 2 and 10) unlearned from the trained system. */
  let u: AmnesiacUnlearnWitness;
  /** The repair of batch 2 after u. */
  let r: AmnesiacRepairWitness;
  before(async () => {
    fx = await amnesiacFixture();
    u = buildAmnesiacUnlearnWitness(fx.trained, [4], fx.maxDeletions, 42n, fx.poseidon);
    r = repairBatch(u.next, 2, SALTS, fx.poseidon);
  });
  after(async () => {
    await releaseVerifierThreads();
    await (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128?.terminate();
  });

  describe("oracle", () => {
    it("a repair is the gradient step on the batch's remaining records, logged at the batch's last-epoch step with a fresh salt", () => {
      assert.equal(r.step, 10);
      assert.equal(repairStepOf(2, fx.config), 10);
      assert.deepEqual(touchedBatches([11, 4, 5, 0], fx.config), [0, 2, 5]);
      assert.throws(() => touchedBatches([16], fx.config), /slot 16 is outside the dataset tree/);
      const remaining = fx.genesis.records.get(5)!;
      const expected = gradientStep(u.next.weights, [{ features: remaining.features, label: remaining.label }], fx.config, 1, "");
      assert.deepEqual(r.newWeights, expected);
      assert.deepEqual(r.delta, minus(expected, u.next.weights));
      assert.deepEqual(r.next.weights, expected);
      assert.deepEqual(r.next.log.step(10), { delta: r.delta, salt: 777n, subtracted: false });
      assert.equal(r.next.log.leaf(10), logLeaf(10, 777n, r.delta, fx.poseidon.hash));
      assert.equal(r.next.log.length, totalSteps(fx.config));
      // Nothing else moves: the data, the other log leaves (step 2 stays subtracted).
      assert.equal(r.next.dataTree.root, u.next.dataTree.root);
      assert.deepEqual(r.next.log.step(2), u.next.log.step(2));
      assert.equal(r.next.log.root, u.next.log.repair(10, r.delta, 777n).root);
      assert.notDeepEqual(r.delta, [0n, 0n, 0n], "the step moves the weights");
    });

    it("keeps the invariant weights = initial weights + Σ pending logged updates, through train → unlearn → repair → unlearn", () => {
      const later = buildAmnesiacUnlearnWitness(r.next, [5], fx.maxDeletions, 43n, fx.poseidon);
      for (const system of [fx.trained, u.next, r.next, later.next]) assert.deepEqual(initialFromLog(system), fx.config.initialWeights);
    });

    it("a later unlearning of another record of the repaired batch subtracts the repair's update", () => {
      const later = buildAmnesiacUnlearnWitness(r.next, [5], fx.maxDeletions, 43n, fx.poseidon);
      assert.deepEqual(later.statement.steps, [2, 10]);
      assert.deepEqual(later.statement.newlySubtracted, [10]);
      assert.deepEqual(later.newWeights, minus(r.newWeights, r.delta));
      assert.deepEqual(later.newWeights, u.newWeights);
      // The batch is then empty and may be repaired again: only the L2 shrinkage moves the feature weights.
      const again = repairBatch(later.next, 2, { logSalt: 5n, newModelSalt: 6n }, fx.poseidon);
      assert.equal(again.delta[2], 0n, "no record: the bias does not move");
    });

    it("refuses: training incomplete, a batch outside the schedule, a batch no unlearning touched, a batch repaired twice", () => {
      assert.throws(() => repairBatch(fx.training[3]!.next, 2, SALTS, fx.poseidon), /a repair step needs the complete training in the log; 8 steps are logged/);
      for (const batch of [8, -1, 1.5]) assert.throws(() => repairBatch(u.next, batch, SALTS, fx.poseidon), new RegExp(`batch ${batch} is outside the schedule: it has batches 0..7`));
      assert.throws(() => repairBatch(u.next, 3, SALTS, fx.poseidon), /batch 3 has no subtracted updates to repair: only a batch an unlearning touched is repaired/);
      assert.throws(() => repairBatch(r.next, 2, SALTS, fx.poseidon), /batch 2 has no subtracted updates to repair/);
      assert.throws(() => u.next.log.repair(11, r.delta, 1n), /step 11's update is not subtracted/);
      assert.throws(() => u.next.log.repair(10, [1n], 1n), /update of step 10 has 1 entries, the model 3/);
    });
  });

  describe(`AmnesiacRepair circuit (profile ${REPAIR_PROFILE})`, () => {
    let tester: CircuitTester;
    let cfgHash: bigint;
    before(async () => {
      tester = await CircuitTester.build(getProfile(REPAIR_PROFILE));
      cfgHash = amnesiacConfigHash(fx.config, fx.poseidon.hash);
    });
    /** A state with these parts, step count 16 unless told. */
    const state = (dataRoot: bigint, weights: readonly bigint[], salt: bigint, log: UpdateLog, stepCount = 16): bigint =>
      amnesiacStateHash({ dataRoot, modelCommitment: modelCommitment(weights, salt, fx.poseidon.hash), logRoot: log.root, stepCount }, cfgHash, fx.poseidon.hash);
    /** newState of `r` with other weights or log. */
    const claim = (weights: readonly bigint[], log: UpdateLog = r.next.log): bigint => state(u.next.dataTree.root, weights, SALTS.newModelSalt, log);

    it("accepts the oracle's repair, bit-exact, and the repair of an emptied batch", async () => {
      await tester.expectPass(r.input, repairSignals(r));
      const later = buildAmnesiacUnlearnWitness(r.next, [5], fx.maxDeletions, 43n, fx.poseidon);
      const again = repairBatch(later.next, 2, { logSalt: 5n, newModelSalt: 6n }, fx.poseidon);
      await tester.expectPass(again.input, repairSignals(again));
    });

    it("rejects a repair of a batch whose last-epoch update is not subtracted (never unlearned)", async () => {
      // Built against a log where step 11 (batch 3's last) is zeroed, then pointed at the real log:
      // siblings and new root are the same, only the opened zero-update leaf is not the real one.
      const pretend = { ...u.next, log: u.next.log.subtract([11]) };
      const forged = repairBatch(pretend, 3, SALTS, fx.poseidon);
      await tester.expectPass(forged.input, repairSignals(forged));
      const oldState = state(u.next.dataTree.root, u.next.weights, u.next.modelSalt, u.next.log);
      await tester.expectFail(withInput(forged.input, { oldLogRoot: str(u.next.log.root), oldState: str(oldState) }));
      // The same for the repaired leaf itself: a second repair of batch 2 over the first.
      const second = repairBatch({ ...r.next, log: r.next.log.subtract([10]) }, 2, SALTS, fx.poseidon);
      const afterFirst = state(r.next.dataTree.root, r.next.weights, r.next.modelSalt, r.next.log);
      await tester.expectFail(withInput(second.input, { oldLogRoot: str(r.next.log.root), oldState: str(afterFirst) }));
    });

    it("rejects a changed update or new weights one unit off", async () => {
      const off = plus(r.newWeights, [0n, 1n, 0n]);
      await tester.expectFail(withInput(r.input, { newState: str(claim(off)) }));
      await tester.expectFail(withInput(r.input, { newState: str(claim(off, u.next.log.repair(10, plus(r.delta, [0n, 1n, 0n]), 777n))) }));
      await tester.expectFail(withInput(r.input, { newState: str(claim(r.newWeights, u.next.log.repair(10, plus(r.delta, [1n, 0n, 0n]), 777n))) }));
      // No update at all (the weights moved, the log keeps the zero leaf).
      await tester.expectFail(withInput(r.input, { newState: str(claim(r.newWeights, u.next.log)) }));
    });

    it("rejects a deleted record put back in the repaired batch (slot 4 given as live)", async () => {
      const back = fx.genesis.records.get(4)!;
      const fifth = fx.genesis.records.get(5)!;
      const input = withInput(r.input, {
        live: setEntry(r.input.live, 0, "1"),
        feature: [back.features.map(signed), fifth.features.map(signed)],
        label: setEntry(r.input.label, 0, signed(back.label)),
        salt: setEntry(r.input.salt, 0, str(back.salt)),
      });
      await tester.expectFail(input);
      const both = gradientStep(u.next.weights, [back, fifth].map((x) => ({ features: x.features, label: x.label })), fx.config, 1, "");
      await tester.expectFail(withInput(input, { newState: str(claim(both, u.next.log.repair(10, minus(both, u.next.weights), 777n))) }));
    });

    it("rejects a batch signal that is not the opened position, or outside the schedule", async () => {
      for (const batch of ["3", "0", "10", "18"]) await tester.expectFail(withInput(r.input, { batch }));
    });

    it("rejects a state with another step count, and another config than the states commit", async () => {
      const early = state(u.next.dataTree.root, u.next.weights, u.next.modelSalt, u.next.log, 15);
      const earlyNew = state(u.next.dataTree.root, r.newWeights, SALTS.newModelSalt, r.next.log, 15);
      await tester.expectFail(withInput(r.input, { oldState: str(early), newState: str(earlyNew) }));
      await tester.expectFail(withInput(r.input, { l2: str(fx.config.l2 + 1n) }));
      await tester.expectFail(withInput(r.input, { learningRate: str(fx.config.learningRate + 1n) }));
      await tester.expectFail(withInput(r.input, { initialWeightsHash: "1" }));
    });

    it("rejects tampered public inputs", async () => {
      for (const name of ["oldState", "newState", "batch"]) {
        await tester.expectFail(withInput(r.input, { [name]: str(BigInt(r.input[name] as string) + 1n) }));
      }
    });
  });

  describe(`3 epochs (profile ${REPAIR_E3_PROFILE}: the last epoch's constant log bits 1, 0)`, () => {
    it("repairs batch 3 at step 11 after unlearning slot 6, and rejects the leaf of another epoch", async () => {
      const e3 = await amnesiacFixture(AMNESIAC_E3_PROFILES, oneFeatureDataset());
      const tester = await CircuitTester.build(getProfile(REPAIR_E3_PROFILE));
      const unlearned = buildAmnesiacUnlearnWitness(e3.trained, [6], 1, 5n, e3.poseidon);
      const w = repairBatch(unlearned.next, 3, SALTS, e3.poseidon);
      assert.equal(w.step, 11);
      await tester.expectPass(w.input, repairSignals(w));
      // Step 7 (epoch 1 of the same batch) is also a zero-update leaf: opened there, the circuit's
      // constant epoch bits and leaf step (11) reject it.
      const log = unlearned.next.log;
      const at7 = withInput(w.input, { oldLogSalt: str(log.step(7).salt), logSiblings: log.siblings(7).map(str) });
      await tester.expectFail(at7);
    });
  });

  describe("statement and proofs (Groth16, dev keys)", () => {
    let repairKey: ProvingKey;
    let keys: KeyRing;
    let bundle: ProofBundle;
    const verify = (b: unknown) => verifyBundle(b, { keys, allowDev: true });
    const edited = (b: ProofBundle, change: Record<string, unknown>): unknown => ({
      ...b, statement: { ...(JSON.parse(JSON.stringify(b.statement)) as Record<string, unknown>), ...change },
    });

    before(async () => {
      repairKey = await ensureDevKey(getProfile(REPAIR_PROFILE));
      const trainKey = await ensureDevKey(getProfile(AMNESIAC_TRAIN_PROFILE));
      const unlearnKey = await ensureDevKey(getProfile(AMNESIAC_UNLEARN_PROFILE));
      keys = new Map([trainKey, unlearnKey, repairKey].map((k) => [k.manifest.profile, { vkey: k.vkey, manifest: k.manifest }]));
      bundle = (await proveAmnesiacRepair(u.next, 2, getProfile(REPAIR_PROFILE), repairKey, SALTS)).bundle as ProofBundle;
    });

    it("a repair bundle verifies and says what it did; the statement is the oracle's", async () => {
      assert.deepEqual((await verify(bundle)).reasons, []);
      assert.deepEqual(bundle.statement, amnesiacRepairStatementOf(u.next, r, fx.poseidon));
      assert.match(
        describeStatement(bundle.statement as Statement),
        /^repair step: one proved SGD step on the remaining records of batch 2 \(slots 4–5\), logged in place of its subtracted last-epoch update: state 0x[0-9a-f]{8}… → 0x[0-9a-f]{8}…$/,
      );
      const kind = statementKindOf(bundle.statement)!;
      assert.equal(kind.fileTag(bundle.statement as unknown as Record<string, unknown>), "-repair2");
      assert.equal(kind.deletedWording(bundle.statement as unknown as Record<string, unknown>), "trained on (a repair step deletes nothing)");
      assert.deepEqual(kind.transition(bundle.statement as unknown as Record<string, unknown>), { kind: "retrain", oldState: bundle.statement.oldState, newState: (bundle.statement as { newState: string }).newState });
      assert.equal(kind.model!.covers(bundle.statement as unknown as Record<string, unknown>), undefined, "a repair covers no training");
    });

    it("refuses tampered public signals and statement fields that disagree with the proof", async () => {
      for (let i = 0; i < 3; i++) {
        const signals = bundle.publicSignals.map((s, j) => (j === i ? (BigInt(s) + 1n).toString() : s));
        assert.equal((await verify({ ...bundle, publicSignals: signals })).valid, false, `signal ${i}`);
      }
      const s = bundle.statement as unknown as Record<string, string>;
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ batch: 3 }, /batch must be the integer public signal batch/],
        [{ batch: 9 }, /batch must be the integer public signal batch, one of the 8 batches 0..7/],
        [{ batch: "2" }, /batch must be the integer public signal batch/],
        [{ dataRoot: s.oldLogRoot }, /do not hash to the proved oldState/],
        [{ newLogRoot: s.oldLogRoot }, /do not hash to the proved newState/],
        [{ newModelCommitment: s.oldModelCommitment }, /do not hash to the proved newState/],
        [{ config: { ...(bundle.statement as unknown as { config: Record<string, unknown> }).config, l2: "0" } }, /config does not hash to the configHash/],
        [{ newState: s.oldState }, /newState does not match public signal newState/],
      ];
      for (const [change, reason] of cases) {
        const result = await verify(edited(bundle, change));
        assert.equal(result.valid, false, JSON.stringify(change).slice(0, 60));
        assert.ok(result.reasons.some((x) => reason.test(x)), `${JSON.stringify(change).slice(0, 60)}: ${result.reasons.join("; ")}`);
      }
    });

    it("a chain train → unlearn → repair → unlearn verifies, and breaks when the repair is moved or mislabelled", async () => {
      const trainKey = await ensureDevKey(getProfile(AMNESIAC_TRAIN_PROFILE));
      const unlearnKey = await ensureDevKey(getProfile(AMNESIAC_UNLEARN_PROFILE));
      const entries: AuditEntry[] = [];
      const at = (seq: number): string => new Date(Date.parse("2026-01-01T00:00:00Z") + seq * 60_000).toISOString();
      const append = (kind: AuditEntry["kind"], b: ProofBundle): void => {
        const st = b.statement as unknown as { oldState: string; newState: string };
        entries.push({ seq: entries.length + 1, kind, oldState: st.oldState, newState: st.newState, recordedAt: at(entries.length + 1), bundle: b });
      };
      for (const [i, w] of fx.training.entries()) {
        const before = i === 0 ? fx.genesis : fx.training[i - 1]!.next;
        const signals = [w.publicSignals.oldState, w.publicSignals.newState, BigInt(w.publicSignals.firstStep)];
        append("genesis", (await proveBundle(trainKey, w.input, signals, amnesiacTrainStatementOf(before, w, fx.poseidon))).bundle as ProofBundle);
      }
      append("deletion", (await proveBundle(unlearnKey, u.input, [u.publicSignals.oldState, u.publicSignals.newState, u.publicSignals.deletionDigest], amnesiacUnlearnStatementOf(fx.trained, u, fx.poseidon))).bundle as ProofBundle);
      append("retrain", bundle);
      const later = buildAmnesiacUnlearnWitness(r.next, [5], fx.maxDeletions, 43n, fx.poseidon);
      append("deletion", (await proveBundle(unlearnKey, later.input, [later.publicSignals.oldState, later.publicSignals.newState, later.publicSignals.deletionDigest], amnesiacUnlearnStatementOf(r.next, later, fx.poseidon))).bundle as ProofBundle);
      const first = entries[0]!;
      entries.unshift({ seq: 0, kind: "commit", oldState: first.oldState, newState: first.oldState, recordedAt: at(0) });
      entries.forEach((e, k) => (e.seq = k + 1));
      const pkg: AuditPackage = {
        format: AUDIT_FORMAT, version: AUDIT_VERSION, exportedAt: at(100), profile: AMNESIAC_TRAIN_PROFILE,
        configHash: (first.bundle!.statement as unknown as { configHash: string }).configHash,
        entries, requests: [], keys: Object.fromEntries(keys),
      };
      const report = await verifyAuditPackage(pkg, { keys, allowDev: true });
      assert.deepEqual(report.problems, []);
      assert.equal(report.valid, true);
      assert.deepEqual(report.entries.slice(-3).map((e) => [e.kind, e.valid]), [["deletion", true], ["retrain", true], ["deletion", true]]);

      // The repair moved after the second unlearning: continuity breaks.
      const moved = JSON.parse(JSON.stringify(pkg)) as AuditPackage;
      const [rep, del] = [moved.entries[10]!, moved.entries[11]!];
      moved.entries[10] = { ...del, seq: 11 };
      moved.entries[11] = { ...rep, seq: 12 };
      const broken = await verifyAuditPackage(moved, { keys, allowDev: true });
      assert.equal(broken.valid, false);
      assert.ok(broken.problems.some((p) => /continuity/.test(p.reason)), JSON.stringify(broken.problems));
      // The repair recorded as a deletion: the entry kind comes from the statement.
      const relabelled = JSON.parse(JSON.stringify(pkg)) as AuditPackage;
      relabelled.entries[10]!.kind = "deletion";
      const wrong = await verifyAuditPackage(relabelled, { keys, allowDev: true });
      assert.equal(wrong.valid, false);
      assert.ok(wrong.problems.some((p) => p.seq === 11 && /makes a retrain entry/.test(p.reason)), JSON.stringify(wrong.problems));
    });
  });
});
