import { strict as assert } from "node:assert";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bn254 } from "@noble/curves/bn254.js";
import { groth16 } from "snarkjs";
import { getProfile } from "../src/circuits/profiles.ts";
import { BASE_FIELD, SNARK_FIELD } from "../src/field.ts";
import { ensureDevKey, publishKey } from "../src/keys/devKeys.ts";
import { proveShardRetrain } from "../src/prover/shardRetrain.ts";
import { groth16Check } from "../src/verifier/groth16.ts";
import { inG2Subgroup } from "../src/verifier/g2Subgroup.ts";
import { decodeProof, type G1Point, type G2Point } from "../src/verifier/proofPoints.ts";
import { loadKeyRing, verifyBundle, type Groth16Proof, type KeyRing, type ProofBundle, type VerificationKey } from "../src/verifier/index.ts";
import { deletionFixture, TEST_PROFILE } from "./helpers/deletionFixture.ts";
import { SISA_TEST_PROFILE, sisaFixture } from "./helpers/sisaFixture.ts";

type Json = string | Json[];

const g1Json = (p: G1Point): [string, string, string] => {
  const { x, y } = p.toAffine();
  return [x.toString(), y.toString(), "1"];
};
const g2Json = (p: G2Point): Groth16Proof["pi_b"] => {
  const { x, y } = p.toAffine();
  return [[x.c0.toString(), x.c1.toString()], [y.c0.toString(), y.c1.toString()], ["1", "0"]];
};

/** A point of the twist curve E'(Fp2) outside the prime-order subgroup (almost every point of E' is). */
function twistPointOutsideSubgroup(): G2Point {
  const { Fp2 } = bn254.fields;
  const { b } = bn254.G2.Point.CURVE();
  for (let i = 1n; ; i++) {
    const x = Fp2.fromBigTuple([i, 1n]);
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b);
    let y;
    try { y = Fp2.sqrt(rhs); } catch { continue; }
    const p = bn254.G2.Point.fromAffine({ x, y });
    if (!p.isTorsionFree()) return p;
  }
}

/** The same G1 point in Jacobian coordinates with z = λ: (x·λ², y·λ³, λ), the encoding snarkjs reads `z` as. */
function jacobianG1([x, y]: string[], lambda: bigint): string[] {
  const m = (v: bigint) => ((v % BASE_FIELD) + BASE_FIELD) % BASE_FIELD;
  return [m(BigInt(x!) * lambda ** 2n), m(BigInt(y!) * lambda ** 3n), lambda].map(String);
}

interface Variant {
  name: string;
  signals: string[];
  proof: Record<string, Json>;
}

/** The tampered variants of one proof: every way the brief names, each applied to every point it can be. */
function variants(signals: string[], proof: Groth16Proof): Variant[] {
  const decoded = decodeProof(proof);
  if (!decoded.ok) throw new Error(decoded.problems.join("; "));
  const { a, b, c } = decoded.value;
  const out: Variant[] = [];
  const withProof = (name: string, edit: Partial<Record<"pi_a" | "pi_b" | "pi_c", Json>>) =>
    out.push({ name, signals, proof: { ...proof, ...edit } as Record<string, Json> });
  signals.forEach((s, i) => {
    const changed = [...signals];
    changed[i] = ((BigInt(s) + 1n) % SNARK_FIELD).toString();
    out.push({ name: `public signal ${i} + 1`, signals: changed, proof: proof as unknown as Record<string, Json> });
  });
  if (signals.length > 1) out.push({ name: "signals 0 and 1 swapped", signals: [signals[1]!, signals[0]!, ...signals.slice(2)], proof: proof as unknown as Record<string, Json> });
  withProof("A doubled", { pi_a: g1Json(a.double()) });
  withProof("B doubled", { pi_b: g2Json(b.double()) });
  withProof("C doubled", { pi_c: g1Json(c.double()) });
  withProof("A and C swapped", { pi_a: proof.pi_c, pi_c: proof.pi_a });
  withProof("−A with B", { pi_a: g1Json(a.negate()) });
  withProof("−A with −B (malleability: still valid)", { pi_a: g1Json(a.negate()), pi_b: g2Json(b.negate()) });
  withProof("−C", { pi_c: g1Json(c.negate()) });
  for (const name of ["pi_a", "pi_c"] as const) {
    withProof(`${name} with z = 2 (x, y unchanged)`, { [name]: [proof[name][0], proof[name][1], "2"] });
    withProof(`${name} at infinity [0, 1, 0]`, { [name]: ["0", "1", "0"] });
    withProof(`${name} off the curve (y + 1)`, { [name]: [proof[name][0], (BigInt(proof[name][1]) + 1n).toString(), "1"] });
  }
  withProof("pi_b with z = [2, 0] (x, y unchanged)", { pi_b: [proof.pi_b[0], proof.pi_b[1], ["2", "0"]] });
  withProof("pi_b at infinity", { pi_b: [["0", "0"], ["1", "0"], ["0", "0"]] });
  withProof("pi_b off the curve", { pi_b: [proof.pi_b[0], [(BigInt(proof.pi_b[1][0]) + 1n).toString(), proof.pi_b[1][1]], ["1", "0"]] });
  withProof("pi_b on the twist but outside the subgroup", { pi_b: g2Json(twistPointOutsideSubgroup()) });
  return out;
}

