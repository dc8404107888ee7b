import assert from "node:assert/strict";
import { poseidon1, poseidon2, poseidon3 } from "poseidon-lite";
import { SNARK_FIELD } from "../src/field.ts";
import { getPoseidon, type PoseidonHasher } from "../src/crypto/poseidon.ts";
import {
  FIXED_POINT,
  FixedPointError,
  MAX_ABS_ENCODED,
  MAX_ABS_VALUE,
  SCALE,
  decodeFixed,
  encodeFixed,
  fromFieldSigned,
  toFieldSigned,
} from "../src/encoding/fixedPoint.ts";
import { encodeRecord } from "../src/encoding/records.ts";
import { EMPTY_LEAF, leafHash, randomSalt, recordFieldElements, recordHash } from "../src/dataset/leaf.ts";

describe("fixed point", () => {
  it("documents its parameters in FIXED_POINT", () => {
    assert.deepEqual(FIXED_POINT, { fractionBits: 16, scale: 65536n, maxAbsValue: 32768, maxAbsEncoded: 2n ** 31n });
    assert.ok(Object.isFrozen(FIXED_POINT));
    assert.equal(SCALE, 1n << 16n);
    assert.equal(MAX_ABS_ENCODED, 2n ** 31n);
  });

  it("encodes exact values exactly and round-trips them", () => {
    for (const x of [0, 1, -1, 0.5, -0.5, 0.25, 1.75, -3.125, 1234.5, 2 ** -16, -(2 ** -16), 32767.5]) {
      const v = encodeFixed(x);
      assert.equal(v, BigInt(x * 65536));
      assert.equal(decodeFixed(v), x);
    }
    assert.equal(encodeFixed(-0), 0n);
  });

  it("rounds to the nearest multiple of 2^-16, ties away from zero", () => {
    const ulp = 2 ** -16;
    assert.equal(encodeFixed(0.5 * ulp), 1n);
    assert.equal(encodeFixed(-0.5 * ulp), -1n);
    assert.equal(encodeFixed(1.5 * ulp), 2n);
    assert.equal(encodeFixed(2.5 * ulp), 3n, "ties go away from zero, not to even");
    assert.equal(encodeFixed(-2.5 * ulp), -3n);
    assert.equal(encodeFixed(0.49 * ulp), 0n);
    assert.equal(encodeFixed(0.51 * ulp), 1n);
    assert.equal(encodeFixed(-0.49 * ulp), 0n);
    assert.equal(encodeFixed(0.1), 6554n); // 6553.6 → 6554
    assert.equal(encodeFixed(-0.1), -6554n);
  });

  it("is symmetric and its error is at most half a step", () => {
    for (let i = 0; i < 500; i++) {
      const x = (Math.random() - 0.5) * 200;
      const v = encodeFixed(x);
      assert.equal(encodeFixed(-x), -v);
      assert.ok(Math.abs(decodeFixed(v) - x) <= 2 ** -17);
    }
  });

  it("accepts exactly ±2^15 and rejects anything beyond", () => {
    assert.equal(encodeFixed(MAX_ABS_VALUE), 2n ** 31n);
    assert.equal(encodeFixed(-MAX_ABS_VALUE), -(2n ** 31n));
    for (const x of [32768.0001, -32768.0001, 32768 + 2 ** -30, 1e300]) {
      assert.throws(() => encodeFixed(x), (e: unknown) => e instanceof FixedPointError && e.problem === "out-of-range" && e.value === x);
    }
  });

  it("rejects NaN and infinities with a typed error", () => {
    for (const x of [NaN, Infinity, -Infinity]) {
      assert.throws(() => encodeFixed(x), (e: unknown) => e instanceof FixedPointError && e.problem === "not-finite" && e instanceof RangeError);
    }
  });

  it("maps negative values to p − |v| and back", () => {
    assert.equal(toFieldSigned(5n), 5n);
    assert.equal(toFieldSigned(0n), 0n);
    assert.equal(toFieldSigned(-1n), SNARK_FIELD - 1n);
    assert.equal(toFieldSigned(-(2n ** 31n)), SNARK_FIELD - 2n ** 31n);
    for (const v of [0n, 1n, -1n, 65536n, -65536n, 2n ** 31n, -(2n ** 31n), encodeFixed(-0.3)]) {
      assert.equal(fromFieldSigned(toFieldSigned(v)), v);
    }
    assert.equal(fromFieldSigned(SNARK_FIELD - 7n), -7n);
    assert.throws(() => fromFieldSigned(SNARK_FIELD), RangeError);
    assert.throws(() => fromFieldSigned(-1n), RangeError);
    assert.throws(() => toFieldSigned(SNARK_FIELD), RangeError);
    assert.throws(() => toFieldSigned(-SNARK_FIELD), RangeError);
  });

  it("encodes records, naming the record when a value is bad", () => {
    assert.deepEqual(encodeRecord({ id: "a", features: [0.5, -2], label: 1 }), { id: "a", features: [32768n, -131072n], label: 65536n });
    assert.throws(() => encodeRecord({ id: "r9", features: [0, NaN], label: 0 }), (e: unknown) => e instanceof FixedPointError && /record "r9", feature 1: value NaN is not a finite number/.test(e.message));
    assert.throws(() => encodeRecord({ id: "r9", features: [0], label: 1e6 }), /record "r9", label: value 1000000 is out of range/);
  });
});

