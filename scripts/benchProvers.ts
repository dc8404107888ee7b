// `npm run bench -- --provers`: the native prover against snarkjs on one zkey and one witness
// per profile. Each measurement is a child process (so its peak RSS is its own) that proves
// the same witness twice with one prover and reports the second, warm proof (the first pays
// for snarkjs's curve and worker threads, or for the native zkey parse: a long-running
// controller pays those once). Provers alternate, several rounds; the line gives medians.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getProfile, type CircuitProfile } from "../src/circuits/profiles.ts";
import { SparseMerkleTree } from "../src/crypto/merkle.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { CommittedDataset } from "../src/dataset/commitment.ts";
import { loadDataset } from "../src/encoding/records.ts";
import { ensureDevKey, type ProvingKey } from "../src/keys/devKeys.ts";
import { makeTrainingConfig, shardProfileParams } from "../src/ml/config.ts";
import { calculateWitness, proveWitness, type ProverName } from "../src/prover/groth16.ts";
import { loadNativeProver, nativeLoadError } from "../src/prover/native.ts";
import { ModelCommitment } from "../src/sisa/model.ts";
import { releaseCurve } from "../src/snarkjsThreads.ts";
import { buildDeletionWitness } from "../src/statements/deletion.ts";
import { buildShardRetrainWitness } from "../src/statements/shardRetrain.ts";
import type { CircuitInput } from "snarkjs";
import * as snarkjs from "snarkjs";
import { median, round } from "./benchMath.ts";

const CHILD_FLAG = "--prover-child";

/** Runs the prover benchmark of each profile and prints one JSON line per profile. */
export async function benchProvers(profiles: readonly string[], reps: number): Promise<void> {
  const native = loadNativeProver();
  if (!native) throw new Error(`--provers needs the native prover: ${nativeLoadError()}`);
  if (!Number.isInteger(reps) || reps < 1) throw new Error("--reps must be a positive integer");
  const dir = await mkdtemp(join(tmpdir(), "zkf-bench-provers-"));
  try {
    for (const name of profiles) {
      const profile = getProfile(name);
      const key = await ensureDevKey(profile, { onProgress: (m) => process.stderr.write(`  ${m}\n`) });
      const wtnsPath = join(dir, `${name}.wtns`);
      await writeFile(wtnsPath, await calculateWitness(key, await benchInput(profile)));
      const runs: Record<ProverName, { seconds: number; peakRssMb: number }[]> = { snarkjs: [], native: [] };
      for (let i = 0; i < reps; i++) {
        for (const prover of ["snarkjs", "native"] as const) runs[prover].push(measure(prover, name, wtnsPath));
      }
      const snarkjsSeconds = median(runs.snarkjs.map((r) => r.seconds));
      const nativeSeconds = median(runs.native.map((r) => r.seconds));
      const constraints = key.manifest.constraints;
      process.stdout.write(`${JSON.stringify({
        bench: "prover",
        profile: name,
        constraints,
        snarkjsSeconds: round(snarkjsSeconds),
        nativeSeconds: round(nativeSeconds),
        speedup: round(snarkjsSeconds / nativeSeconds, 2),
        nativeCoreMicrosPerConstraint: round((nativeSeconds * native.threads() * 1e6) / constraints, 1),
        snarkjsPeakRssMb: Math.max(...runs.snarkjs.map((r) => r.peakRssMb)),
        nativePeakRssMb: Math.max(...runs.native.map((r) => r.peakRssMb)),
      })}\n`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function measure(prover: ProverName, profile: string, wtnsPath: string): { seconds: number; peakRssMb: number } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/benchProvers.ts", CHILD_FLAG, prover, profile, wtnsPath], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !line.startsWith("{")) throw new Error(`prover bench child (${prover}, ${profile}) failed (exit ${r.status})`);
  return JSON.parse(line) as { seconds: number; peakRssMb: number };
}

/** A representative witness: K deletions from a sparse tree, or shard 0's genesis training on the demo data. */
async function benchInput(profile: CircuitProfile): Promise<CircuitInput> {
  const poseidon = await getPoseidon();
  if (profile.template === "DatasetDeletion") {
    const [depth, k] = profile.params as [number, number];
    const tree = new SparseMerkleTree(depth, (l, r) => poseidon.hash([l, r]));
    const filled = Math.min(4096, 2 ** depth);
    const stride = Math.floor(2 ** depth / filled);
    tree.setMany(Array.from({ length: filled }, (_, i) => ({ index: i * stride, leaf: poseidon.hash([BigInt(i + 1)]) })));
    return buildDeletionWitness(tree, Array.from({ length: k }, (_, j) => j * 3 * stride), k, poseidon).input;
  }
  if (profile.template !== "ShardRetrain") throw new Error(`--provers supports deletion and ShardRetrain profiles, not ${profile.template}`);
  const p = shardProfileParams(profile.params);
  const data = await loadDataset("data/demo.csv");
  const config = makeTrainingConfig(p, { learningRate: 2, l2: 1 / 64 });
  const dataset = CommittedDataset.commit({ ...data, records: data.records.slice(0, 2 ** p.dataDepth) }, p.dataDepth, poseidon);
  return buildShardRetrainWitness({
    config,
    dataTree: dataset.tree(),
    records: dataset.liveSlots(),
    models: ModelCommitment.empty(p.shardDepth, p.features, poseidon.hash),
    shard: 0,
    deleteSlots: [],
    newModelSalt: 777n,
  }, poseidon).input;
}

/** Child: two proofs of the witness with one prover; prints the second's seconds and the peak RSS. */
async function child(prover: ProverName, profileName: string, wtnsPath: string): Promise<void> {
  const key: ProvingKey = await ensureDevKey(getProfile(profileName));
  const witness = new Uint8Array(await readFile(wtnsPath));
  let seconds = 0;
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    const r = await proveWitness(key, witness, { prover });
    seconds = (performance.now() - started) / 1000;
    if (i === 0 && !(await snarkjs.groth16.verify(key.vkey, r.publicSignals, r.proof))) throw new Error(`${prover} made a proof that does not verify`);
  }
  await releaseCurve();
  process.stdout.write(`${JSON.stringify({ seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
}

if (process.argv[2] === CHILD_FLAG) {
  const [prover, profile, wtnsPath] = process.argv.slice(3);
  if (prover !== "native" && prover !== "snarkjs") throw new Error(`unknown prover ${prover}`);
  await child(prover, profile!, wtnsPath!);
}
