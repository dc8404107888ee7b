import { strict as assert } from "node:assert";
import { writeFile, mkdtemp, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SNARK_FIELD } from "../src/field.ts";
import { loadKeyRing, releaseVerifierThreads, toHex32, verifyBundle, type DeletionStatement, type KeyRing, type ProofBundle } from "../src/verifier/index.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";

/** Deep copy, then apply `edit`: each test tampers with its own bundle. */
function tampered(bundle: ProofBundle<DeletionStatement>, edit: (b: ProofBundle<DeletionStatement> & Record<string, unknown>) => void): unknown {
  const copy = JSON.parse(JSON.stringify(bundle)) as ProofBundle<DeletionStatement> & Record<string, unknown>;
  edit(copy);
  return copy;
}

describe("verifier (distrusts the prover)", function () {
  let f: DeletionFixture;
  let keys: KeyRing;
  const check = (input: unknown, allowDev = true) => verifyBundle(input, { keys, allowDev });
  const expectReason = async (input: unknown, pattern: RegExp, allowDev = true) => {
    const result = await check(input, allowDev);
    assert.equal(result.valid, false, "expected the bundle to be rejected");
    assert.ok(result.reasons.some((r) => pattern.test(r)), `no reason matches ${pattern}: ${JSON.stringify(result.reasons)}`);
  };

  before(async function () {
    f = await deletionFixture();
    keys = f.keys;
  });
  after(releaseVerifierThreads);

  it("accepts a real deletion bundle when dev keys are allowed, as object or JSON text", async function () {
    const result = await check(f.bundle);
    assert.deepEqual(result.reasons, []);
    assert.equal(result.valid, true);
    assert.equal(result.security, "insecure-dev");
    assert.equal((await check(JSON.stringify(f.bundle))).valid, true);
    assert.equal(f.bundle.statement.oldRoot, toHex32(f.dataset.root));
    assert.equal(f.bundle.statement.newRoot, toHex32(f.after.root));
  });

  it("refuses dev keys unless allowed", async function () {
    await expectReason(f.bundle, /INSECURE dev key/, false);
  });

  it("rejects malformed JSON and non-bundles without throwing", async function () {
    await expectReason('{"format": "zkforget-bundle", ', /malformed JSON/);
    await expectReason("[1,2,3]", /not a JSON object/);
    await expectReason(null, /not a JSON object/);
    await expectReason({}, /bundle.format/);
    await expectReason(tampered(f.bundle, (b) => { b.version = 2 as never; }), /version 2 is not supported/);
  });

  it("rejects public signals outside the field or not canonical", async function () {
    await expectReason(tampered(f.bundle, (b) => { b.publicSignals[1] = (BigInt(b.publicSignals[1]!) + SNARK_FIELD).toString(); }), /public signal 1 \(newRoot\).*outside the BN254 scalar field/);
    await expectReason(tampered(f.bundle, (b) => { b.publicSignals[0] = "-5"; }), /public signal 0 \(oldRoot\).*not a canonical decimal/);
    await expectReason(tampered(f.bundle, (b) => { b.publicSignals[2] = `0${b.publicSignals[2]}`; }), /public signal 2/);
  });

  it("rejects a wrong public signal count", async function () {
    await expectReason(tampered(f.bundle, (b) => { b.publicSignals.push("1"); }), /wrong public signal count: the bundle has 4, the key .* takes 3/);
    await expectReason(tampered(f.bundle, (b) => { b.publicSignals.pop(); }), /wrong public signal count/);
  });

  it("rejects unknown profiles and mismatched keys", async function () {
    await expectReason(tampered(f.bundle, (b) => { b.profile = "deletion-d99-k1"; }), /unknown profile "deletion-d99-k1"/);
    await expectReason(tampered(f.bundle, (b) => { b.vkeyHash = "0".repeat(64); }), /key mismatch: the bundle was made for verification key 0000/);
    // A key ring whose vkey was swapped under its manifest is not trusted either.
    const entry = keys.get(TEST_PROFILE)!;
    const forged = new Map(keys);
    forged.set(TEST_PROFILE, { ...entry, vkey: { ...entry.vkey, vk_alpha_1: entry.vkey.vk_beta_2[0]! } });
    const result = await verifyBundle(f.bundle, { keys: forged, allowDev: true });
    assert.ok(result.reasons.some((r) => /does not match its manifest/.test(r)), JSON.stringify(result.reasons));
  });

  it("rejects a statement that disagrees with the proved signals", async function () {
    await expectReason(tampered(f.bundle, (b) => { b.statement.newRoot = b.statement.oldRoot; }), /statement.newRoot does not match public signal newRoot/);
    await expectReason(tampered(f.bundle, (b) => { b.statement.deleted[0]!.index += 1; }), /does not hash to the proved deletionDigest/);
    await expectReason(tampered(f.bundle, (b) => { b.statement.deleted.reverse(); }), /not greater than the previous index/);
    await expectReason(tampered(f.bundle, (b) => { b.statement.deleted = []; }), /deleted is empty/);
  });

  it("rejects a proof that does not verify: swapped signals, a changed signal, a moved proof point", async function () {
    await expectReason(tampered(f.bundle, (b) => {
      [b.publicSignals[0], b.publicSignals[1]] = [b.publicSignals[1]!, b.publicSignals[0]!];
      [b.statement.oldRoot, b.statement.newRoot] = [b.statement.newRoot, b.statement.oldRoot];
    }), /Groth16 proof does not verify/);
    await expectReason(tampered(f.bundle, (b) => { b.proof.pi_a = [...b.proof.pi_c]; }), /Groth16 proof does not verify|could not be checked/);
  });

  it("rejects malformed proofs with a reason naming the coordinate", async function () {
    await expectReason(tampered(f.bundle, (b) => { (b.proof as unknown as Record<string, unknown>).pi_b = [["1"], ["1", "2"], ["1", "2"]]; }), /pi_b\[0\] must be a pair/);
    await expectReason(tampered(f.bundle, (b) => { delete (b.proof as unknown as Record<string, unknown>).pi_c; }), /pi_c must be a list of 3/);
    await expectReason(tampered(f.bundle, (b) => { b.proof.pi_a[0] = "x"; }), /pi_a\[0\] is not a canonical base-field coordinate/);
    await expectReason(tampered(f.bundle, (b) => { (b.proof as unknown as Record<string, unknown>).protocol = "plonk"; }), /protocol must be "groth16"/);
    // Only the canonical affine encoding (z = 1): snarkjs would normalise other z, giving one proof many encodings.
    await expectReason(tampered(f.bundle, (b) => { b.proof.pi_a[2] = "2"; }), /bundle\.proof\.pi_a is not in canonical affine form: its z coordinate must be 1/);
    await expectReason(tampered(f.bundle, (b) => { b.proof.pi_c[2] = "0"; }), /bundle\.proof\.pi_c is the point at infinity \(z = 0\)/);
    await expectReason(tampered(f.bundle, (b) => { b.proof.pi_b[2] = ["1", "1"]; }), /bundle\.proof\.pi_b is not in canonical affine form: its z coordinate must be 1/);
  });

  it("loadKeyRing names a truncated or missing key file", async function () {
    const dir = await mkdtemp(join(tmpdir(), "zkf-badkeys-"));
    await copyFile(join(f.keysDir, `${TEST_PROFILE}.manifest.json`), join(dir, `${TEST_PROFILE}.manifest.json`));
    await assert.rejects(loadKeyRing(dir), new RegExp(`cannot read .*${TEST_PROFILE}.vkey.json: ENOENT`));
    await writeFile(join(dir, `${TEST_PROFILE}.vkey.json`), '{"protocol": "groth16", "curve": "bn1');
    await assert.rejects(loadKeyRing(dir), /vkey.json is not valid JSON \(truncated or corrupted\?\)/);
    await assert.rejects(loadKeyRing(join(dir, "nope")), /cannot read key directory/);
  });
});
