import { strict as assert } from "node:assert";
import { getProfile } from "../src/circuits/profiles.ts";
import { UnknownRecordError } from "../src/dataset/commitment.ts";
import { encodeRecord } from "../src/encoding/records.ts";
import { evaluateUnlearning, type UnlearningEvaluation } from "../src/evaluation/evaluate.ts";
import { EVALUATION_PROVENANCE, formatEvaluation } from "../src/evaluation/report.ts";
import { shardTrainingSlots, trainAllShards } from "../src/evaluation/retrainAll.ts";
import { ensureDevKey, type ProvingKey } from "../src/keys/devKeys.ts";
import { configHash } from "../src/ml/config.ts";
import { trainShard } from "../src/ml/trainer.ts";
import type { SisaSystem } from "../src/prover/shardRetrain.ts";
import { ensembleAccuracy } from "../src/sisa/ensemble.ts";
import { stateHash } from "../src/sisa/model.ts";
import { toHex32 } from "../src/verifier/fieldText.ts";
import { releaseVerifierThreads } from "../src/verifier/index.ts";
import { SISA_TEST_PROFILE, sisaFixture } from "./helpers/sisaFixture.ts";

/** 12 held-out records drawn like the fixture's, from a different formula. */
const testRecords = Array.from({ length: 12 }, (_, i) =>
  encodeRecord({ id: `t${i}`, features: [((i * 41 + 7) % 100) / 50 - 1, ((i * 29 + 3) % 100) / 64 - 0.75], label: i % 2 }));

