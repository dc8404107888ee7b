import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { packageRoot } from "../src/circuits/paths.ts";
import { toHex32 } from "../src/verifier/fieldText.ts";
import { deletionFixture, TEST_PROFILE } from "./helpers/deletionFixture.ts";

/** Runs a command, failing the test with its output when it exits non-zero. */
function run(command: string, args: readonly string[], cwd: string, timeout = 300_000): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, npm_config_update_notifier: "false" } });
  assert.equal(r.status, 0, `${command} ${args.join(" ")} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A consumer in plain JavaScript: both entry points, a valid bundle, the same bundle with a signal changed. */
const CONSUMER = `
import * as zkforget from "zkforget";
import { verifyBundle, loadKeyRing } from "zkforget/verifier";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const keysDir = fileURLToPath(new URL("./node_modules/zkforget/keys", import.meta.url));
const keys = await loadKeyRing(keysDir);
const bundle = JSON.parse(await readFile("bundle.json", "utf8"));
const tampered = JSON.parse(await readFile("tampered.json", "utf8"));
const valid = await verifyBundle(bundle, { keys, allowDev: true });
const forged = await verifyBundle(tampered, { keys, allowDev: true });
console.log(JSON.stringify({
  main: import.meta.resolve("zkforget"),
  verifier: import.meta.resolve("zkforget/verifier"),
  prover: typeof zkforget.proveDeletion,
  sameVerifier: zkforget.verifyBundle === verifyBundle,
  valid: valid.valid, reasons: valid.reasons, forged: forged.valid, forgedReasons: forged.reasons,
}));
`;

describe("the npm package (npm pack, installed into a plain-JavaScript project)", function () {
  const root = packageRoot();
  let work: string;
  let project: string;
  let files: string[];

  before(async function () {
    work = await mkdtemp(join(tmpdir(), "zkf-pack-"));
    // `prepare` compiles dist/ from the current sources before packing.
    const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], root)) as [{ filename: string; files: { path: string }[] }];
    files = packed.files.map((f) => f.path);
    project = join(work, "consumer");
    await mkdir(project);
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }));
    // Offline from the npm cache that npm ci filled. --ignore-scripts: better-sqlite3's and the
    // other native builds are not what this test is about (and would take minutes to compile).
    run("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", join(work, packed.filename)], project);
    const f = await deletionFixture();
    await writeFile(join(project, "bundle.json"), JSON.stringify(f.bundle));
    const tampered = JSON.parse(JSON.stringify(f.bundle)) as typeof f.bundle;
    const forgedRoot = BigInt(tampered.publicSignals[1]!) ^ 1n;
    tampered.publicSignals[1] = forgedRoot.toString();
    tampered.statement.newRoot = toHex32(forgedRoot);
    await writeFile(join(project, "tampered.json"), JSON.stringify(tampered));
    await writeFile(join(project, "check.mjs"), CONSUMER);
  });

  after(async function () {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("ships compiled JavaScript, declarations and source maps, the circuits, keys and demo data, and no TypeScript sources", function () {
    for (const path of ["dist/index.js", "dist/index.d.ts", "dist/index.js.map", "dist/verifier/index.js", "dist/verifier/browser.js",
      "dist/verifier/browser.d.ts", "dist/verifier/poseidonGrain.js", "dist/cli/main.js", "bin/zkforget.js", "circuits/profiles.json",
      "circuits/deletion.circom", `keys/${TEST_PROFILE}.vkey.json`, `keys/${TEST_PROFILE}.manifest.json`, "data/demo.csv", "package.json", "README.md"]) {
      assert.ok(files.includes(path), `the package lacks ${path}`);
    }
    const stray = files.filter((p) => p.startsWith("src/") || p.startsWith("test/") || p.startsWith("circuits/main/") || (p.endsWith(".ts") && !p.endsWith(".d.ts")));
    assert.deepEqual(stray, []);
  });

  it("imports zkforget and zkforget/verifier from dist with plain Node (no tsx installed) and verifies a bundle", function () {
    assert.equal(existsSync(join(project, "node_modules", "tsx")), false, "tsx is a dev dependency only");
    const out = JSON.parse(run(process.execPath, ["check.mjs"], project)) as Record<string, unknown>;
    assert.match(String(out.main), /node_modules\/zkforget\/dist\/index\.js$/);
    assert.match(String(out.verifier), /node_modules\/zkforget\/dist\/verifier\/index\.js$/);
    assert.equal(out.prover, "function");
    assert.equal(out.sameVerifier, true);
    assert.deepEqual(out.reasons, []);
    assert.equal(out.valid, true);
    assert.equal(out.forged, false);
    assert.deepEqual(out.forgedReasons, ["the Groth16 proof does not verify for these public signals under the trusted key"]);
  });

  it("has types a strict TypeScript consumer resolves through the exports' types condition", async function () {
    await writeFile(join(project, "typed.ts"), [
      'import { verifyBundle, type VerificationResult } from "zkforget/verifier";',
      'import { proveDeletion } from "zkforget";',
      'const result: Promise<VerificationResult> = verifyBundle("{}", { keys: new Map() });',
      "void result; void proveDeletion;",
      "// @ts-expect-error: the options need a key ring",
      'void verifyBundle("{}", {});',
    ].join("\n"));
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    run(process.execPath, [tsc, "--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node", "--typeRoots", join(root, "node_modules", "@types"), "typed.ts"], project);
  });

  it("runs `npx zkforget --help` from the compiled CLI", function () {
    const out = run("npx", ["--no-install", "zkforget", "--help"], project);
    assert.match(out, /^Usage: zkforget <command>/);
    assert.match(out, /verify-chain/);
  });

  it("gives bundlers the browser build of zkforget/verifier: no snarkjs, ffjavascript or poseidon-lite, under 200 KB", async function () {
    await writeFile(join(project, "page.js"), 'export { verifyBundle, checkReceipt } from "zkforget/verifier";\n');
    const result = await build({ entryPoints: [join(project, "page.js")], bundle: true, minify: true, platform: "browser", format: "esm", write: false, metafile: true, absWorkingDir: project, logLevel: "silent" });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.some((p) => p.endsWith("node_modules/zkforget/dist/verifier/browser.js")), inputs.join("\n"));
    assert.ok(inputs.some((p) => p.endsWith("node_modules/zkforget/dist/verifier/poseidonGrain.js")), "the browser map swaps in the generated-constants Poseidon");
    assert.deepEqual(inputs.filter((p) => /node_modules\/(snarkjs|ffjavascript|poseidon-lite)\//.test(p)), []);
    const bytes = result.outputFiles[0]!.contents.length;
    assert.ok(bytes <= 200_000, `${bytes} bytes`);
    assert.ok((await readFile(join(project, "node_modules", "zkforget", "dist", "verifier", "browser.js.map"), "utf8")).includes("browser.ts"));
  });
});
