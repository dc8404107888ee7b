import { strict as assert } from "node:assert";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWeb, type BuiltWeb } from "../scripts/build-web.ts";
import { poseidonOfArity as grainPoseidon } from "../src/verifier/poseidonGrain.ts";
import { poseidonOfArity as litePoseidon } from "../src/verifier/poseidonTable.ts";

/** The budget for what a page that embeds the verifier loads. */
const MAX_BYTES = 200_000;
/** GPL-3.0 code that must never reach a page: snarkjs and its curve library. */
const GPL_PACKAGES = ["snarkjs", "ffjavascript"];

describe("browser bundle of the verifier (size, licences, Poseidon)", function () {
  let outDir: string;
  let built: BuiltWeb;

  before(async function () {
    outDir = await mkdtemp(join(tmpdir(), "zkf-webbundle-"));
    built = await buildWeb({ outDir }); // the shipped keys/, all of them trusted
  });
  after(() => rm(outDir, { recursive: true, force: true }));

  it("keeps the page script and the library under 200 KB minified", async function () {
    assert.deepEqual(built.scripts.map((s) => s.file).sort(), [join(outDir, "app.js"), built.library].sort());
    for (const script of built.scripts) {
      assert.ok(script.bytes <= MAX_BYTES, `${script.file} is ${script.bytes} bytes minified, over the ${MAX_BYTES}-byte budget`);
      assert.equal((await readFile(script.file)).length, script.bytes);
    }
  });

  it("writes the trusted keys as data (trusted-keys.js, loaded before app.js), every shipped key in it, outside the code budget", async function () {
    const script = await readFile(built.keysScript, "utf8");
    const defined: { manifest: { profile: string; vkeyHash: string } }[] = [];
    new Function("globalThis", script)({ set zkforgetTrustedKeys(v: typeof defined) { defined.push(...v); } });
    assert.deepEqual(defined.map((k) => k.manifest.profile).sort(), built.keys.map((k) => k.profile).sort());
    assert.deepEqual(defined.map((k) => k.manifest.vkeyHash).sort(), built.keys.map((k) => k.vkeyHash).sort());
    assert.ok(!script.includes("<"), "no key text can close the script element");
    const page = await readFile(built.page, "utf8");
    assert.ok(page.indexOf('<script src="trusted-keys.js">') >= 0 && page.indexOf('<script src="trusted-keys.js">') < page.indexOf('<script src="app.js">'), "index.html loads the keys before app.js");
  });

  it("bundles no snarkjs or ffjavascript (the metafile's inputs), and no poseidon-lite constants", function () {
    for (const script of built.scripts) {
      const gpl = script.inputs.filter((path) => GPL_PACKAGES.some((name) => path.includes(`node_modules/${name}/`)));
      assert.deepEqual(gpl, [], `${script.file} bundles GPL code`);
      assert.deepEqual(script.inputs.filter((path) => path.includes("node_modules/poseidon-lite/")), [], `${script.file} carries poseidon-lite's constant tables`);
      assert.ok(script.inputs.some((path) => path.includes("node_modules/@noble/curves/")), "the pairing check comes from @noble/curves");
      assert.ok(script.inputs.some((path) => path.endsWith("src/verifier/poseidonGrain.ts")));
    }
  });

  it("the page's Poseidon (constants from the Grain LFSR) equals poseidon-lite for every arity", function () {
    assert.equal(grainPoseidon(0), undefined);
    assert.equal(grainPoseidon(17), undefined);
    for (let n = 1; n <= 16; n++) {
      const inputs = Array.from({ length: n }, (_, i) => BigInt(i) * 0x1234567890abcdefn + BigInt(n));
      assert.equal(grainPoseidon(n)!(inputs), litePoseidon(n)!(inputs), `Poseidon(${n})`);
    }
  });
});
