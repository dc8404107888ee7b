import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getCurveFromName, type BnCurve } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { getProfile } from "../src/circuits/profiles.ts";
import { ensureDevKey } from "../src/keys/devKeys.ts";
import { verificationKeyHash } from "../src/verifier/vkeyHash.ts";
import { devBeaconHash, devContributionName, generateDevPtau } from "../src/setup/devPtau.ts";
import { releaseCurve } from "../src/setup/curve.ts";

/** Reads `count` affine points of `section` (ptau layout: 12-byte section headers after a 12-byte file header). */
async function sectionPoints(file: Uint8Array, sectionId: number): Promise<Uint8Array> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let pos = 12;
  while (pos < file.byteLength) {
    const id = view.getUint32(pos, true);
    const size = Number(view.getBigUint64(pos + 4, true));
    if (id === sectionId) return file.subarray(pos + 12, pos + 12 + size);
    pos += 12 + size;
  }
  throw new Error(`section ${sectionId} not found`);
}

describe("dev powers of tau", function () {
  const power = 5;
  let dir: string;
  let devFile: string;
  let curve: BnCurve;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "zkf-ptau-"));
    devFile = join(dir, "dev.ptau");
    await generateDevPtau({ power, seed: "test-seed", outFile: devFile });
    curve = await getCurveFromName("bn128");
  });
  after(async function () {
    await releaseCurve();
    await rm(dir, { recursive: true, force: true });
  });

  it("is byte-identical to snarkjs powersoftau new + beacon + prepare phase2 with the same beacon", async function () {
    const s0 = join(dir, "s0.ptau"), s1 = join(dir, "s1.ptau"), s2 = join(dir, "s2.ptau");
    await snarkjs.powersOfTau.newAccumulator(curve, power, s0);
    await snarkjs.powersOfTau.beacon(s0, s1, devContributionName("test-seed"), Buffer.from(devBeaconHash("test-seed")).toString("hex"), 10);
    await snarkjs.powersOfTau.preparePhase2(s1, s2);
    const digest = async (f: string) => createHash("sha256").update(await readFile(f)).digest("hex");
    assert.equal(await digest(devFile), await digest(s2));
  });

  it("passes snarkjs powersoftau verify (a beacon contribution that re-derives from the seed)", async function () {
    assert.equal(await snarkjs.powersOfTau.verify(devFile), true);
  });

  it("has consistent sections: pairing checks at random positions", async function () {
    const file = new Uint8Array(await readFile(devFile));
    const G1 = curve.G1, G2 = curve.G2;
    const g1 = (buf: Uint8Array, i: number) => G1.fromRprLEM(buf, i * 64);
    const g2 = (buf: Uint8Array, i: number) => G2.fromRprLEM(buf, i * 128);
    const tauG1 = await sectionPoints(file, 2), tauG2 = await sectionPoints(file, 3);
    const alphaTauG1 = await sectionPoints(file, 4), betaTauG1 = await sectionPoints(file, 5);
    const betaG2 = g2(await sectionPoints(file, 6), 0);
    const lagG1 = await sectionPoints(file, 12), lagG2 = await sectionPoints(file, 13);
    const lagBeta = await sectionPoints(file, 15);
    const n = 2 ** power;
    const rnd = (m: number) => Math.floor(Math.random() * m);
    for (let k = 0; k < 4; k++) {
      const i = rnd(2 * n - 2);
      // tau^(i+1)·G1 ⊗ G2 == tau^i·G1 ⊗ tau·G2
      assert.ok(await curve.pairingEq(g1(tauG1, i + 1), G2.g, G1.neg(g1(tauG1, i)), g2(tauG2, 1)), `tauG1 ${i}`);
      const j = rnd(n - 1);
      assert.ok(await curve.pairingEq(g1(tauG1, j), g2(tauG2, 1), G1.neg(G1.g), g2(tauG2, j + 1)), `tauG2 ${j}`);
      // alpha·tau^j chain and beta·tau^j against betaG2
      assert.ok(await curve.pairingEq(g1(alphaTauG1, j + 1), G2.g, G1.neg(g1(alphaTauG1, j)), g2(tauG2, 1)), `alphaTau ${j}`);
      assert.ok(await curve.pairingEq(g1(betaTauG1, j), G2.g, G1.neg(g1(tauG1, j)), betaG2), `betaTau ${j}`);
      // Lagrange sections at power p start at offset 2^p - 1: G1 and G2 agree, beta section = beta × G1 section.
      const p = 1 + rnd(power);
      const off = 2 ** p - 1 + rnd(2 ** p);
      assert.ok(await curve.pairingEq(g1(lagG1, off), G2.g, G1.neg(G1.g), g2(lagG2, off)), `lagrange ${off}`);
      assert.ok(await curve.pairingEq(g1(lagBeta, off), G2.g, G1.neg(g1(lagG1, off)), betaG2), `beta lagrange ${off}`);
    }
    // The Lagrange basis sums to 1 at tau, so each power's G1 points sum to the generator.
    for (let p = 0; p <= power; p++) {
      let sum = G1.zero;
      for (let i = 0; i < 2 ** p; i++) sum = G1.add(sum, g1(lagG1, 2 ** p - 1 + i));
      assert.ok(G1.eq(sum, G1.g), `lagrange sum at 2^${p}`);
    }
  });

  it("is reproducible: the same seed gives the same file, another seed a different one", async function () {
    const again = join(dir, "again.ptau"), other = join(dir, "other.ptau");
    await generateDevPtau({ power: 3, seed: "test-seed", outFile: again });
    const first = join(dir, "first.ptau");
    await generateDevPtau({ power: 3, seed: "test-seed", outFile: first });
    await generateDevPtau({ power: 3, seed: "another seed", outFile: other });
    assert.deepEqual(await readFile(again), await readFile(first));
    assert.notDeepEqual(await readFile(other), await readFile(first));
  });

  it("rejects a power outside 1..24", async function () {
    await assert.rejects(generateDevPtau({ power: 0, seed: "s", outFile: join(dir, "x.ptau") }), /power must be an integer in \[1, 24\]/);
    await assert.rejects(generateDevPtau({ power: 25, seed: "s", outFile: join(dir, "x.ptau") }), /power/);
  });
});

describe("dev keys", function () {
  it("are reproducible: rebuilding the test profile's key gives the committed keys/ verification key", async function () {
    const key = await ensureDevKey(getProfile("deletion-d8-k2"));
    const committed = JSON.parse(await readFile("keys/deletion-d8-k2.vkey.json", "utf8")) as object;
    assert.equal(key.manifest.vkeyHash, verificationKeyHash(committed), "run `zkforget setup --all` after changing a circuit");
    assert.equal(key.manifest.security, "insecure-dev");
    assert.equal(key.manifest.contributions.at(-1)?.type, "beacon");
  });
});
