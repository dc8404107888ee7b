import { strict as assert } from "node:assert";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getProfile } from "../src/circuits/profiles.ts";
import { ensureDevKey, publishKey, type ProvingKey } from "../src/keys/devKeys.ts";
import { trainShard } from "../src/ml/trainer.ts";
import { proveShardRetrain, type SisaSystem } from "../src/prover/shardRetrain.ts";
import { shardSlotRange } from "../src/sisa/shards.ts";
import {
  loadKeyRing, releaseVerifierThreads, verifyBundle, type KeyRing, type ProofBundle, type ShardRetrainStatement,
} from "../src/verifier/index.ts";
import { SISA_TEST_PROFILE, sisaFixture } from "./helpers/sisaFixture.ts";

describe("SISA proofs end to end (tiny profile, real Groth16)", function () {
  let key: ProvingKey;
  let keys: KeyRing;
  let start: SisaSystem;
  const bundles: ProofBundle<ShardRetrainStatement>[] = [];
  let afterGenesis: SisaSystem;
  let afterRetrain: SisaSystem;
  const deletedIds = ["r1", "r6"];

  before(async function () {
    const fx = await sisaFixture();
    key = await ensureDevKey(getProfile(SISA_TEST_PROFILE));
    const dir = await mkdtemp(join(tmpdir(), "zkf-sisa-keys-"));
    await publishKey(key, dir);
    keys = await loadKeyRing(dir);
    start = { config: fx.config, dataset: fx.dataset, models: fx.emptyModels };
    let system = start;
    for (const shard of [0, 1]) {
      const r = await proveShardRetrain(system, shard, [], { profile: SISA_TEST_PROFILE, key });
      bundles.push(r.bundle);
      system = r.system;
    }
    afterGenesis = system;
    const r = await proveShardRetrain(system, 0, deletedIds, { profile: SISA_TEST_PROFILE, key });
    bundles.push(r.bundle);
    afterRetrain = r.system;
  });
  after(releaseVerifierThreads);

  it("genesis and retrain bundles verify, and the states chain", async function () {
    for (const bundle of bundles) {
      const result = await verifyBundle(JSON.stringify(bundle), { keys, allowDev: true });
      assert.deepEqual(result.reasons, []);
    }
    for (let i = 1; i < bundles.length; i++) assert.equal(bundles[i]!.statement.oldState, bundles[i - 1]!.statement.newState);
    assert.deepEqual(bundles.map((b) => b.statement.shard), [0, 1, 0]);
    assert.deepEqual(bundles[2]!.statement.deleted.map((d) => d.index), [1, 6]);
    assert.equal(bundles[0]!.statement.deleted.length, 0);
  });

  it("its dev key reproduces the committed keys/ verification key", async function () {
    const { readFile } = await import("node:fs/promises");
    const committed = JSON.parse(await readFile(`keys/${SISA_TEST_PROFILE}.vkey.json`, "utf8")) as unknown;
    assert.deepEqual(committed, JSON.parse(JSON.stringify(key.vkey)), "run `zkforget setup --all` after changing a circuit");
  });

  it("the unlearned shard model equals a model trained from scratch without the deleted records", function () {
    const { first, count } = shardSlotRange(0, start.config);
    const reference = trainShard(Array.from({ length: count }, (_, i) => {
      const slot = afterRetrain.dataset.liveSlots().find((s) => s.index === first + i);
      return slot && { features: slot.features, label: slot.label };
    }), start.config, first).weights;
    assert.deepEqual(afterRetrain.models.shard(0)!.weights, reference);
    assert.notDeepEqual(afterGenesis.models.shard(0)!.weights, reference, "the deleted records did influence the old model");
    assert.deepEqual(afterRetrain.models.shard(1)!.weights, afterGenesis.models.shard(1)!.weights, "other shards untouched");
  });

  it("the verifier rejects shard-retrain statements that disagree with the proved signals", async function () {
    const retrain = bundles[2]!;
    const tamper = (edit: (s: ShardRetrainStatement) => void) => {
      const copy = JSON.parse(JSON.stringify(retrain)) as ProofBundle<ShardRetrainStatement>;
      edit(copy.statement);
      return verifyBundle(copy, { keys, allowDev: true });
    };
    const expect = async (edit: (s: ShardRetrainStatement) => void, pattern: RegExp) => {
      const r = await tamper(edit);
      assert.equal(r.valid, false);
      assert.ok(r.reasons.some((x) => pattern.test(x)), JSON.stringify(r.reasons));
    };
    await expect((s) => { s.oldDataRoot = s.newDataRoot; }, /do not hash to the proved oldState/);
    await expect((s) => { s.newModelRoot = s.oldModelRoot; }, /do not hash to the proved newState/);
    await expect((s) => { s.shard = 1; }, /must be an integer slot index in \[8, 16\)/);
    await expect((s) => { s.deleted = s.deleted.slice(1); }, /do not hash to the proved deletionDigest/);
    await expect((s) => { (s as unknown as Record<string, unknown>).type = "dataset-deletion"; }, /proves "shard-retrain"/);
    // The published training config must be the one the proof used, and pass the verifier's policy.
    await expect((s) => { s.config.learningRate = "0"; }, /bundle\.statement\.config does not hash to the configHash of the statement/);
    await expect((s) => { delete (s as Partial<ShardRetrainStatement>).config; }, /bundle\.statement\.config must be an object/);
    const strict = await verifyBundle(retrain, { keys, allowDev: true, policy: { initialWeights: "zeros", minLearningRate: 1, maxL2: 0, minEpochs: 99 } });
    assert.equal(strict.valid, false, "a stricter policy refuses the same genuine proof");
    assert.ok(strict.reasons.some((x) => /policy: the initial weights derive from seed "tiny", but this verifier accepts only zero initial weights/.test(x)), JSON.stringify(strict.reasons));
    assert.ok(strict.reasons.some((x) => /policy: 2 epochs is below the minimum 99/.test(x)), JSON.stringify(strict.reasons));
  });

  it("refuses requests the statement cannot prove, before proving", async function () {
    await assert.rejects(proveShardRetrain(afterRetrain, 0, ["r9"], { profile: SISA_TEST_PROFILE, key }), /record "r9" is in shard 1, not in shard 0/);
    await assert.rejects(proveShardRetrain(afterRetrain, 0, ["r1"], { profile: SISA_TEST_PROFILE, key }), /record "r1" was already deleted/);
    await assert.rejects(proveShardRetrain(afterRetrain, 0, ["r0", "r2", "r3"], { profile: SISA_TEST_PROFILE, key }), /exceed|at most|K/);
    await assert.rejects(proveShardRetrain(afterRetrain, 0, [], { profile: "deletion-d8-k2", key }), /does not prove this config/);
  });
});
