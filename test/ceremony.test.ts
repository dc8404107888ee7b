import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { blake2b } from "@noble/hashes/blake2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { getCurveFromName } from "ffjavascript";
import * as snarkjs from "snarkjs";
import type { KeyManifest } from "../src/keys/manifest.ts";
import {
  ceremonyBeacon,
  ceremonyContribute,
  ceremonyExport,
  ceremonyInit,
  ceremonyVerify,
  type CeremonyLog,
} from "../src/setup/ceremony.ts";
import { releaseCurve } from "../src/setup/curve.ts";
import { blake2b512File } from "../src/setup/fileHash.ts";
import { checkHermezPtau, HERMEZ_PTAU_BLAKE2B, hermezPowerFromFileName, hermezPtauFileName } from "../src/setup/hermez.ts";
import { readPtauInfo, requiredPtauPower } from "../src/setup/ptauInfo.ts";
import { readZkeyInfo } from "../src/setup/zkeyInfo.ts";
import { verificationKeyHash } from "../src/verifier/vkeyHash.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const circomCli = join(root, "node_modules/circom2/cli.js");
const fixtures = join(root, "test/fixtures/ceremony");

/** A logger that keeps the lines, so tests can check what a user would read. */
function recorder(): CeremonyLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m) };
}

/** Compile a fixture with circom2, which (under WASI) only sees paths below its cwd. */
async function compile(dir: string, name: string): Promise<{ r1cs: string; wasm: string }> {
  await copyFile(join(fixtures, `${name}.circom`), join(dir, `${name}.circom`));
  await run(process.execPath, [circomCli, `${name}.circom`, "--r1cs", "--wasm", "-o", "."], { cwd: dir });
  return { r1cs: join(dir, `${name}.r1cs`), wasm: join(dir, `${name}_js`, `${name}.wasm`) };
}