describe("evaluateUnlearning (tiny profile, real Groth16)", function () {
  let key: ProvingKey;
  let system: SisaSystem;
  let proved: UnlearningEvaluation;
  const forget = ["r1", "r6"]; // both in shard 0
  let initial: { dataRoot: bigint; modelRoot: bigint; live: number };
  let hash: (xs: readonly bigint[]) => bigint;
  let emptyModels: SisaSystem["models"];

  before(async function () {
    const fx = await sisaFixture();
    hash = fx.poseidon.hash;
    emptyModels = fx.emptyModels;
    key = await ensureDevKey(getProfile(SISA_TEST_PROFILE));
    let salt = 5000n;
    system = { config: fx.config, dataset: fx.dataset, models: trainAllShards(fx.config, fx.dataset, fx.poseidon.hash, () => (salt += 13n)) };
    initial = { dataRoot: system.dataset.root, modelRoot: system.models.root, live: system.dataset.size };
    proved = await evaluateUnlearning(system, forget, testRecords, { profile: SISA_TEST_PROFILE, key });
  });
  after(releaseVerifierThreads);

  it("leaves the input system unchanged", function () {
    assert.equal(system.dataset.root, initial.dataRoot);
    assert.equal(system.models.root, initial.modelRoot);
    assert.equal(system.dataset.size, initial.live);
    assert.equal(system.dataset.slot("r1").id, "r1", "the forgotten records are still live in the input");
  });

  it("exact SISA: the unlearned weights equal a from-scratch retrain without the forget set, bit for bit, in every shard", function () {
    const remaining = system.dataset.withoutRecords(forget);
    for (let k = 0; k < 2; k++) {
      const scratch = trainShard(shardTrainingSlots(remaining, k, system.config), system.config).weights;
      assert.deepEqual(proved.unlearned.models.shard(k)!.weights, scratch, `shard ${k}`);
      assert.deepEqual(proved.reference.shard(k)!.weights, scratch, `reference shard ${k}`);
    }
    assert.notDeepEqual(proved.unlearned.models.shard(0)!.weights, system.models.shard(0)!.weights, "the forgotten records had influenced shard 0");
    assert.deepEqual(proved.report.exact, { identical: true, shardsCompared: 2, differingShards: [] });
  });

  it("reports the request, the states, utility and the efficiency of both routes", function () {
    const r = proved.report;
    assert.equal(r.format, "zkforget-evaluation");
    assert.equal(r.version, 1);
    assert.equal(r.provenance, EVALUATION_PROVENANCE);
    assert.equal(r.profile, SISA_TEST_PROFILE);
    assert.deepEqual(r.forget, { size: 2, shardsTouched: [0], proofs: 1 });
    assert.deepEqual(r.records, { retain: 11, forget: 2, test: 12, calibrationNonMembers: 6, heldOutNonMembers: 6 });
    const cfg = configHash(system.config, hash);
    assert.equal(r.configHash, toHex32(cfg));
    assert.equal(r.states.original, toHex32(stateHash(system.dataset.root, system.models.root, cfg, hash)));
    assert.equal(r.states.unlearned, toHex32(stateHash(proved.unlearned.dataset.root, proved.unlearned.models.root, cfg, hash)));

    const retain = system.dataset.liveSlots().filter((s) => !forget.includes(s.id));
    const weights = (s: SisaSystem) => [0, 1].map((k) => s.models.shard(k)!.weights);
    assert.equal(r.utility.original.retain, ensembleAccuracy(weights(system), retain));
    assert.equal(r.utility.original.forget, ensembleAccuracy(weights(system), system.dataset.slotsOf(forget)));
    assert.equal(r.utility.unlearned.test, ensembleAccuracy(weights(proved.unlearned), testRecords));
    assert.deepEqual(r.utility.unlearned, r.utility.reference);

    const e = r.efficiency;
    assert.equal(e.unlearning.proofs, 1);
    assert.equal(e.unlearning.shardsTrained, 1);
    assert.deepEqual([e.fullRetrain.proofs, e.fullRetrain.shardsTrained, e.fullRetrain.proved], [2, 2, true]);
    assert.ok(e.ratio !== null && e.ratio.wall > 0 && e.ratio.cpu > 0);
    assert.ok(e.unlearning.proveSeconds !== null && e.unlearning.proveSeconds <= e.unlearning.wallSeconds);
  });

  it("the attacks see the unlearned model exactly as the reference, and the document is plain JSON without record ids", function () {
    const { attacks } = proved.report.membershipInference;
    for (const a of ["loss", "confidence"] as const) {
      assert.deepEqual(attacks[a].unlearned, attacks[a].reference, a);
      for (const m of ["original", "unlearned", "reference"] as const) {
        assert.ok(attacks[a][m].auc >= 0 && attacks[a][m].auc <= 1);
        assert.ok(attacks[a][m].maxAdvantage >= 0);
      }
    }
    const json = JSON.stringify(proved.report);
    assert.deepEqual(JSON.parse(json), proved.report, "no NaN, Infinity, bigint or undefined");
    for (const id of [...forget, "r0", "t0"]) assert.ok(!json.includes(`"${id}"`), `record id ${id} leaked`);
    const text = formatEvaluation(proved.report);
    assert.match(text, /measured by the controller, not proved/);
    assert.match(text, /bit for bit: yes, 2 shards compared/);
  });

  it("--no-baseline-proofs: the full retrain is trained only, and the document says so", async function () {
    const { report, unlearned } = await evaluateUnlearning(system, ["r2", "r9"], testRecords, { profile: SISA_TEST_PROFILE, key, baselineProofs: false });
    assert.deepEqual(report.forget, { size: 2, shardsTouched: [0, 1], proofs: 2 });
    assert.deepEqual([report.efficiency.fullRetrain.proved, report.efficiency.fullRetrain.proofs, report.efficiency.fullRetrain.proveSeconds], [false, 0, null]);
    assert.equal(report.efficiency.ratio, null);
    assert.equal(report.exact.identical, true);
    assert.equal(unlearned.dataset.size, 11);
    assert.match(formatEvaluation(report), /no ratio: the full retrain was not proved/);
  });

  it("rejects a bad request before proving anything", async function () {
    const opts = { profile: SISA_TEST_PROFILE, key };
    await assert.rejects(evaluateUnlearning(system, [], testRecords, opts), /the forget set is empty/);
    await assert.rejects(evaluateUnlearning(system, ["nobody"], testRecords, opts), (e: unknown) => e instanceof UnknownRecordError && /unknown record id "nobody"/.test(e.message));
    await assert.rejects(evaluateUnlearning(system, ["r1"], testRecords.slice(0, 1), opts), /the test set has 1 record/);
    const halfTrained = { ...system, models: emptyModels.withShard(1, system.models.shard(1)!) };
    await assert.rejects(evaluateUnlearning(halfTrained, ["r1"], testRecords, opts), /shard\(s\) 0 are not trained yet/);
  });
});
