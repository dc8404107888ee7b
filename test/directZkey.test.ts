import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as snarkjs from "snarkjs";
import { getProfile } from "../src/circuits/profiles.ts";
import { buildDevZkeyViaSetup, DEFAULT_DEV_SEED, devPtauFileName, devZkeyBeaconParams, ensureDevKey } from "../src/keys/devKeys.ts";
import { writeDirectDevZkey } from "../src/setup/directZkey.ts";
import { blake2b512File } from "../src/setup/fileHash.ts";
import { readR1csInfo } from "../src/setup/r1csInfo.ts";
import { requiredPtauPower } from "../src/setup/ptauInfo.ts";
import { verificationKeyHash } from "../src/verifier/vkeyHash.ts";
import { SISA_TEST_PROFILE } from "./helpers/sisaFixture.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const fixtures = join(root, "test/fixtures/ceremony");

/** Section id → data of a zkey (iden3 container), to name the first section that differs. */
function sections(file: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (let pos = 12; pos < file.length;) {
    const size = Number(file.readBigUInt64LE(pos + 4));
    out.set(file.readUInt32LE(pos), file.subarray(pos + 12, pos + 12 + size));
    pos += 12 + size;
  }
  return out;
}

/** Asserts byte identity, naming the first differing section (1 header … 9 H, 10 contributions). */
async function assertSameZkey(actualPath: string, expectedPath: string): Promise<void> {
  const actual = await readFile(actualPath), expected = await readFile(expectedPath);
  if (actual.equals(expected)) return;
  const a = sections(actual), e = sections(expected);
  const differing = [...e.keys()].filter((id) => !a.get(id)?.equals(e.get(id)!));
  assert.fail(`direct zkey differs from the groth16 setup + beacon zkey in sections ${differing.join(", ")} (sizes ${actual.length} vs ${expected.length})`);
}

describe("direct dev zkey (from the known secrets, without groth16 setup)", function () {
  let dir: string;
  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "zkf-direct-"));
  });
  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  /** The reference route into `dir`: dev ptau, groth16 setup (initial zkey kept), beacon. */
  async function referenceRoute(r1csPath: string, name: string, seed = DEFAULT_DEV_SEED, ptauPath?: string) {
    const ptau = ptauPath ?? join(dir, `${name}.ptau`);
    const zkey = join(dir, `${name}.setup.zkey`);
    const initial = join(dir, `${name}.initial.zkey`);
    await buildDevZkeyViaSetup({ r1csPath, seed, ptauPath: ptau, outFile: zkey, initialOut: initial });
    return { ptau, zkey, initial };
  }

  async function direct(r1csPath: string, name: string, seed = DEFAULT_DEV_SEED): Promise<string> {
    const out = join(dir, `${name}.direct.zkey`);
    await writeDirectDevZkey({ r1csPath, ptauSeed: seed, beacon: devZkeyBeaconParams(seed, await blake2b512File(r1csPath)), outFile: out });
    return out;
  }

  for (const name of ["multiplier", "multiplier_swapped", "square_sum"]) {
    it(`${name} (ceremony fixture): byte-identical to the reference route, and zkey verify accepts it`, async function () {
      await copyFile(join(fixtures, `${name}.circom`), join(dir, `${name}.circom`));
      await run(process.execPath, [join(root, "node_modules/circom2/cli.js"), `${name}.circom`, "--r1cs", "-o", "."], { cwd: dir });
      const r1cs = join(dir, `${name}.r1cs`);
      const reference = await referenceRoute(r1cs, name);
      const zkey = await direct(r1cs, name);
      await assertSameZkey(zkey, reference.zkey);
      assert.equal(await snarkjs.zKey.verifyFromR1cs(r1cs, reference.ptau, zkey), true);
    });
  }

  it("zkey verify refuses a direct key of another seed against the default seed's dev ptau", async function () {
    const r1cs = join(dir, "multiplier.r1cs");
    const other = await direct(r1cs, "multiplier-other-seed", "another seed");
    const quiet = { info: () => {}, debug: () => {}, warn: () => {}, error: () => {} };
    assert.equal(await snarkjs.zKey.verifyFromR1cs(r1cs, join(dir, "multiplier.ptau"), other, quiet), false);
  });

  for (const profile of ["deletion-d8-k2", SISA_TEST_PROFILE]) {
    it(`${profile}: ensureDevKey's key is byte-identical to the reference route, zkey verify accepts it, same vkey as keys/`, async function () {
      const key = await ensureDevKey(getProfile(profile));
      const power = requiredPtauPower(await readR1csInfo(key.circuit.r1csPath));
      // The reference route's dev ptau lives in the shared cache: it is reused across runs.
      const ptau = join(key.circuit.cacheDir, "ptau", devPtauFileName(DEFAULT_DEV_SEED, power));
      const reference = await referenceRoute(key.circuit.r1csPath, profile, DEFAULT_DEV_SEED, ptau);
      await assertSameZkey(key.zkeyPath, reference.zkey);
      assert.equal(await snarkjs.zKey.verifyFromInit(reference.initial, ptau, key.zkeyPath), true);
      const committed = JSON.parse(await readFile(join(root, "keys", `${profile}.vkey.json`), "utf8")) as object;
      assert.equal(key.manifest.vkeyHash, verificationKeyHash(committed), "run `zkforget setup` after changing a circuit");
      assert.deepEqual(key.manifest.ptau, { file: devPtauFileName(DEFAULT_DEV_SEED, power), power });
      assert.equal(key.manifest.security, "insecure-dev");
      assert.equal(key.manifest.zkeyHash, await blake2b512File(reference.zkey));
    });
  }

  it("refuses an r1cs that is not an r1cs, naming the file", async function () {
    const bogus = join(dir, "multiplier.circom");
    await assert.rejects(writeDirectDevZkey({
      r1csPath: bogus, ptauSeed: "s", beacon: devZkeyBeaconParams("s", "00"), outFile: join(dir, "bogus.zkey"),
    }), new RegExp(`${bogus.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not an r1cs file`));
  });
});