describe("dataset leaves", () => {
  let poseidon: PoseidonHasher;
  before(async () => {
    poseidon = await getPoseidon();
  });

  it("packs [label, ...features] as v + 2^32 in 33-bit slots and hashes the limb like an independent Poseidon", () => {
    const encoded = encodeRecord({ id: "x", features: [0.25, -1.5, 3], label: 1 });
    const slots = [65536n, 16384n, -98304n, 196608n].map((v) => v + 2n ** 32n);
    const limb = slots[0]! + (slots[1]! << 33n) + (slots[2]! << 66n) + (slots[3]! << 99n);
    assert.deepEqual(recordFieldElements(encoded), [limb]);
    assert.equal(recordHash(encoded, poseidon), poseidon1([limb]));
  });

  it("puts 16 features + label (17 values) in 3 limbs of 7, 7 and 3 values: one Poseidon(3)", () => {
    const features = Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? -i / 7 : i / 5));
    const encoded = encodeRecord({ id: "y", features, label: 0 });
    const slots = [0n, ...encoded.features].map((v) => v + 2n ** 32n);
    const pack = (vs: bigint[]): bigint => vs.reduce((acc, v, t) => acc + (v << BigInt(33 * t)), 0n);
    const limbs = [pack(slots.slice(0, 7)), pack(slots.slice(7, 14)), pack(slots.slice(14))];
    assert.deepEqual(recordFieldElements(encoded), limbs);
    assert.ok(limbs.every((l) => l < 2n ** 231n));
    assert.equal(recordHash(encoded, poseidon), poseidon3(limbs));
  });

  it("never packs a shorter record like a longer one (a packed value is never 0)", () => {
    const short = { features: [5n], label: 0n };
    const long = { features: [5n, -(2n ** 31n)], label: 0n };
    assert.notEqual(recordFieldElements(short)[0], recordFieldElements(long)[0]);
    assert.notEqual(recordHash(short, poseidon), recordHash(long, poseidon));
  });

  it("changes when the label and a feature are swapped (order is part of the hash)", () => {
    const a = recordHash({ features: [0n, 1n], label: 2n }, poseidon);
    const b = recordHash({ features: [2n, 1n], label: 0n }, poseidon);
    assert.notEqual(a, b);
  });

  it("refuses values outside the fixed-point bound", () => {
    assert.throws(() => recordHash({ features: [2n ** 31n + 1n], label: 0n }, poseidon), RangeError);
    assert.doesNotThrow(() => recordHash({ features: [-(2n ** 31n)], label: 2n ** 31n }, poseidon));
  });

  it("leaf = Poseidon(recordHash, salt), never 0", () => {
    const rh = recordHash(encodeRecord({ id: "z", features: [1, 2], label: 1 }), poseidon);
    const salt = randomSalt();
    const leaf = leafHash(rh, salt, poseidon);
    assert.equal(leaf, poseidon2([rh, salt]));
    assert.notEqual(leaf, EMPTY_LEAF);
    assert.notEqual(leafHash(rh, randomSalt(), poseidon), leaf, "a fresh salt gives a fresh leaf");
    assert.throws(() => leafHash(SNARK_FIELD, salt, poseidon), RangeError);
    assert.throws(() => leafHash(rh, -1n, poseidon), RangeError);
  });

  it("throws if a leaf comes out as 0 (reserved for empty slots)", () => {
    const zeroHasher: PoseidonHasher = { hash: () => 0n, sponge: () => 0n };
    assert.throws(() => leafHash(1n, 2n, zeroHasher), /empty slot/);
  });

  it("draws salts below the field order, distinct, with no visible bias", () => {
    const salts = Array.from({ length: 2000 }, () => randomSalt());
    assert.equal(new Set(salts).size, salts.length);
    for (const s of salts) assert.ok(s >= 0n && s < SNARK_FIELD);
    // p ≈ 1.512 · 2^253, so a uniform salt is ≥ 2^253 with probability 1 − 2^253/p ≈ 0.339
    // (±0.011 at n = 2000; the bounds below are about ±4.5 standard deviations).
    const high = salts.filter((s) => s >= 1n << 253n).length / salts.length;
    assert.ok(high > 0.29 && high < 0.39, `fraction of salts ≥ 2^253 was ${high}`);
    // Low bit: even/odd close to half.
    const odd = salts.filter((s) => (s & 1n) === 1n).length / salts.length;
    assert.ok(odd > 0.44 && odd < 0.56, `fraction of odd salts was ${odd}`);
  });
});
