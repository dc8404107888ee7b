// `npm run bench -- --ridge-genesis`: the ridge genesis by batches at d = 32, C = 10 on a synthetic
// 1,024-record dataset (16 batches of 64 slots, every slot filled). JSON lines:
//   ridge-genesis-batch        one batch with each prover: constraints, per record, witness and
//                              prove seconds (the second, warm proof), records per minute
//                              = 64 · 60 / (witness + prove seconds);
//   ridge-genesis-aggregation  the RidgeGenesis statement (no per-batch part), native and snarkjs;
//   ridge-genesis-workers      the wall time of proving all 16 batches with W = 1 and W = 2 worker
//                              child processes ON THIS MACHINE (native prover, cores / W threads each).
// Keys are dev keys (src/setup/directZkey.ts via ensureDevKey) in $ZKFORGET_CACHE; setup is not
// what is measured. Every proof's public signals are checked against the oracle, and the batches
// against the genesis with checkGenesisBatches.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { getProfile } from "../src/circuits/profiles.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { CommittedDataset } from "../src/dataset/commitment.ts";
import { ensureDevKey, type ProvingKey } from "../src/keys/devKeys.ts";
import { makeRidgeConfig } from "../src/methods/ridge/config.ts";
import { buildBatchWitness, buildGenesisWitness, type BatchWitness } from "../src/methods/ridge/genesis.ts";
import { batchSignalArray, checkGenesisBatches, genesisSignalArray } from "../src/methods/ridge/genesisCheck.ts";
import { calculateWitness, proveWitness, type ProverName } from "../src/prover/groth16.ts";
import { loadNativeProver, nativeLoadError } from "../src/prover/native.ts";
import { releaseCurve } from "../src/snarkjsThreads.ts";
import { syntheticRidgeData } from "../test/helpers/ridgeData.ts";
import { round } from "./benchMath.ts";

const DEPTH = 10;
const BATCH_DEPTH = 6;
const FEATURES = 32;
const CLASSES = 10;
const BATCH_PROFILE = "ridge-batch-d10-b6-f32-c10";
const GENESIS_PROFILE = "ridge-genesis-d10-b6-f32-c10";
const WORKER_FLAG = "--ridge-genesis-worker";

type Input = Record<string, unknown>;

/** Times one witness and two proofs of it (the second, warm one is reported); checks the public signals. */
async function timeProof(key: ProvingKey, input: Input, expected: readonly bigint[], prover: ProverName): Promise<{ witnessSeconds: number; proveSeconds: number }> {
  let started = performance.now();
  const wtns = await calculateWitness(key, input as Parameters<typeof calculateWitness>[1]);
  const witnessSeconds = (performance.now() - started) / 1000;
  let proveSeconds = 0;
  for (let i = 0; i < 2; i++) {
    started = performance.now();
    const r = await proveWitness(key, wtns, { prover });
    proveSeconds = (performance.now() - started) / 1000;
    if (r.publicSignals.join(",") !== expected.map(String).join(",")) throw new Error(`${key.manifest.profile}: public signals differ from the oracle's`);
  }
  return { witnessSeconds, proveSeconds };
}

