import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCircuit, buildCircuits, circuitHashOf } from "../src/circuits/build.ts";
import { defaultCacheDir, packageRoot } from "../src/circuits/paths.ts";
import { getProfile } from "../src/circuits/profiles.ts";
import { readR1csHeader } from "../src/circuits/r1cs.ts";
import { publicSignalNames, readSym } from "../src/circuits/sym.ts";
import { testProfile } from "./helpers/circuitTester.ts";

describe("buildCircuit", () => {
  let cacheDir: string;
  const tiny = testProfile("PoseidonSponge", "lib/sponge.circom", [1]);

  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), "zkforget-build-test-"));
  });
  afterEach(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it("compiles once, reports progress, then reuses the cached artefacts", async () => {
    const lines: string[] = [];
    const first = await buildCircuit(tiny, { cacheDir, onProgress: (m) => lines.push(m), tickSeconds: 0.2 });
    assert.equal(first.fromCache, false);
    assert.match(lines[0], /^compiling circuit test-poseidonsponge-1 \(PoseidonSponge\(1\)\)/);
    assert.ok(lines.some((l) => /compiling test-poseidonsponge-1: \d+ s/.test(l)), `no elapsed-time tick in ${lines.join(" | ")}`);
    assert.match(lines[lines.length - 1], /^compiled test-poseidonsponge-1: 213 constraints in [\d.]+ s$/);
    assert.equal(first.constraints, (await readR1csHeader(first.r1csPath)).nConstraints);
    assert.equal(first.cacheDir, cacheDir);
    for (const path of [first.r1csPath, first.wasmPath, first.symPath, join(first.dir, "build.json")]) assert.ok(existsSync(path), path);
    assert.equal(first.circuitHash, await circuitHashOf(tiny));
    assert.deepEqual(first.publicSignals, ["out"]);

    lines.length = 0;
    const second = await buildCircuit(tiny, { cacheDir, onProgress: (m) => lines.push(m) });
    assert.equal(second.fromCache, true);
    assert.deepEqual(lines, []);
    assert.deepEqual({ ...second, fromCache: true }, { ...first, fromCache: true });
  });

  it("concurrent builds of one circuit agree and leave no temporary directories", async () => {
    const quiet = { cacheDir, onProgress: () => {} };
    const [a, b] = await Promise.all([buildCircuit(tiny, quiet), buildCircuit(tiny, quiet)]);
    assert.equal(a.dir, b.dir);
    assert.equal(a.constraints, b.constraints);
    assert.deepEqual(await readdir(cacheDir), [a.dir.slice(cacheDir.length + 1)]);
  });

  it("buildCircuits compiles several profiles side by side and returns them in order", async () => {
    const other = testProfile("PoseidonSponge", "lib/sponge.circom", [2]);
    const lines: string[] = [];
    const built = await buildCircuits([other, tiny], { cacheDir, onProgress: (m) => lines.push(m), parallel: 2 });
    assert.deepEqual(built.map((b) => b.profile.name), [other.name, tiny.name]);
    assert.ok(built.every((b) => !b.fromCache && b.constraints > 0));
    // Side by side: the second compile starts before the first one ends.
    const started = lines.findIndex((l) => l.startsWith(`compiling circuit ${tiny.name}`));
    const firstDone = lines.findIndex((l) => l.startsWith(`compiled ${other.name}`));
    assert.ok(started >= 0 && started < firstDone, lines.join(" | "));
    const again = await buildCircuits([tiny, other], { cacheDir, onProgress: () => {} });
    assert.deepEqual(again.map((b) => [b.profile.name, b.fromCache]), [[tiny.name, true], [other.name, true]]);
  });

  it("replaces an incomplete artefact directory (no build.json)", async () => {
    const hash = await circuitHashOf(tiny);
    const dir = join(cacheDir, `${tiny.name}-${hash.slice(0, 16)}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "junk"), "half-written");
    const built = await buildCircuit(tiny, { cacheDir, onProgress: () => {} });
    assert.equal(built.dir, dir);
    assert.equal(built.fromCache, false);
    assert.ok(!existsSync(join(dir, "junk")));
  });

  it("keys the cache on template, parameters and public signals, not on the profile name", async () => {
    const base = await circuitHashOf(tiny);
    assert.match(base, /^[0-9a-f]{64}$/);
    assert.equal(await circuitHashOf({ ...tiny, name: "another-name" }), base);
    assert.notEqual(await circuitHashOf({ ...tiny, params: [2] }), base);
    assert.notEqual(await circuitHashOf({ ...tiny, template: "MerkleRoot" }), base);
    assert.notEqual(await circuitHashOf({ ...tiny, publicSignals: ["in"] }), base);
  });

  it("hashes only the circuit files a profile includes, so new statements keep published keys valid", async () => {
    // circuits/ also holds shardRetrain.circom and its lib files, which the deletion circuit does
    // not include: its hash is still the one its committed dev keys were made for.
    for (const name of ["deletion-d8-k2", "deletion-d10-k4"]) {
      const manifest = JSON.parse(await readFile(join(packageRoot(), "keys", `${name}.manifest.json`), "utf8")) as { circuitHash: string };
      assert.equal(await circuitHashOf(getProfile(name)), manifest.circuitHash, name);
    }
    // Two templates from the same file share the closure; different sources do not.
    const sisa = getProfile("sisa-d4-s1-f2-e2-k2");
    assert.notEqual(await circuitHashOf(sisa), await circuitHashOf({ ...sisa, source: "deletion.circom" }));
  });

  it("reports the compiler's error and caches nothing for a broken profile", async () => {
    const broken = testProfile("NoSuchTemplate", "deletion.circom", [1]);
    await assert.rejects(buildCircuit(broken, { cacheDir, onProgress: () => {} }), /circom2 failed to compile circuit test-nosuchtemplate-1[\s\S]*NoSuchTemplate/);
    assert.deepEqual(await readdir(cacheDir), []);
  });

  it("names a missing source file", async () => {
    await assert.rejects(buildCircuit(testProfile("X", "nope.circom", []), { cacheDir }), /source circuits\/nope.circom does not exist/);
  });

  it("refuses a profile whose publicSignals are not in the compiled order", async () => {
    const swapped = testProfile("DatasetDeletion", "deletion.circom", [2, 1], ["newRoot", "oldRoot", "deletionDigest"]);
    await assert.rejects(
      buildCircuit(swapped, { cacheDir, onProgress: () => {} }),
      /compiled public inputs are \[oldRoot, newRoot, deletionDigest\] but the profile lists \[newRoot, oldRoot, deletionDigest\]/,
    );
    assert.deepEqual(await readdir(cacheDir), []);
  });

  it("the compiled deletion-d8-k2 exposes exactly the profile's publicSignals, in order", async () => {
    const profile = getProfile("deletion-d8-k2");
    const built = await buildCircuit(profile);
    const header = await readR1csHeader(built.r1csPath);
    assert.equal(header.nOutputs, 0);
    assert.equal(header.nPubInputs, profile.publicSignals.length);
    const names = publicSignalNames(await readSym(built.symPath), header.nOutputs + header.nPubInputs);
    assert.deepEqual(names, profile.publicSignals.map((s) => `main.${s}`));
    assert.deepEqual(built.publicSignals, profile.publicSignals);
  });

  it("finds the package root and honours ZKFORGET_CACHE", async () => {
    const manifest = JSON.parse(await readFile(join(packageRoot(), "package.json"), "utf8")) as { name: string };
    assert.equal(manifest.name, "zkforget");
    const saved = process.env.ZKFORGET_CACHE;
    try {
      process.env.ZKFORGET_CACHE = cacheDir;
      assert.equal(defaultCacheDir(), cacheDir);
      delete process.env.ZKFORGET_CACHE;
      assert.equal(defaultCacheDir(), join(packageRoot(), ".zkforget-cache"));
    } finally {
      if (saved === undefined) delete process.env.ZKFORGET_CACHE;
      else process.env.ZKFORGET_CACHE = saved;
    }
  });
});
