import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, posix, relative, sep } from "node:path";
import { MAIN_PRAGMA, mainSource } from "./mainSource.ts";
import type { CircuitProfile } from "./profiles.ts";
import { circom2, circomlib, circuitsDir, defaultCacheDir } from "./paths.ts";
import { readR1csHeader } from "./r1cs.ts";
import { publicSignalNames, readSym } from "./sym.ts";

/** Options of {@link buildCircuit}. */
export interface BuildOptions {
  /** Cache directory; default `$ZKFORGET_CACHE`, else `<package root>/.zkforget-cache`. */
  cacheDir?: string;
  /** Receives progress lines (compile start, an elapsed-time tick, the result). Default: stderr. */
  onProgress?: (message: string) => void;
  /** Seconds between elapsed-time ticks while circom runs (default 5). */
  tickSeconds?: number;
}

/** A compiled circuit in the cache. */
export interface BuiltCircuit {
  profile: CircuitProfile;
  /** sha256 hex of everything the compiled circuit depends on (the cache key). */
  circuitHash: string;
  /** The artefact directory; compiler outputs are in `<dir>/out`. */
  dir: string;
  /** The cache root the artefact directory lives in (other caches, e.g. keys, can live beside it). */
  cacheDir: string;
  r1csPath: string;
  wasmPath: string;
  symPath: string;
  /** Number of R1CS constraints. */
  constraints: number;
  /** Public signals in proof order, without the `main.` prefix (outputs of main, then public inputs). */
  publicSignals: string[];
  /** Seconds the compiler took when the artefacts were built. */
  compileSeconds: number;
  /** True when the artefacts were reused from the cache. */
  fromCache: boolean;
}

/** The marker written into a finished build directory; its presence means the build is complete. */
interface BuildMarker {
  format: 1;
  profile: CircuitProfile;
  circuitHash: string;
  constraints: number;
  publicSignals: string[];
  compileSeconds: number;
  circom2: string;
  circomlib: string;
  builtAt: string;
}

/** Compiler flags; part of the cache key. */
const CIRCOM_FLAGS = ["--r1cs", "--wasm", "--sym", "--O2"] as const;
const MARKER = "build.json";
const OUT = "out";

/** A source file and where it goes in the build directory. */
interface SourceFile {
  from: string;
  /** Path relative to the build directory, with `/` separators. */
  to: string;
}

/**
 * Compiles several profiles (or reuses their cached artefacts), as many at a time as the machine
 * has cores: circom2 compiles on one thread, and the circuits of one workspace's profiles are
 * independent, so on 2 cores the compiles of a method's companions take about half as long as in
 * turn. Results are in the order of `profiles`.
 */