/** A ptau made by snarkjs's own route; `prepare: false` stops before phase-2 preparation. */
async function makePtau(dir: string, power: number, prepare = true): Promise<string> {
  const curve = await getCurveFromName("bn128");
  const p0 = join(dir, `pot${power}_0.ptau`);
  const p1 = join(dir, `pot${power}_1.ptau`);
  const p2 = join(dir, `pot${power}_beacon.ptau`);
  const final = join(dir, `pot${power}_final.ptau`);
  await snarkjs.powersOfTau.newAccumulator(curve, power, p0);
  await snarkjs.powersOfTau.contribute(p0, p1, "test contribution", "some test entropy");
  await snarkjs.powersOfTau.beacon(p1, p2, "test beacon", "0102030405060708090a0b0c0d0e0f10", 10);
  if (!prepare) return p2;
  await snarkjs.powersOfTau.preparePhase2(p2, final);
  return final;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const BEACON = "0x5e1ec7ab1e5eed0fba5eba11c0ffee00deadbeef0123456789abcdef01234567";

describe("phase-2 ceremony", function () {
  let dir: string;
  let circuit: { r1cs: string; wasm: string };
  let swapped: { r1cs: string; wasm: string };
  let squareSum: { r1cs: string; wasm: string };
  let ptau: string; // prepared, power 4
  let ptauSmall: string; // prepared, power 2: too small for the multiplier (needs 3)
  let ptauUnprepared: string;
  const zkey = (name: string): string => join(dir, `${name}.zkey`);
  const contributions: { type: string; name: string; hash: string }[] = [];

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "zkforget-ceremony-"));
    circuit = await compile(dir, "multiplier");
    swapped = await compile(dir, "multiplier_swapped");
    squareSum = await compile(dir, "square_sum");
    ptau = await makePtau(dir, 4);
    ptauSmall = await makePtau(dir, 2);
    ptauUnprepared = await makePtau(dir, 3, false);
  });

  after(async function () {
    await releaseCurve();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("init checks the ptau, reports its blake2b-512 hash and writes the initial zkey", async function () {
    const log = recorder();
    const res = await ceremonyInit({ r1csPath: circuit.r1cs, ptauPath: ptau, zkeyOut: zkey("c0"), log });
    const expected = bytesToHex(blake2b(await readFile(ptau), { dkLen: 64 }));
    assert.equal(res.ptau.hash, expected);
    assert.equal(res.ptau.power, 4);
    assert.equal(res.ptau.hermez.status, "not-hermez");
    assert.equal(res.constraints, 2);
    assert.equal(res.nPublic, 2);
    assert.equal(res.requiredPower, 3);
    assert.match(res.circuitHash, /^[0-9a-f]{128}$/);
    assert.ok(log.lines.some((l) => l.includes(expected)), "the hash is printed");
    assert.ok(log.lines.some((l) => l.includes("not named like a published Hermez ptau")));
    const info = await readZkeyInfo(zkey("c0"));
    assert.deepEqual(info.contributions, []);
    assert.equal(info.circuitHash, res.circuitHash);
  });

  it("init refuses to overwrite an existing zkey", async function () {
    await assert.rejects(
      ceremonyInit({ r1csPath: circuit.r1cs, ptauPath: ptau, zkeyOut: zkey("c0") }),
      /c0\.zkey already exists; refusing to overwrite/,
    );
  });

  it("contribute twice with names: OS entropy, hashes match what the zkey records", async function () {
    const alice = await ceremonyContribute({ zkeyIn: zkey("c0"), zkeyOut: zkey("c1"), name: "alice" });
    const bob = await ceremonyContribute({ zkeyIn: zkey("c1"), zkeyOut: zkey("c2"), name: "bob" });
    assert.equal(alice.type, "contribution");
    assert.equal(bob.name, "bob");
    assert.match(alice.hash, /^[0-9a-f]{128}$/);
    assert.notEqual(alice.hash, bob.hash);
    // Our own section-10 reader computes the same hashes snarkjs returned.
    const info = await readZkeyInfo(zkey("c2"));
    assert.deepEqual(info.contributions, [alice, bob]);
    contributions.push(alice, bob);
  });

  it("beacon rejects bad parameters before reading any file", async function () {
    const base = { zkeyIn: join(dir, "does-not-exist.zkey"), zkeyOut: zkey("never") };
    await assert.rejects(ceremonyBeacon({ ...base, beaconHex: "abc", iterationsExp: 10 }), /odd number of hex digits/);
    await assert.rejects(ceremonyBeacon({ ...base, beaconHex: "zz", iterationsExp: 10 }), /not hexadecimal/);
    await assert.rejects(ceremonyBeacon({ ...base, beaconHex: "", iterationsExp: 10 }), /empty/);
    await assert.rejects(ceremonyBeacon({ ...base, beaconHex: "ab".repeat(256), iterationsExp: 10 }), /at most 255/);
    await assert.rejects(ceremonyBeacon({ ...base, beaconHex: "abcd", iterationsExp: 9 }), /from 10 to 63.*got 9/);
    await assert.rejects(ceremonyBeacon({ ...base, beaconHex: "abcd", iterationsExp: 64 }), /got 64/);
    await assert.rejects(ceremonyContribute({ zkeyIn: zkey("c2"), zkeyOut: zkey("never"), name: "x".repeat(65) }), /at most 64/);
  });

  it("beacon closes the ceremony", async function () {
    const b = await ceremonyBeacon({ zkeyIn: zkey("c2"), zkeyOut: zkey("final"), beaconHex: BEACON, iterationsExp: 10, name: "final beacon" });
    assert.equal(b.type, "beacon");
    assert.deepEqual(b.beacon, { value: BEACON.slice(2), iterationsExp: 10 });
    const info = await readZkeyInfo(zkey("final"));
    assert.deepEqual(info.contributions.at(-1), b);
    contributions.push(b);
  });

  it("verify accepts the final zkey and lists the 3 contributions", async function () {
    const log = recorder();
    const res = await ceremonyVerify({ r1csPath: circuit.r1cs, ptauPath: ptau, zkeyPath: zkey("final"), log });
    assert.equal(res.valid, true);
    assert.deepEqual(res.problems, []);
    assert.deepEqual(
      res.contributions.map((c) => [c.type, c.name, c.hash]),
      contributions.map((c) => [c.type, c.name, c.hash]),
    );
    assert.deepEqual(res.contributions.map((c) => c.name), ["alice", "bob", "final beacon"]);
    assert.ok(log.lines.some((l) => l.includes("VALID")));
    assert.ok(log.lines.some((l) => l.includes(contributions[0]!.hash)));
  });

  it("export writes the verification key and a ceremony manifest; a proof made with the key verifies", async function () {
    const keysDir = join(dir, "keys");
    const res = await ceremonyExport({
      r1csPath: circuit.r1cs,
      ptauPath: ptau,
      zkeyPath: zkey("final"),
      profile: "tiny",
      circuitHash: "ABCDEF0123",
      template: "Multiplier3",
      params: [],
      publicSignals: ["d", "a"],
      keysDir,
    });
    assert.equal(res.vkeyPath, join(keysDir, "tiny.vkey.json"));
    const manifest = JSON.parse(await readFile(res.manifestPath, "utf8")) as KeyManifest;
    const vkey = JSON.parse(await readFile(res.vkeyPath, "utf8")) as snarkjs.VerificationKey;
    assert.deepEqual(manifest, res.manifest);
    assert.equal(manifest.version, 1);
    assert.equal(manifest.profile, "tiny");
    assert.equal(manifest.security, "ceremony");
    assert.equal(manifest.template, "Multiplier3");
    assert.deepEqual(manifest.publicSignals, ["d", "a"]);
    assert.equal(manifest.constraints, 2);
    assert.equal(manifest.circuitHash, "abcdef0123");
    assert.equal(manifest.r1csHash, bytesToHex(blake2b(await readFile(circuit.r1cs), { dkLen: 64 })));
    assert.equal(manifest.zkeyHash, bytesToHex(blake2b(await readFile(zkey("final")), { dkLen: 64 })));
    assert.deepEqual(manifest.ptau, { file: "pot4_final.ptau", power: 4, hash: bytesToHex(blake2b(await readFile(ptau), { dkLen: 64 })) });
    assert.deepEqual(manifest.contributions, contributions);
    assert.equal(manifest.vkeyHash, verificationKeyHash(vkey));
    assert.equal(manifest.devSeed, undefined);
    assert.ok(Math.abs(Date.parse(manifest.createdAt ?? "") - Date.now()) < 600_000);
    assert.equal(vkey.nPublic, 2);

    const { proof, publicSignals } = await snarkjs.groth16.fullProve({ a: 3, b: 4, c: 5 }, circuit.wasm, zkey("final"));
    assert.deepEqual(publicSignals, ["60", "3"]);
    assert.equal(await snarkjs.groth16.verify(vkey, publicSignals, proof), true);
    assert.equal(await snarkjs.groth16.verify(vkey, ["61", "3"], proof), false);

    await assert.rejects(
      ceremonyExport({
        r1csPath: circuit.r1cs, ptauPath: ptau, zkeyPath: zkey("final"), profile: "tiny", circuitHash: "ab",
        template: "Multiplier3", params: [], publicSignals: ["d", "a"], keysDir,
      }),
      /tiny\.vkey\.json already exists/,
    );
  });

  it("export refuses a zkey without a secret contribution, or not closed by a beacon", async function () {
    const common = {
      r1csPath: circuit.r1cs, ptauPath: ptau, circuitHash: "00", template: "Multiplier3", params: [],
      publicSignals: ["d", "a"], keysDir: join(dir, "keys-refused"),
    };
    await assert.rejects(ceremonyExport({ ...common, zkeyPath: zkey("c0"), profile: "p0" }), /no secret contribution/);
    await assert.rejects(ceremonyExport({ ...common, zkeyPath: zkey("c2"), profile: "p2" }), /not closed with a beacon/);
    await assert.rejects(ceremonyExport({ ...common, zkeyPath: zkey("final"), profile: "p3", publicSignals: ["d"] }), /has 2 public signals, but 1/);
    await assert.rejects(ceremonyExport({ ...common, zkeyPath: zkey("final"), profile: "../escape" }), /profile name/);
    assert.equal(await exists(join(dir, "keys-refused", "p0.manifest.json")), false);
    const ok = await ceremonyExport({ ...common, zkeyPath: zkey("c2"), profile: "p2", allowNoBeacon: true });
    assert.equal(ok.manifest.contributions.length, 2);
  });

  it("init rejects a too-small ptau and names the power needed", async function () {
    assert.equal(requiredPtauPower({ nConstraints: 2, nPubInputs: 1, nOutputs: 1 }), 3);
    await assert.rejects(
      ceremonyInit({ r1csPath: circuit.r1cs, ptauPath: ptauSmall, zkeyOut: zkey("small") }),
      (err: Error) => {
        assert.match(err.message, /pot2_final\.ptau is too small for .*multiplier\.r1cs/);
        assert.match(err.message, /needs a ptau of power 3/);
        assert.match(err.message, /this file has power 2/);
        return true;
      },
    );
    assert.equal(await exists(zkey("small")), false);
  });

  it("init rejects an unprepared ptau and says how to prepare it", async function () {
    assert.equal((await readPtauInfo(ptauUnprepared)).prepared, false);
    await assert.rejects(
      ceremonyInit({ r1csPath: circuit.r1cs, ptauPath: ptauUnprepared, zkeyOut: zkey("unprepared") }),
      /not prepared for phase 2.*snarkjs powersoftau prepare phase2/,
    );
  });

  it("rejects files of the wrong kind, missing files and truncated files with clear errors", async function () {
    await assert.rejects(
      ceremonyInit({ r1csPath: circuit.r1cs, ptauPath: circuit.r1cs, zkeyOut: zkey("x") }),
      /multiplier\.r1cs is not a ptau file: it is a r1cs file, a ptau file starts with "ptau"/,
    );
    const text = join(dir, "notes.ptau");
    await writeFile(text, "hello, this is not a powers of tau file\n");
    await assert.rejects(readPtauInfo(text), /notes\.ptau is not a ptau file: it starts with "hell"/);
    await assert.rejects(
      ceremonyInit({ r1csPath: join(dir, "missing.r1cs"), ptauPath: ptau, zkeyOut: zkey("x") }),
      /r1cs file not found: .*missing\.r1cs/,
    );
    const cut = zkey("truncated");
    await copyFile(zkey("c1"), cut);
    await truncate(cut, Math.floor((await stat(cut)).size / 2));
    await assert.rejects(ceremonyContribute({ zkeyIn: cut, zkeyOut: zkey("x") }), /truncated\.zkey is truncated: section \d+ needs/);
    await assert.rejects(ceremonyVerify({ r1csPath: circuit.r1cs, ptauPath: ptau, zkeyPath: cut }), /truncated\.zkey is truncated/);
    await assert.rejects(ceremonyContribute({ zkeyIn: ptau, zkeyOut: zkey("x") }), /pot4_final\.ptau is not a zkey file: it is a ptau file/);
    assert.equal(await exists(zkey("x")), false);
  });

  it("verify rejects a zkey made for another circuit", async function () {
    // Same shape (variables, public signals, domain): only snarkjs's full check can tell.
    await ceremonyInit({ r1csPath: swapped.r1cs, ptauPath: ptau, zkeyOut: zkey("swapped0") });
    await ceremonyContribute({ zkeyIn: zkey("swapped0"), zkeyOut: zkey("swapped1"), name: "mallory" });
    const res = await ceremonyVerify({ r1csPath: circuit.r1cs, ptauPath: ptau, zkeyPath: zkey("swapped1") });
    assert.equal(res.valid, false);
    assert.ok(res.problems.some((p) => /Circuit does not match/.test(p)), res.problems.join("; "));
    assert.deepEqual(res.contributions.map((c) => c.name), ["mallory"]);
    // And its own circuit accepts it, so the rejection is about the circuit.
    assert.equal((await ceremonyVerify({ r1csPath: swapped.r1cs, ptauPath: ptau, zkeyPath: zkey("swapped1") })).valid, true);

    // A different shape is caught before snarkjs runs.
    await ceremonyInit({ r1csPath: squareSum.r1cs, ptauPath: ptau, zkeyOut: zkey("square0") });
    const shape = await ceremonyVerify({ r1csPath: circuit.r1cs, ptauPath: ptau, zkeyPath: zkey("square0") });
    assert.equal(shape.valid, false);
    assert.match(shape.problems[0]!, /different circuit/);

    await assert.rejects(
      ceremonyExport({
        r1csPath: circuit.r1cs, ptauPath: ptau, zkeyPath: zkey("swapped1"), profile: "bad", circuitHash: "00",
        template: "Multiplier3", params: [], publicSignals: ["d", "a"], keysDir: join(dir, "keys-bad"),
      }),
      /refusing to export .*swapped1\.zkey: it does not verify/,
    );
  });

  it("checks Hermez-named ptau files against the published hashes", async function () {
    assert.equal(Object.keys(HERMEZ_PTAU_BLAKE2B).length, 21);
    for (const [power, hash] of Object.entries(HERMEZ_PTAU_BLAKE2B)) {
      assert.match(hash, /^[0-9a-f]{128}$/, `power ${power}`);
    }
    assert.equal(hermezPtauFileName(8), "powersOfTau28_hez_final_08.ptau");
    assert.equal(hermezPtauFileName(28), "powersOfTau28_hez_final.ptau");
    assert.equal(hermezPowerFromFileName("/x/powersOfTau28_hez_final_17.ptau"), 17);
    assert.equal(hermezPowerFromFileName("powersOfTau28_hez_final.ptau"), 28);
    assert.equal(hermezPowerFromFileName("pot17_final.ptau"), undefined);
    assert.deepEqual(checkHermezPtau("powersOfTau28_hez_final_08.ptau", HERMEZ_PTAU_BLAKE2B[8]!.toUpperCase()), { status: "match", power: 8 });
    assert.deepEqual(checkHermezPtau("powersOfTau28_hez_final_05.ptau", "00"), { status: "unpublished", power: 5 });

    // A file named like the published 2^8 file but with other content is flagged and refused.
    const fake = join(dir, "hez", "powersOfTau28_hez_final_08.ptau");
    await mkdir(join(dir, "hez"), { recursive: true });
    await copyFile(ptau, fake);
    const hash = await blake2b512File(fake);
    const check = checkHermezPtau(fake, hash);
    assert.equal(check.status, "mismatch");
    await assert.rejects(
      ceremonyInit({ r1csPath: circuit.r1cs, ptauPath: fake, zkeyOut: zkey("hez") }),
      (err: Error) => {
        assert.match(err.message, /powersOfTau28_hez_final_08\.ptau does NOT match the published Hermez hash for power 8/);
        assert.ok(err.message.includes(HERMEZ_PTAU_BLAKE2B[8]!) && err.message.includes(hash));
        return true;
      },
    );
    assert.equal(await exists(zkey("hez")), false);
  });
});
