import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contractName, solidityCallData } from "../src/cli/commands/exportSolidity.ts";
import { releaseVerifierThreads, type VerificationKey } from "../src/verifier/index.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";

/** Runs the real CLI entry point, as a user would. */
function zkforget(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["bin/zkforget.js", ...args], { encoding: "utf8", timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A Solidity `uint256 constant NAME = VALUE;` of the generated contract. */
function constant(source: string, name: string): string | undefined {
  return new RegExp(`uint256 constant ${name}\\s*=\\s*(\\d+);`).exec(source)?.[1];
}

describe("zkforget export-solidity", function () {
  let f: DeletionFixture;
  let dir: string;
  let bundleFile: string;

  before(async function () {
    f = await deletionFixture(); // also builds the dev key the CLI finds in the cache
    dir = await mkdtemp(join(tmpdir(), "zkf-sol-"));
    bundleFile = join(dir, "0001-deletion.json");
    await writeFile(bundleFile, JSON.stringify(f.bundle));
  });
  after(releaseVerifierThreads);

  it("writes the profile's verifier contract with the key's constants, and the bundle's calldata", async function () {
    const out = join(dir, "out");
    const run = zkforget(["export-solidity", TEST_PROFILE, "--bundle", bundleFile, "--out", out]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await readdir(out)).sort(), ["0001-deletion.calldata.txt", `${TEST_PROFILE}Verifier.sol`]);

    const sol = await readFile(join(out, `${TEST_PROFILE}Verifier.sol`), "utf8");
    assert.match(sol, /^\/\/ SPDX-License-Identifier/);
    assert.match(sol, new RegExp(`contract ${contractName(TEST_PROFILE)} \\{`));
    assert.match(sol, /INSECURE dev key/);
    assert.match(sol, /uint\[3\] calldata _pubSignals/);
    // The constants are the published verification key's (snarkjs writes G2 coordinates swapped).
    const vkey = JSON.parse(await readFile(join(f.keysDir, `${TEST_PROFILE}.vkey.json`), "utf8")) as VerificationKey;
    vkey.IC.forEach((point, i) => {
      assert.equal(constant(sol, `IC${i}x`), point[0], `IC${i}x`);
      assert.equal(constant(sol, `IC${i}y`), point[1], `IC${i}y`);
    });
    assert.equal(constant(sol, `IC${vkey.IC.length}x`), undefined, "no IC point beyond the key's");
    const [[x0, x1], [y0, y1]] = vkey.vk_delta_2 as [[string, string], [string, string]];
    assert.deepEqual(["deltax1", "deltax2", "deltay1", "deltay2"].map((n) => constant(sol, n)), [x1, x0, y1, y0]);
    assert.equal(constant(sol, "alphax"), vkey.vk_alpha_1[0]);

    // verifyProof(pA, pB, pC, pubSignals) arguments, as 0x-hex words.
    const text = await readFile(join(out, "0001-deletion.calldata.txt"), "utf8");
    const [a, b, c, inputs] = JSON.parse(`[${text}]`) as [string[], string[][], string[], string[]];
    const dec = (words: string[]) => words.map((w) => BigInt(w).toString());
    const { proof, publicSignals } = f.bundle;
    assert.deepEqual(dec(a), proof.pi_a.slice(0, 2));
    assert.deepEqual(b.map(dec), [[proof.pi_b[0][1], proof.pi_b[0][0]], [proof.pi_b[1][1], proof.pi_b[1][0]]]);
    assert.deepEqual(dec(c), proof.pi_c.slice(0, 2));
    assert.deepEqual(dec(inputs), publicSignals);
  });

  it("refuses a bundle of another profile with a clear error and writes nothing", async function () {
    const other = join(dir, "other.json");
    await writeFile(other, JSON.stringify({ ...f.bundle, profile: "sisa-d4-s1-f2-e2-k2" }));
    const out = join(dir, "refused");
    const run = zkforget(["export-solidity", TEST_PROFILE, "--bundle", other, "--out", out]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`bundle .*other\\.json is for profile "sisa-d4-s1-f2-e2-k2", not ${TEST_PROFILE}`));
    assert.deepEqual(await readdir(out).catch(() => []), []);
  });

  it("refuses a bundle made for another key, or one that does not verify", async function () {
    await assert.rejects(solidityCallData({ ...f.bundle, vkeyHash: "0".repeat(64) }, f.key),
      new RegExp(`made for verification key "0{64}", but the ${TEST_PROFILE} key here is ${f.key.manifest.vkeyHash}`));
    const forged = { ...f.bundle, publicSignals: [...f.bundle.publicSignals] };
    forged.publicSignals[2] = (BigInt(forged.publicSignals[2]!) + 1n).toString();
    await assert.rejects(solidityCallData(forged, f.key), /does not verify under the deletion-d8-k2 key:\n {2}- bundle\.statement\.deletionDigest does not match/);
  });

  it("has help and usage errors", function () {
    const help = zkforget(["export-solidity", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: zkforget export-solidity PROFILE/);
    assert.equal(zkforget(["export-solidity"]).code, 2);
  });

  it("names contracts after profiles", function () {
    assert.equal(contractName("deletion-d8-k2"), "DeletionD8K2Verifier");
    assert.equal(contractName("sisa-d4-s1-f2-e2-k2"), "SisaD4S1F2E2K2Verifier");
  });
});