export async function buildCircuits(profiles: readonly CircuitProfile[], options: BuildOptions & { parallel?: number } = {}): Promise<BuiltCircuit[]> {
  const parallel = Math.max(1, Math.min(options.parallel ?? availableParallelism(), profiles.length));
  const results: BuiltCircuit[] = new Array(profiles.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < profiles.length) {
      const i = next++;
      results[i] = await buildCircuit(profiles[i]!, options);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return results;
}

/**
 * Compiles a profile with circom2 (or reuses the cached artefacts for the same sources, compiler,
 * template, parameters and public signals) and returns the artefact paths and constraint count.
 *
 * circom2 runs under WASI and can only open files below its working directory, so the sources are
 * copied into a fresh build directory (circuits/ at its root, circomlib's templates under
 * `circomlib/circuits`) and circom runs there with relative paths only. The build happens in a
 * temporary directory renamed into place when complete, so concurrent builders never see a
 * half-written directory; a loser of the rename race reuses the winner's artefacts.
 */
export async function buildCircuit(profile: CircuitProfile, options: BuildOptions = {}): Promise<BuiltCircuit> {
  const log = options.onProgress ?? ((message: string) => process.stderr.write(`${message}\n`));
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  if (!existsSync(join(circuitsDir(), profile.source))) {
    throw new Error(`circuit profile ${profile.name}: source circuits/${profile.source} does not exist`);
  }
  const sources = await collectSources();
  const main = mainSource(profile);
  const circuitHash = await computeCircuitHash(profile, sources);
  const dir = join(cacheDir, `${profile.name}-${circuitHash.slice(0, 16)}`);

  const cached = await readMarker(dir, circuitHash);
  if (cached !== undefined) return result(profile, cacheDir, dir, cached, true);

  await mkdir(cacheDir, { recursive: true });
  const tmp = await mkdtemp(join(cacheDir, `.tmp-${profile.name}-`));
  try {
    for (const file of sources) {
      await mkdir(dirname(join(tmp, file.to)), { recursive: true });
      await copyFile(file.from, join(tmp, file.to));
    }
    await writeFile(join(tmp, "main.circom"), main);
    await mkdir(join(tmp, OUT));

    log(`compiling circuit ${profile.name} (${profile.template}(${profile.params.join(", ")}))…`);
    const started = Date.now();
    await runCircom(tmp, profile.name, log, options.tickSeconds ?? 5);
    const compileSeconds = Math.round((Date.now() - started) / 100) / 10;

    const header = await readR1csHeader(join(tmp, OUT, "main.r1cs"));
    const names = publicSignalNames(await readSym(join(tmp, OUT, "main.sym")), header.nOutputs + header.nPubInputs);
    const publicSignals = names.map((n) => n.replace(/^main\./, ""));
    checkPublicInputs(profile, publicSignals.slice(header.nOutputs));
    log(`compiled ${profile.name}: ${header.nConstraints.toLocaleString("en-US")} constraints in ${compileSeconds} s`);

    const marker: BuildMarker = {
      format: 1,
      profile,
      circuitHash,
      constraints: header.nConstraints,
      publicSignals,
      compileSeconds,
      circom2: circom2().version,
      circomlib: circomlib().version,
      builtAt: new Date().toISOString(),
    };
    // The marker is written last (atomically), then the whole directory is renamed into place.
    await writeFile(join(tmp, `${MARKER}.tmp`), `${JSON.stringify(marker, null, 2)}\n`);
    await rename(join(tmp, `${MARKER}.tmp`), join(tmp, MARKER));
    await moveIntoPlace(tmp, dir, circuitHash);
    const final = await readMarker(dir, circuitHash);
    if (final === undefined) throw new Error(`build directory ${dir} is incomplete after the build`);
    return result(profile, cacheDir, dir, final, false);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * The cache key of a profile: sha256 over a format tag, the circom2 version and flags, the Circom
 * files of zkforget's circuits/ that the profile's source includes (transitively, itself
 * included) and every Circom file of circomlib (path and content hash), and what the main file
 * instantiates (source, template, parameters, public signals). The profile name is not part of
 * it, so two names for the same circuit share one hash; and adding or changing a circuit file
 * that a profile does not include leaves that profile's hash, and hence its dev keys, unchanged.
 */
export async function circuitHashOf(profile: CircuitProfile): Promise<string> {
  return computeCircuitHash(profile, await collectSources());
}

async function computeCircuitHash(profile: CircuitProfile, sources: SourceFile[]): Promise<string> {
  const h = createHash("sha256");
  h.update("zkforget-circuit-build/1\n");
  h.update(`circom2 ${circom2().version} ${CIRCOM_FLAGS.join(" ")}\n`);
  h.update(`circomlib ${circomlib().version}\n`);
  const included = await includeClosure(profile.source, sources);
  for (const file of sources) {
    if (!file.to.startsWith("circomlib/") && !included.has(file.to)) continue;
    h.update(`file ${file.to} ${createHash("sha256").update(await readFile(file.from)).digest("hex")}\n`);
  }
  // What the generated main file instantiates (its comment names the profile, so it is not hashed).
  const { source, template, params, publicSignals } = profile;
  h.update(`main ${JSON.stringify({ pragma: MAIN_PRAGMA, source, template, params, publicSignals })}\n`);
  return h.digest("hex");
}

/** An `include "path";` directive (circom resolves it next to the including file, then from the root). */
const INCLUDE = /^\s*include\s+"([^"]+)"\s*;/gm;

/**
 * zkforget's own files (build-relative paths) reachable from `entry` through include directives,
 * `entry` itself included. circomlib's files are not followed: they are hashed in full.
 */
async function includeClosure(entry: string, sources: SourceFile[]): Promise<Set<string>> {
  const own = new Map(sources.filter((f) => !f.to.startsWith("circomlib/")).map((f) => [f.to, f.from]));
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file) || !own.has(file)) continue;
    seen.add(file);
    const text = await readFile(own.get(file) as string, "utf8");
    for (const [, target] of text.matchAll(INCLUDE)) {
      const nextToFile = posix.normalize(posix.join(posix.dirname(file), target as string));
      queue.push(own.has(nextToFile) ? nextToFile : posix.normalize(target as string));
    }
  }
  return seen;
}

