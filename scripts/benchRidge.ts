// The ridge benchmarks of `npm run bench -- --ridge` (issue 10 §7): deletion by model shift at
// data depths 12, 16, 20 (K = 8, d = 32, C = 10), class forgetting at depth 20, and the SISA
// shard-retrain proof side by side, each proved with the native prover under a direct dev key.
//
// The statistics of the 2^D slots are built in TypeScript; no genesis is proved (the deletion
// proof opens only the committed statistics and the K deleted slots, so its cost does not
// depend on how the first state was proved), and every line says so ("genesisProved": false).
// The data tree is full: 2^D slots holding 2^(D − 12) copies of one committed pool of 4,096
// synthetic records (test/helpers/ridgeData.ts). Identical subtrees share their roots, which
// makes a full 2^20-slot tree cheap to hash, and its statistics are the pool's times the copy
// count, so the magnitudes are those of 2^D live records.
import { getPoseidon, type PoseidonHasher } from "../src/crypto/poseidon.ts";
import { SparseMerkleTree } from "../src/crypto/merkle.ts";
import { CommittedDataset, type CommittedSlot } from "../src/dataset/commitment.ts";
import { getProfile, type CircuitProfile } from "../src/circuits/profiles.ts";
import { buildCircuit } from "../src/circuits/build.ts";
import { ensureDevKey } from "../src/keys/devKeys.ts";
import { proveWithKey } from "../src/prover/groth16.ts";
import { makeRidgeConfig, type RidgeConfig } from "../src/methods/ridge/config.ts";
import { solveRidge } from "../src/methods/ridge/solve.ts";
import type { RidgeStateCore } from "../src/methods/ridge/state.ts";
import { classForgetTransition, ridgeDeletionTransition, type CircuitInput } from "../src/methods/ridge/statements.ts";
import { statisticsOf, type RidgeStatistics } from "../src/methods/ridge/statistics.ts";
import type { DeletionTree } from "../src/statements/deletion.ts";
import { syntheticRidgeData } from "../test/helpers/ridgeData.ts";

/** Depth of the committed pool that fills the tree (4,096 records). */
const POOL_DEPTH = 12;
const FEATURES = 32;
const CLASSES = 10;
const K = 8;

/**
 * A full tree of depth `depth` whose aligned subtrees of depth POOL_DEPTH all equal `pool`: the
 * nodes above the pool's root hash two equal children.
 */
class ReplicatedTree implements DeletionTree {
  readonly #up: bigint[];
  constructor(readonly depth: number, private readonly pool: SparseMerkleTree, hash: (l: bigint, r: bigint) => bigint) {
    this.#up = [pool.root];
    for (let l = pool.depth; l < depth; l++) this.#up.push(hash(this.#up.at(-1)!, this.#up.at(-1)!));
  }
  get capacity(): number {
    return 2 ** this.depth;
  }
  get root(): bigint {
    return this.#up.at(-1)!;
  }
  get(index: number): bigint {
    return this.pool.get(index % this.pool.capacity);
  }
  subtreeRoot(level: number, position: number): bigint {
    if (level >= this.pool.depth) return this.#up[level - this.pool.depth]!;
    return this.pool.subtreeRoot(level, position % 2 ** (this.pool.depth - level));
  }
}

/** Every statistic times `factor` (the statistics of `factor` copies of the records). */
function scaled(stats: RidgeStatistics, factor: bigint): RidgeStatistics {
  return { ...stats, blocks: stats.blocks.map((b) => ({ gram: b.gram.map((v) => v * factor), moments: b.moments.map((v) => v * factor) })) };
}

/** A ridge state over a full tree of depth `depth` (see the module comment). */
interface BenchState {
  config: RidgeConfig;
  tree: ReplicatedTree;
  pool: CommittedDataset;
  core: RidgeStateCore;
}

