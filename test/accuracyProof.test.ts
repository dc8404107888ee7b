import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getProfile } from "../src/circuits/profiles.ts";
import { ensureDevKey, publishKey } from "../src/keys/devKeys.ts";
import { proveAccuracy, type AccuracyProof } from "../src/prover/accuracy.ts";
import { configHash } from "../src/ml/config.ts";
import { parsePublicTrainingConfig } from "../src/ml/publicConfig.ts";
import { ensembleAccuracy } from "../src/sisa/ensemble.ts";
import { stateHash } from "../src/sisa/model.ts";
import { poseidonLite } from "../src/verifier/statements.ts";
import {
  describeStatement, loadKeyRing, releaseVerifierThreads, toHex32, verifyBundle, type AccuracyStatement, type KeyRing, type ProofBundle,
} from "../src/verifier/index.ts";
import { ACCURACY_TEST_PROFILE, accuracyFixture, type AccuracyFixture } from "./helpers/accuracyFixture.ts";

/** A deep copy of a bundle with statement fields and public signals replaced. */
function tampered(bundle: ProofBundle<AccuracyStatement>, statement: Partial<Record<keyof AccuracyStatement, unknown>>, signals: Record<number, string> = {}): unknown {
  const copy = JSON.parse(JSON.stringify(bundle)) as ProofBundle<AccuracyStatement>;
  Object.assign(copy.statement, statement);
  for (const [i, v] of Object.entries(signals)) copy.publicSignals[Number(i)] = v;
  return copy;
}