async function snarkjsVerdict(vkey: VerificationKey, signals: string[], proof: unknown): Promise<boolean> {
  try {
    return await groth16.verify(vkey, signals, proof as Groth16Proof);
  } catch {
    return false;
  }
}

function nobleVerdict(vkey: VerificationKey, signals: string[], proof: unknown): { ok: boolean; problems: string[] } {
  const decoded = decodeProof(proof);
  if (!decoded.ok) return { ok: false, problems: decoded.problems };
  return { ok: groth16Check(vkey, signals.map(BigInt), decoded.value), problems: [] };
}

describe("Groth16 on @noble/curves (cross-checked against snarkjs)", function () {
  const bundles: { name: string; bundle: ProofBundle; keys: KeyRing }[] = [];

  before(async function () {
    const del = await deletionFixture();
    bundles.push({ name: `${TEST_PROFILE} deletion`, bundle: del.bundle, keys: del.keys });
    // A second statement with another key and another signal count: a SISA genesis training proof.
    const fx = await sisaFixture();
    const key = await ensureDevKey(getProfile(SISA_TEST_PROFILE));
    const dir = await mkdtemp(join(tmpdir(), "zkf-g16-keys-"));
    await publishKey(key, dir);
    const { bundle } = await proveShardRetrain({ config: fx.config, dataset: fx.dataset, models: fx.emptyModels }, 0, [], { profile: SISA_TEST_PROFILE, key });
    bundles.push({ name: `${SISA_TEST_PROFILE} genesis`, bundle, keys: await loadKeyRing(dir) });
  });

  it("agrees with snarkjs on every fixture bundle, and each verifies", async function () {
    assert.ok(bundles.length >= 2);
    for (const { name, bundle, keys } of bundles) {
      const vkey = keys.get(bundle.profile)!.vkey;
      assert.equal(nobleVerdict(vkey, bundle.publicSignals, bundle.proof).ok, true, name);
      assert.equal(await snarkjsVerdict(vkey, bundle.publicSignals, bundle.proof), true, name);
      assert.deepEqual((await verifyBundle(bundle, { keys, allowDev: true })).reasons, [], name);
    }
  });

  it("agrees with snarkjs on every tampered variant of every bundle", async function () {
    for (const { name, bundle, keys } of bundles) {
      const vkey = keys.get(bundle.profile)!.vkey;
      for (const v of variants(bundle.publicSignals, bundle.proof)) {
        const noble = nobleVerdict(vkey, v.signals, v.proof);
        const snark = await snarkjsVerdict(vkey, v.signals, v.proof);
        assert.equal(noble.ok, snark, `${name}, ${v.name}: noble ${noble.ok} (${noble.problems.join("; ")}), snarkjs ${snark}`);
        assert.equal(noble.ok, v.name.includes("still valid"), `${name}, ${v.name}`);
      }
    }
  });

  it("gives each bad point its own reason", async function () {
    const { bundle, keys } = bundles[0]!;
    const expectations: [string, RegExp][] = [
      ["pi_a with z = 2 (x, y unchanged)", /bundle\.proof\.pi_a is not in canonical affine form: its z coordinate must be 1/],
      ["pi_b with z = [2, 0] (x, y unchanged)", /bundle\.proof\.pi_b is not in canonical affine form/],
      ["pi_c at infinity [0, 1, 0]", /bundle\.proof\.pi_c is the point at infinity \(z = 0\)/],
      ["pi_b at infinity", /bundle\.proof\.pi_b is the point at infinity/],
      ["pi_a off the curve (y + 1)", /bundle\.proof\.pi_a is not on the curve/],
      ["pi_b off the curve", /bundle\.proof\.pi_b is not on the curve/],
      ["pi_b on the twist but outside the subgroup", /bundle\.proof\.pi_b is not in the prime-order subgroup/],
    ];
    const all = variants(bundle.publicSignals, bundle.proof);
    for (const [name, pattern] of expectations) {
      const v = all.find((x) => x.name === name)!;
      const result = await verifyBundle({ ...bundle, proof: v.proof }, { keys, allowDev: true });
      assert.equal(result.valid, false, name);
      assert.ok(result.reasons.some((r) => pattern.test(r)), `${name}: ${JSON.stringify(result.reasons)}`);
    }
    const zeroes = await verifyBundle({ ...bundle, proof: { ...bundle.proof, pi_a: ["0", "0", "1"] } }, { keys, allowDev: true });
    assert.ok(zeroes.reasons.some((r) => /pi_a is the point at infinity \(encoded as x = y = 0\)/.test(r)), JSON.stringify(zeroes.reasons));
    const leadingZero = await verifyBundle({ ...bundle, proof: { ...bundle.proof, pi_c: [`0${bundle.proof.pi_c[0]}`, bundle.proof.pi_c[1], "1"] } }, { keys, allowDev: true });
    assert.ok(leadingZero.reasons.some((r) => /pi_c\[0\] is not a canonical base-field coordinate/.test(r)), JSON.stringify(leadingZero.reasons));
    const tooBig = await verifyBundle({ ...bundle, proof: { ...bundle.proof, pi_a: [(BigInt(bundle.proof.pi_a[0]) + BASE_FIELD).toString(), bundle.proof.pi_a[1], "1"] } }, { keys, allowDev: true });
    assert.ok(tooBig.reasons.some((r) => /pi_a\[0\] is not a canonical base-field coordinate: .*≥ the base-field prime p/.test(r)), JSON.stringify(tooBig.reasons));
  });

  it("refuses a projective re-encoding of a valid proof, which stock snarkjs accepts", async function () {
    // The bug issue 12 names: snarkjs reads z projectively, so (x·λ², y·λ³, λ) passes as the same point.
    const { bundle, keys } = bundles[0]!;
    const vkey = keys.get(bundle.profile)!.vkey;
    const reencoded = { ...bundle.proof, pi_a: jacobianG1(bundle.proof.pi_a, 5n) };
    assert.equal(await snarkjsVerdict(vkey, bundle.publicSignals, reencoded), true, "snarkjs reads z as a Jacobian coordinate");
    const result = await verifyBundle({ ...bundle, proof: reencoded }, { keys, allowDev: true });
    assert.equal(result.valid, false);
    assert.deepEqual(result.reasons, ["bundle.proof.pi_a is not in canonical affine form: its z coordinate must be 1"]);
  });

  it("accepts (−A, −B, C) too: a proof is not unique, so proof bytes are no identity", async function () {
    const { bundle, keys } = bundles[0]!;
    const v = variants(bundle.publicSignals, bundle.proof).find((x) => x.name.includes("still valid"))!;
    assert.notDeepEqual(v.proof, bundle.proof);
    assert.equal((await verifyBundle({ ...bundle, proof: v.proof }, { keys, allowDev: true })).valid, true);
  });

  it("tests G2 subgroup membership as noble's isTorsionFree does, on points in and outside the subgroup", function () {
    const { Fp2, Fr } = bn254.fields;
    const { b } = bn254.G2.Point.CURVE();
    let outside = 0, cofactorOnly = 0;
    for (let i = 1n; i <= 40n; i++) {
      // Subgroup points: multiples of the generator, which both tests must accept.
      const inside = bn254.G2.Point.BASE.multiplyUnsafe(i * 0x9e3779b97f4a7c15n + 1n);
      assert.equal(inG2Subgroup(inside), true, `[${i}]G refused`);
      const x = Fp2.fromBigTuple([i * 7919n + 3n, i * 104729n]);
      let y;
      try { y = Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), b)); } catch { continue; }
      const p = bn254.G2.Point.fromAffine({ x, y });
      assert.equal(inG2Subgroup(p), p.isTorsionFree(), `twist point ${i}`);
      if (!p.isTorsionFree()) outside++;
      // [r]P has no G2 component left: a point of cofactor order only.
      const q = p.multiplyUnsafe(Fr.ORDER - 1n).add(p);
      if (!q.is0()) {
        assert.equal(inG2Subgroup(q), false, `[r]P of twist point ${i}`);
        assert.equal(q.isTorsionFree(), false);
        cofactorOnly++;
      }
    }
    assert.ok(outside >= 10 && cofactorOnly >= 10, `too few points outside the subgroup tried (${outside}, ${cofactorOnly})`);
  });
});