/** Runs the ridge genesis benchmark (see the file comment). */
export async function benchRidgeGenesis(): Promise<void> {
  if (!loadNativeProver()) throw new Error(`--ridge-genesis needs the native prover: ${nativeLoadError()}`);
  const poseidon = await getPoseidon();
  const n = 2 ** DEPTH;
  const records = syntheticRidgeData(n, FEATURES, CLASSES, 7).map((r, i) => ({ id: `r${i}`, features: [...r.features], label: r.cls }));
  let salt = 1n;
  const dataset = CommittedDataset.commit({ featureNames: Array.from({ length: FEATURES }, (_, j) => `f${j}`), records }, DEPTH, poseidon, () => salt++);
  const config = makeRidgeConfig({ depth: DEPTH, features: FEATURES, classes: CLASSES }, 1);
  const genesis = buildGenesisWitness(config, dataset, BATCH_DEPTH, { statsSalt: 11n, modelSalt: 12n, maskSeed: 13n }, poseidon);
  const batches: BatchWitness[] = Array.from({ length: 2 ** (DEPTH - BATCH_DEPTH) }, (_, k) =>
    buildBatchWitness(config, dataset, BATCH_DEPTH, k, genesis.challenge, poseidon));
  const problems = checkGenesisBatches(genesis.publicSignals, batches.map((b) => b.publicSignals), DEPTH, BATCH_DEPTH, poseidon.hash);
  if (problems.length > 0) throw new Error(`the oracle's batches do not check: ${problems.join("; ")}`);

  const log = (m: string): boolean => process.stderr.write(`  ${m}\n`);
  const batchKey = await ensureDevKey(getProfile(BATCH_PROFILE), { onProgress: log });
  const slots = 2 ** BATCH_DEPTH;
  const common = { features: FEATURES, classes: CLASSES };

  for (const prover of ["native", "snarkjs"] as const) {
    const t = await timeProof(batchKey, batches[0]!.input, batchSignalArray(batches[0]!.publicSignals), prover);
    const constraints = batchKey.manifest.constraints;
    process.stdout.write(`${JSON.stringify({
      bench: "ridge-genesis-batch", ...common, slots, constraints, constraintsPerRecord: Math.round(constraints / slots),
      witnessSeconds: round(t.witnessSeconds), proveSeconds: round(t.proveSeconds),
      recordsPerMinute: Math.round((slots * 60) / (t.witnessSeconds + t.proveSeconds)), prover, load1: round(loadavg()[0]!, 1),
    })}\n`);
  }
  await releaseCurve();

  const dir = await mkdtemp(join(tmpdir(), "zkf-bench-ridge-genesis-"));
  try {
    const inputsPath = join(dir, "batches.json");
    await writeFile(inputsPath, JSON.stringify(batches.map((b) => ({ input: b.input, expected: batchSignalArray(b.publicSignals).map(String) }))));
    const cores = availableParallelism();
    for (const workers of [1, 2]) {
      const threads = Math.max(1, Math.floor(cores / workers));
      const started = performance.now();
      await Promise.all(Array.from({ length: workers }, (_, w) => {
        const mine = batches.map((_, k) => k).filter((k) => k % workers === w);
        return runWorker(inputsPath, mine, threads);
      }));
      const wallSeconds = (performance.now() - started) / 1000;
      process.stdout.write(`${JSON.stringify({
        bench: "ridge-genesis-workers", ...common, records: n, batches: batches.length, workers, proverThreadsPerWorker: threads,
        wallSeconds: round(wallSeconds), recordsPerMinute: Math.round((n * 60) / wallSeconds), prover: "native",
        machine: `${cores} cores, ${workers} worker process(es) on this one machine`, load1: round(loadavg()[0]!, 1),
      })}\n`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // The aggregation last: its key is the largest to build.
  const genesisKey = await ensureDevKey(getProfile(GENESIS_PROFILE), { onProgress: log });
  for (const prover of ["native", "snarkjs"] as const) {
    const t = await timeProof(genesisKey, genesis.input, genesisSignalArray(genesis.publicSignals), prover);
    process.stdout.write(`${JSON.stringify({
      bench: "ridge-genesis-aggregation", ...common, batches: batches.length, constraints: genesisKey.manifest.constraints,
      witnessSeconds: round(t.witnessSeconds), proveSeconds: round(t.proveSeconds), prover, load1: round(loadavg()[0]!, 1),
    })}\n`);
  }
  await releaseCurve();
}

/** One worker child process proving the batches `indices` (witness + native proof each). */
function runWorker(inputsPath: string, indices: readonly number[], threads: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/benchRidgeGenesis.ts", WORKER_FLAG, inputsPath, indices.join(",")], {
      env: { ...process.env, ZKFORGET_PROVER_THREADS: String(threads) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ridge genesis worker (batches ${indices.join(",")}) failed (exit ${code})`))));
  });
}

/** Worker: loads the (cached) batch key and proves its batches, checking each proof's public signals. */
async function worker(inputsPath: string, indices: readonly number[]): Promise<void> {
  const key = await ensureDevKey(getProfile(BATCH_PROFILE));
  const all = JSON.parse(await readFile(inputsPath, "utf8")) as { input: Input; expected: string[] }[];
  for (const k of indices) {
    const { input, expected } = all[k]!;
    const r = await proveWitness(key, await calculateWitness(key, input as Parameters<typeof calculateWitness>[1]), { prover: "native" });
    if (r.publicSignals.join(",") !== expected.join(",")) throw new Error(`batch ${k}: public signals differ from the oracle's`);
  }
}

if (process.argv[2] === WORKER_FLAG) {
  await worker(process.argv[3]!, process.argv[4]!.split(",").map(Number));
}