describe(`accuracy proofs end to end (profile ${ACCURACY_TEST_PROFILE})`, function () {
  let fx: AccuracyFixture;
  let proved: AccuracyProof;
  let keys: KeyRing;
  let keysDir: string;

  before(async function () {
    fx = await accuracyFixture();
    const key = await ensureDevKey(getProfile(ACCURACY_TEST_PROFILE));
    keysDir = await mkdtemp(join(tmpdir(), "zkf-acc-keys-"));
    await publishKey(key, keysDir);
    keys = await loadKeyRing(keysDir);
    proved = await proveAccuracy(fx.system, fx.testSet, { profile: ACCURACY_TEST_PROFILE, key });
  });
  after(releaseVerifierThreads);

  it("proves the ensemble's count on the committed test set, and the bundle verifies", async () => {
    const weights = fx.system.models.trained().map(([, m]) => m.weights);
    assert.equal(proved.correct, ensembleAccuracy(weights, fx.testSet.liveSlots()) * proved.total);
    assert.equal(proved.total, 6);
    const s = proved.bundle.statement;
    assert.equal(s.type, "model-accuracy");
    assert.equal(s.testRoot, toHex32(fx.config.testRoot));
    assert.deepEqual(proved.bundle.publicSignals, [BigInt(s.state).toString(), BigInt(s.testRoot).toString(), String(s.correct), String(s.total)]);
    const result = await verifyBundle(JSON.stringify(proved.bundle), { keys, allowDev: true });
    assert.deepEqual(result.reasons, []);
    assert.equal(result.valid, true);
    assert.equal(result.security, "insecure-dev");
    assert.equal((await verifyBundle(proved.bundle, { keys })).valid, false, "dev keys only when allowed");
  });

  it("describes the statement as a proved lower bound on accuracy", () => {
    const s = proved.bundle.statement;
    assert.equal(
      describeStatement(s),
      `accuracy ≥ ${s.correct}/6, proved for state ${s.state.slice(0, 10)}… on the committed test set ${s.testRoot.slice(0, 10)}… (${((100 * s.correct) / 6).toFixed(1)} %)`,
    );
  });

  it("rejects a bundle whose count or state was changed (in the statement, the signals, or both)", async () => {
    const s = proved.bundle.statement;
    const up = String(s.correct + 1);
    const cases: [unknown, RegExp][] = [
      // Both the readable count and the public signal raised: the proof does not verify.
      [tampered(proved.bundle, { correct: s.correct + 1 }, { 2: up }), /Groth16 proof does not verify/],
      [tampered(proved.bundle, { total: s.total - 1 }, { 3: String(s.total - 1) }), /Groth16 proof does not verify/],
      [tampered(proved.bundle, { correct: s.correct + 1 }), /statement\.correct does not match public signal correct/],
      [tampered(proved.bundle, {}, { 2: up }), /statement\.correct does not match public signal correct/],
      [tampered(proved.bundle, { correct: 7, total: 6 }, { 2: "7", 3: "6" }), /correct \(7\) exceeds bundle\.statement\.total \(6\)/],
      [tampered(proved.bundle, { correct: 3, total: 17 }, { 2: "3", 3: "17" }), /total must be an integer in \[0, 16\]/],
      [tampered(proved.bundle, { correct: String(s.correct) }), /statement\.correct must be an integer/],
      [tampered(proved.bundle, { dataRoot: toHex32(1n) }), /dataRoot\/modelRoot\/configHash do not hash to the proved state/],
      [tampered(proved.bundle, { testRoot: toHex32(fx.system.dataset.root) }), /statement\.testRoot does not match public signal testRoot/],
      [tampered(proved.bundle, { type: "shard-retrain" }), /proves "model-accuracy"/],
    ];
    for (const [bundle, reason] of cases) {
      const result = await verifyBundle(bundle, { keys, allowDev: true });
      assert.equal(result.valid, false, String(reason));
      assert.match(result.reasons.join("\n"), reason);
    }
    // Another test root in both places: the published config names the committed test set.
    const other = toHex32(fx.system.dataset.root);
    const moved = await verifyBundle(tampered(proved.bundle, { testRoot: other }, { 1: BigInt(other).toString() }), { keys, allowDev: true });
    assert.match(moved.reasons.join("\n"), /bundle\.statement\.testRoot is not the test root of bundle\.statement\.config/);
    // ... and in the config too: the config no longer hashes to the configHash.
    const config = { ...s.config, testRoot: other };
    const relabelled = await verifyBundle(tampered(proved.bundle, { testRoot: other, config }, { 1: BigInt(other).toString() }), { keys, allowDev: true });
    assert.match(relabelled.reasons.join("\n"), /bundle\.statement\.config does not hash to the configHash of the statement/);
    // A consistent lie everywhere (config, its hash, the state, the signals): only the proof can catch it, and does.
    const parsed = parsePublicTrainingConfig(config);
    assert.ok("config" in parsed, "problems" in parsed ? parsed.problems.join("; ") : "");
    const hash = configHash(parsed.config, poseidonLite);
    const state = stateHash(BigInt(s.dataRoot), BigInt(s.modelRoot), hash, poseidonLite);
    const lie = tampered(proved.bundle, { testRoot: other, config, configHash: toHex32(hash), state: toHex32(state) }, { 0: state.toString(), 1: BigInt(other).toString() });
    const forged = await verifyBundle(lie, { keys, allowDev: true });
    assert.deepEqual(forged.reasons, ["the Groth16 proof does not verify for these public signals under the trusted key"]);
  });

  it("`zkforget prove-accuracy` proves a SISA workspace's committed test set; refused without one", async function () {
    this.timeout(300_000);
    const dir = await mkdtemp(join(tmpdir(), "zkf-acc-ws-"));
    const rows = ["id,a,b,label", ...Array.from({ length: 20 }, (_, i) => `r${i},${((i * 37) % 100) / 50 - 1},${((i * 53 + 11) % 100) / 64 - 0.75},${i % 3 === 0 ? 1 : 0}`)];
    await writeFile(join(dir, "data.csv"), `${rows.join("\n")}\n`);
    const run = (...args: string[]) => spawnSync(process.execPath, ["bin/zkforget.js", ...args], { encoding: "utf8", timeout: 300_000 });
    const ws = join(dir, "ws");
    assert.equal(run("commit", join(dir, "data.csv"), "--workspace", ws, "--profile", "sisa-d4-s1-f2-e2-k2", "--test-split", "6").status, 0);
    assert.equal(run("train", "--workspace", ws).status, 0);
    const out = join(dir, "accuracy.json");
    const proved = run("prove-accuracy", "--workspace", ws, "--out", out, "--json");
    assert.equal(proved.status, 0, proved.stderr);
    const summary = JSON.parse(proved.stdout) as { bundle: string; entry: number; correct: number; total: number };
    assert.equal(summary.bundle, out);
    assert.equal(summary.total, 6);
    assert.equal(summary.entry, 4, "the ledger holds commit, two genesis trainings, then the accuracy entry");
    const checked = run("verify", out, "--keys", keysDir, "--allow-dev");
    assert.equal(checked.status, 0, checked.stdout);
    assert.match(checked.stdout, new RegExp(`^VALID: accuracy ≥ ${summary.correct}/6, proved`));
    // The accuracy entry is part of the audit chain: it attests the current state.
    const chain = run("verify-chain", ws, "--allow-dev", "--json");
    assert.equal(chain.status, 0, chain.stdout);
    const report = JSON.parse(chain.stdout) as { entries: { seq: number; kind: string; valid: boolean }[] };
    assert.deepEqual(report.entries.at(-1), { ...report.entries.at(-1), seq: 4, kind: "accuracy", valid: true });

    const bare = join(dir, "bare");
    await writeFile(join(dir, "small.csv"), `${rows.slice(0, 11).join("\n")}\n`);
    assert.equal(run("commit", join(dir, "small.csv"), "--workspace", bare, "--profile", "sisa-d4-s1-f2-e2-k2").status, 0);
    const refused = run("prove-accuracy", "--workspace", bare);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /has no committed test set: commit the dataset with --test FILE or --test-split N/);
  });

  it("`zkforget verify` prints the accuracy claim", async () => {
    const file = join(keysDir, "accuracy.json");
    await writeFile(file, JSON.stringify(proved.bundle));
    const r = spawnSync(process.execPath, ["bin/zkforget.js", "verify", file, "--keys", keysDir, "--allow-dev"], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^VALID: accuracy ≥ ${proved.correct}/6, proved for state 0x[0-9a-f]{8}… on the committed test set`));
  });
});