function benchState(depth: number, poseidon: PoseidonHasher): BenchState {
  const data = syntheticRidgeData(2 ** POOL_DEPTH, FEATURES, CLASSES, 20);
  const records = data.map((r, i) => ({ id: `p${i}`, features: [...r.features], label: r.cls }));
  let salt = 1n;
  const featureNames = Array.from({ length: FEATURES }, (_, j) => `f${j}`);
  const pool = CommittedDataset.commit({ featureNames, records }, POOL_DEPTH, poseidon, () => salt++);
  const tree = new ReplicatedTree(depth, pool.tree(), (l, r) => poseidon.hash([l, r]));
  const config = makeRidgeConfig({ depth, features: FEATURES, classes: CLASSES }, 1);
  const stats = scaled(statisticsOf(pool.liveSlots(), FEATURES, CLASSES), 1n << BigInt(depth - POOL_DEPTH));
  const solution = solveRidge(stats, config.lambda, depth);
  return { config, tree, pool, core: { config, stats, statsSalt: 7n, model: solution.model, modelSalt: 8n, residual: solution.residual } };
}

/** The slot of the full tree at `index`: the pool record it copies, at that index. */
function slotAt(s: BenchState, index: number): CommittedSlot {
  const slot = s.pool.liveSlots()[index % 2 ** POOL_DEPTH]!;
  return { ...slot, id: `slot${index}`, index };
}

/** What one ridge measurement reports (the child's line; the parent prints the line from it). */
export interface RidgeMeasurement {
  bench: string;
  profile: string;
  depth: number;
  constraints: number;
  /** The compiler's seconds (from the cache marker when the circuit was already built). */
  compileSeconds: number;
  /** Seconds to make the direct dev key, or to load it when it was already cached. */
  keySeconds: number;
  /** Seconds of a warm proof (witness + native proof, the key already in memory). */
  proveSeconds: number;
  /** Seconds of the process's first proof, which also reads and parses the zkey. */
  proveSecondsCold: number;
  prover: string;
  genesisProved: false;
}

/**
 * The input and expected public signals of the benchmark statement of `profile`: one deletion of
 * K slots spread over the tree (RidgeDeletion), or forgetting class 3 (RidgeClassForget).
 */
export function ridgeBenchInput(profile: CircuitProfile, poseidon: PoseidonHasher): { input: CircuitInput; expected: bigint[] } {
  const depth = profile.params[0]!;
  const s = benchState(depth, poseidon);
  const salts = { statsSalt: 17n, modelSalt: 18n };
  if (profile.template === "RidgeDeletion") {
    const stride = Math.floor(2 ** depth / K);
    const slots = Array.from({ length: K }, (_, j) => slotAt(s, j * stride + 5 * j));
    const t = ridgeDeletionTransition(s.core, s.tree, slots, K, salts, poseidon);
    return { input: t.input, expected: [t.publicSignals.oldState, t.publicSignals.newState, t.publicSignals.deletionDigest] };
  }
  if (profile.template === "RidgeClassForget") {
    const t = classForgetTransition(s.core, s.tree.root, 3, salts, poseidon);
    return { input: t.input, expected: [t.publicSignals.oldState, t.publicSignals.newState, t.publicSignals.forgottenClass] };
  }
  throw new Error(`--ridge measures RidgeDeletion and RidgeClassForget profiles; ${profile.name} is ${profile.template}`);
}

/** Compiles `profile` (or reuses the cache), makes its direct dev key (timed; cached once made) and proves its benchmark statement once. */
export async function benchRidgeProfile(name: string): Promise<RidgeMeasurement> {
  const profile = getProfile(name);
  const poseidon = await getPoseidon();
  const { input, expected } = ridgeBenchInput(profile, poseidon);
  const t0 = performance.now();
  const circuit = await buildCircuit(profile, { onProgress: (m) => process.stderr.write(`  ${m}\n`), tickSeconds: 60 });
  const t1 = performance.now();
  const key = await ensureDevKey(profile, { onProgress: (m) => process.stderr.write(`  ${m}\n`) });
  const t2 = performance.now();
  // Two proofs: the first parses the zkey into the prover's memory, the second is warm (as a
  // controller proving one deletion after another in a process).
  const cold = await proveWithKey(key, input, expected);
  const run = await proveWithKey(key, input, expected);
  return {
    bench: profile.template === "RidgeDeletion" ? "ridge-deletion" : "ridge-class-forget", profile: name, depth: profile.params[0]!,
    constraints: circuit.constraints, compileSeconds: circuit.fromCache ? circuit.compileSeconds : (t1 - t0) / 1000, keySeconds: (t2 - t1) / 1000,
    proveSeconds: run.seconds, proveSecondsCold: cold.seconds, prover: run.prover, genesisProved: false,
  };
}