/** zkforget's circuits/**\/*.circom (to the build root) and circomlib's templates (to circomlib/circuits). */
async function collectSources(): Promise<SourceFile[]> {
  const own = await listCircom(circuitsDir());
  if (own.some((f) => f === "main.circom")) throw new Error("circuits/main.circom would clash with the generated main file");
  const libDir = join(circomlib().dir, "circuits");
  const lib = await listCircom(libDir);
  return [
    ...own.map((f) => ({ from: join(circuitsDir(), f), to: f })),
    ...lib.map((f) => ({ from: join(libDir, f), to: `circomlib/circuits/${f}` })),
  ];
}

/** Relative paths (with `/`) of every .circom file below `root`, sorted for a stable hash. */
async function listCircom(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && entry.name.endsWith(".circom")) out.push(relative(root, path).split(sep).join("/"));
    }
  };
  await walk(root);
  return out.sort();
}

/** Runs circom2 in `cwd` with relative paths, ticking progress; throws with its output on failure. */
async function runCircom(cwd: string, name: string, log: (m: string) => void, tickSeconds: number): Promise<void> {
  const cli = join(circom2().dir, "cli.js");
  const args = [cli, "main.circom", ...CIRCOM_FLAGS, "-l", ".", "-o", OUT];
  const started = Date.now();
  const ticker = setInterval(() => log(`  … compiling ${name}: ${Math.round((Date.now() - started) / 1000)} s`), tickSeconds * 1000);
  try {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, output }));
    });
    // circom2 reports some errors with exit code 0, so the artefacts are checked as well.
    const missing = ["main.r1cs", "main.sym", "main_js/main.wasm"].filter((f) => !existsSync(join(cwd, OUT, f)));
    if (code !== 0 || missing.length > 0) {
      throw new Error(`circom2 failed to compile circuit ${name} (exit code ${code}):\n${stripAnsi(output).trim()}`);
    }
  } finally {
    clearInterval(ticker);
  }
}

/** Fails when the compiled public inputs are not the profile's publicSignals in order. */
function checkPublicInputs(profile: CircuitProfile, compiled: string[]): void {
  if (compiled.join(",") !== profile.publicSignals.join(",")) {
    throw new Error(
      `circuit profile ${profile.name}: compiled public inputs are [${compiled.join(", ")}] but the profile lists ` +
        `[${profile.publicSignals.join(", ")}]; circom orders public inputs by declaration order in the template`,
    );
  }
}

async function moveIntoPlace(tmp: string, dir: string, circuitHash: string): Promise<void> {
  try {
    await rename(tmp, dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "EPERM") throw err;
    // Another builder finished first: keep its complete build; replace only an incomplete one.
    if ((await readMarker(dir, circuitHash)) !== undefined) return;
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  }
}

async function readMarker(dir: string, circuitHash: string): Promise<BuildMarker | undefined> {
  let marker: BuildMarker;
  try {
    marker = JSON.parse(await readFile(join(dir, MARKER), "utf8")) as BuildMarker;
  } catch {
    return undefined;
  }
  if (marker.format !== 1 || marker.circuitHash !== circuitHash) return undefined;
  const paths = artefactPaths(dir);
  if (![paths.r1csPath, paths.wasmPath, paths.symPath].every((p) => existsSync(p))) return undefined;
  return marker;
}

function artefactPaths(dir: string): { r1csPath: string; wasmPath: string; symPath: string } {
  return {
    r1csPath: join(dir, OUT, "main.r1cs"),
    wasmPath: join(dir, OUT, "main_js", "main.wasm"),
    symPath: join(dir, OUT, "main.sym"),
  };
}

function result(profile: CircuitProfile, cacheDir: string, dir: string, marker: BuildMarker, fromCache: boolean): BuiltCircuit {
  return {
    profile,
    circuitHash: marker.circuitHash,
    dir,
    cacheDir,
    ...artefactPaths(dir),
    constraints: marker.constraints,
    publicSignals: marker.publicSignals,
    compileSeconds: marker.compileSeconds,
    fromCache,
  };
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}
