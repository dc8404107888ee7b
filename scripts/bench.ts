// Benchmarks: prints one JSON line per measurement (constraints, setup, prove and verify
// seconds, peak memory; verify both with snarkjs and with the standalone verifier on @noble/curves),
// and the dev powers-of-tau generator against the snarkjs route.
//
// Usage: npm run bench [-- --quick] [-- --profiles a,b] [-- --powers 12,14] [-- --accuracy a,b] [-- --only-accuracy]
//        npm run bench -- --only-verifier [--verifier-profile P]
//        npm run bench -- --provers [--profiles a,b] [--reps n]
//        npm run bench -- --dev-keys [--profiles a,b]
//        npm run bench -- --ridge [--ridge-depths 12,16,20]   (deletions, class forgetting, SISA side by side, then the genesis)
//        npm run bench -- --amnesiac   (scripts/bench-amnesiac.ts: one deletion by amnesiac, SISA and ridge side by side, then a training proof and the repairs)
//        npm run bench -- --ridge-genesis   (only the genesis: scripts/benchRidgeGenesis.ts, batches at d = 32, C = 10)
//   --quick          skip the slow snarkjs ptau route at 2^14 (it takes about 10 minutes)
//   --profiles       profiles to measure (default: deletion-d10-k4,deletion-d20-k8,sisa-d9-s3-f16-e10-k4)
//   --accuracy       ModelAccuracy profiles to measure (default: accuracy-s3-f16-t8, 256 test records)
//   --only-accuracy  measure only the accuracy profiles (no ptau routes, no other profiles)
//   --only-verifier  only the standalone verifier (@noble/curves) on a real bundle of
//                    --verifier-profile (default deletion-d8-k2), against snarkjs; uses the usual
//                    cache ($ZKFORGET_CACHE), since it measures verification, not setup
//   --evm            profiles whose Solidity verifier and anchor run on an in-process EVM (gas; default deletion-d8-k2)
//   --only-evm       measure only the on-chain gas
//   --provers        only the native prover against snarkjs (scripts/benchProvers.ts), on the
//                    profiles given (default sisa-d8-s3-f16-e10-k3,deletion-d20-k8), --reps rounds
//   --ridge          only the ridge benchmarks (scripts/benchRidge.ts): deletion K = 8, d = 32, C = 10 at
//                    depths 12, 16, 20, class forgetting at depth 20, and the SISA shard-retrain proof
//                    (sisa-d8-s3-f16-e10-k3) side by side; uses $ZKFORGET_CACHE for the circuits and keys
//                    (a depth-20 compile takes many minutes), keys made once and timed when missing;
//                    --ridge-depths 12,16,20 chooses the deletion depths (the last one goes side by side);
//                    then the genesis measurements of --ridge-genesis
//   --dev-keys       only the dev key routes: direct from the secrets against dev ptau + groth16
//                    setup + beacon, per profile (default: deletion-d10-k4,sisa-d8-s3-f16-e10-k3)
//
// Each measurement runs in a child process so that its peak RSS is its own. Profiles are
// built into a fresh cache directory so that setup is measured from scratch.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as snarkjs from "snarkjs";
import { getCurveFromName } from "ffjavascript";
import { buildCircuit } from "../src/circuits/build.ts";
import { getProfile } from "../src/circuits/profiles.ts";
import { SparseMerkleTree } from "../src/crypto/merkle.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { CommittedDataset } from "../src/dataset/commitment.ts";
import { loadDataset } from "../src/encoding/records.ts";
import { buildDevZkeyViaSetup, DEFAULT_DEV_SEED, devZkeyBeaconParams, ensureDevKey, type ProvingKey } from "../src/keys/devKeys.ts";
import { writeDirectDevZkey } from "../src/setup/directZkey.ts";
import { blake2b512File } from "../src/setup/fileHash.ts";
import { requiredPtauPower } from "../src/setup/ptauInfo.ts";
import { readR1csInfo } from "../src/setup/r1csInfo.ts";
import type { Groth16Proof } from "../src/verifier/types.ts";
import { groth16Check } from "../src/verifier/groth16.ts";
import { decodeProof } from "../src/verifier/proofPoints.ts";
import { verifyBundle } from "../src/verifier/verify.ts";
import { proveDeletion } from "../src/prover/deletion.ts";
import { makeTrainingConfig, shardProfileParams } from "../src/ml/config.ts";
import { proveWithKey, selectProver } from "../src/prover/groth16.ts";
import { proveAccuracy } from "../src/prover/accuracy.ts";
import { proveShardRetrain } from "../src/prover/shardRetrain.ts";
import { releaseCurve } from "../src/setup/curve.ts";
import { devBeaconHash, devContributionName, generateDevPtau } from "../src/setup/devPtau.ts";
import { ModelCommitment } from "../src/sisa/model.ts";
import { shardOfSlot } from "../src/sisa/shards.ts";
import { buildDeletionWitness } from "../src/statements/deletion.ts";
import { accuracyProfileParams } from "../src/statements/accuracy.ts";
import { trainAllShards } from "../src/evaluation/retrainAll.ts";
import solc from "solc";
import { anchorContract } from "../src/solidity/anchor.ts";
import { advanceSignature, encodeCall, proofWords, REGISTER_SIGNATURE, verifyProofSignature, word32 } from "../src/solidity/calldata.ts";
import { contractName, solidityVerifier } from "../src/solidity/verifierSource.ts";
import { account, compileSolidity, TestChain, type CallResult } from "../test/helpers/evm.ts";
import { benchProvers } from "./benchProvers.ts";
import { benchRidgeProfile } from "./benchRidge.ts";
import { benchRidgeGenesis } from "./benchRidgeGenesis.ts";
import { median, round } from "./benchMath.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean" },
    profiles: { type: "string" },
    powers: { type: "string" },
    accuracy: { type: "string" },
    "only-accuracy": { type: "boolean" },
    "only-verifier": { type: "boolean" },
    "verifier-profile": { type: "string" },
    evm: { type: "string" },
    "only-evm": { type: "boolean" },
    provers: { type: "boolean" },
    reps: { type: "string" },
    "dev-keys": { type: "boolean" },
    ridge: { type: "boolean" },
    "ridge-depths": { type: "string" },
    "ridge-genesis": { type: "boolean" },
    amnesiac: { type: "boolean" },
    child: { type: "string" },
    arg: { type: "string" },
  },
});

if (values["ridge-genesis"]) {
  await benchRidgeGenesis();
} else if (values.provers) {
  await benchProvers((values.profiles ?? "sisa-d8-s3-f16-e10-k3,deletion-d20-k8").split(","), Number(values.reps ?? 3));
} else if (values.child) {
  await runChild(values.child, values.arg ?? "");
} else {
  await runParent();
}

async function runParent(): Promise<void> {
  if (values.amnesiac) {
    // Each mode in its own process (their JSON lines go straight to stdout), under the usual cache.
    for (const mode of [[], ["--training"], ["--repair"]]) {
      const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/bench-amnesiac.ts", ...mode], { encoding: "utf8", stdio: ["ignore", "inherit", "inherit"] });
      if (r.status !== 0) throw new Error(`bench-amnesiac ${mode.join(" ")} failed (exit ${r.status})`);
    }
    return;
  }
  if (values.ridge) {
    await runRidge();
    await benchRidgeGenesis();
    return;
  }
  if (values["only-verifier"]) {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/bench.ts", "--child", "verifier", "--arg", values["verifier-profile"] ?? "deletion-d8-k2"], { encoding: "utf8", stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) throw new Error(`bench verifier failed (exit ${r.status})`);
    return;
  }
  const cache = await mkdtemp(join(tmpdir(), "zkf-bench-"));
  const env = { ...process.env, ZKFORGET_CACHE: cache };
  const child = (task: string, arg: string): Record<string, unknown> => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/bench.ts", "--child", task, "--arg", arg], { env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    if (r.status !== 0 || !line.startsWith("{")) throw new Error(`bench ${task} ${arg} failed (exit ${r.status})`);
    process.stdout.write(`${line}\n`);
    return JSON.parse(line) as Record<string, unknown>;
  };
  try {
    if (values["dev-keys"]) {
      for (const name of (values.profiles ?? "deletion-d10-k4,sisa-d8-s3-f16-e10-k3").split(",")) {
        const direct = child("dev-key-direct", name);
        const setup = child("dev-key-setup", name);
        process.stdout.write(`${JSON.stringify({
          bench: "dev-key", profile: name, constraints: direct.constraints, power: direct.power,
          directSeconds: direct.seconds, setupRouteSeconds: setup.seconds,
          speedup: round((setup.seconds as number) / (direct.seconds as number), 1),
          identical: direct.zkeyHash === setup.zkeyHash, directPeakRssMB: direct.peakRssMB, setupRoutePeakRssMB: setup.peakRssMB,
        })}\n`);
      }
      return;
    }
    const accuracy = (values.accuracy ?? "accuracy-s3-f16-t8").split(",");
    const evm = (values.evm ?? "deletion-d8-k2").split(",");
    if (values["only-evm"]) {
      for (const name of evm) child("evm", name);
      return;
    }
    if (values["only-accuracy"]) {
      for (const name of accuracy) child("accuracy", name);
      return;
    }
    const powers = (values.powers ?? "12,14,16").split(",").map(Number);
    for (const p of powers) {
      const dev = child("dev-ptau", String(p));
      if (p <= 14 && !(values.quick && p > 12)) {
        const stock = child("snarkjs-ptau", String(p));
        process.stdout.write(`${JSON.stringify({ bench: "dev-ptau-speedup", power: p, devSeconds: dev.seconds, snarkjsSeconds: stock.seconds, speedup: round((stock.seconds as number) / (dev.seconds as number), 1) })}\n`);
      }
    }
    for (const name of (values.profiles ?? "deletion-d10-k4,deletion-d20-k8,sisa-d9-s3-f16-e10-k4").split(",")) child("profile", name);
    for (const name of accuracy) child("accuracy", name);
    for (const name of evm) child("evm", name);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

/**
 * The ridge benchmarks, each in a child process under the usual cache: the deletion line
 * per depth (exactly its fields), the class-forgetting line, and the side-by-side line.
 */
async function runRidge(): Promise<void> {
  const child = (task: string, arg: string): Record<string, unknown> => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/bench.ts", "--child", task, "--arg", arg], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    if (r.status !== 0 || !line.startsWith("{")) throw new Error(`bench ${task} ${arg} failed (exit ${r.status})`);
    process.stdout.write(`${line}\n`);
    return JSON.parse(line) as Record<string, unknown>;
  };
  const deletions = (values["ridge-depths"] ?? "12,16,20").split(",").map(Number).map((depth) => {
    const m = child("ridge", `ridge-deletion-d${depth}-f32-c10-k8`);
    process.stdout.write(`${JSON.stringify({ bench: "ridge-deletion", depth, K: 8, features: 32, classes: 10, constraints: m.constraints, proveSeconds: m.proveSeconds, genesisProved: false })}\n`);
    return m;
  });
  const forget = child("ridge", "ridge-forget-class-d20-f32-c10");
  process.stdout.write(`${JSON.stringify({ bench: "ridge-class-forget", depth: 20, features: 32, classes: 10, constraints: forget.constraints, proveSeconds: forget.proveSeconds, genesisProved: false })}\n`);
  const sisa = child("ridge-sisa", "sisa-d8-s3-f16-e10-k3");
  const ridge = deletions.at(-1)!;
  process.stdout.write(`${JSON.stringify({
    bench: "ridge-vs-sisa-deletion",
    sisa: { profile: sisa.profile, records: sisa.records, recordsPerShard: sisa.recordsPerShard, features: sisa.features, deletedRecords: sisa.deletedRecords, constraints: sisa.constraints, proveSeconds: sisa.proveSeconds, prover: sisa.prover },
    ridge: { profile: ridge.profile, slots: 2 ** (ridge.depth as number), features: 32, classes: 10, deletedRecords: 8, constraints: ridge.constraints, proveSeconds: ridge.proveSeconds, prover: ridge.prover, genesisProved: false },
  })}\n`);
}

/** Median of 20 verifications after one warm-up call (worker threads started, curve built). */
async function warmVerifySeconds(key: ProvingKey, publicSignals: string[], proof: Groth16Proof): Promise<number> {
  await snarkjs.groth16.verify(key.vkey, publicSignals, proof);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const [ok, s] = await timed(() => snarkjs.groth16.verify(key.vkey, publicSignals, proof));
    if (!ok) throw new Error("bench proof did not verify");
    times.push(s);
  }
  return median(times);
}

/** Median of 20 warm checks on the verifier's path (decode the points, noble pairing check), after one that prepares the key. */
function warmNobleVerifySeconds(key: ProvingKey, publicSignals: string[], proof: Groth16Proof): number {
  const once = () => {
    const t = performance.now();
    const decoded = decodeProof(proof);
    if (!decoded.ok || !groth16Check(key.vkey, publicSignals.map(BigInt), decoded.value)) throw new Error("bench proof did not verify on noble");
    return (performance.now() - t) / 1000;
  };
  once();
  return median(Array.from({ length: 20 }, once));
}

function peakRssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, (performance.now() - t) / 1000];
}

async function runChild(task: string, arg: string): Promise<void> {
  const emit = (o: object) => process.stdout.write(`${JSON.stringify({ ...o, peakRssMB: peakRssMB() })}\n`);
  const dir = await mkdtemp(join(tmpdir(), "zkf-bench-ptau-"));
  try {
    if (task === "dev-ptau") {
      const power = Number(arg);
      const [, seconds] = await timed(() => generateDevPtau({ power, seed: "bench", outFile: join(dir, "dev.ptau") }));
      emit({ bench: "dev-ptau", power, seconds: round(seconds) });
    } else if (task === "snarkjs-ptau") {
      // The stock route to the same file: powersoftau new + beacon + prepare phase2.
              const power = Number(arg);
      const curve = await getCurveFromName("bn128");
      const [, newS] = await timed(() => snarkjs.powersOfTau.newAccumulator(curve, power, join(dir, "0.ptau")));
      const [, beaconS] = await timed(() => snarkjs.powersOfTau.beacon(join(dir, "0.ptau"), join(dir, "1.ptau"), devContributionName("bench"), Buffer.from(devBeaconHash("bench")).toString("hex"), 10));
      const [, prepareS] = await timed(() => snarkjs.powersOfTau.preparePhase2(join(dir, "1.ptau"), join(dir, "2.ptau")));
      emit({ bench: "snarkjs-ptau", power, seconds: round(newS + beaconS + prepareS), newSeconds: round(newS), beaconSeconds: round(beaconS), prepareSeconds: round(prepareS) });
    } else if (task === "dev-key-direct" || task === "dev-key-setup") {
      await benchDevKeyRoute(task, arg, join(dir, "dev.ptau"), emit);
    } else if (task === "accuracy") {
      await benchAccuracyProfile(arg, emit);
    } else if (task === "verifier") {
      await benchVerifier(arg, emit);
    } else if (task === "evm") {
      await benchEvm(arg, emit);
    } else if (task === "ridge") {
      emit({ ...(await benchRidgeProfile(arg)) });
    } else if (task === "ridge-sisa") {
      await benchSisaRetrainOnce(arg, emit);
    } else if (task === "profile") {
      if (getProfile(arg).template === "ShardRetrain") await benchShardProfile(arg, emit);
      else await benchDeletionProfile(arg, emit);
    } else {
      throw new Error(`unknown bench task ${task}`);
    }
  } finally {
    await releaseCurve();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * One route to a profile's dev zkey, from a compiled circuit (the compile is not timed): direct
 * from the secrets, or the reference route with its dev ptau made from scratch.
 */
async function benchDevKeyRoute(task: string, name: string, ptauPath: string, emit: (o: object) => void): Promise<void> {
  const circuit = await buildCircuit(getProfile(name), { onProgress: () => {} });
  const r1csHash = await blake2b512File(circuit.r1csPath);
  const outFile = join(circuit.cacheDir, `bench-${name}-${task}.zkey`);
  const onProgress = (m: string) => process.stderr.write(`  ${m}\n`);
  const [, seconds] = await timed<unknown>(() => task === "dev-key-direct"
    ? writeDirectDevZkey({ r1csPath: circuit.r1csPath, ptauSeed: DEFAULT_DEV_SEED, beacon: devZkeyBeaconParams(DEFAULT_DEV_SEED, r1csHash), outFile, onProgress })
    : buildDevZkeyViaSetup({ r1csPath: circuit.r1csPath, seed: DEFAULT_DEV_SEED, ptauPath, outFile, onProgress }));
  const power = requiredPtauPower(await readR1csInfo(circuit.r1csPath));
  emit({ bench: task, profile: name, constraints: circuit.constraints, power, seconds: round(seconds), zkeyHash: await blake2b512File(outFile) });
  await rm(outFile, { force: true });
}

/**
 * Deletion proofs under `key` over a sparse tree with 4096 committed leaves spread over the
 * slot range; run r deletes its own K slots (from the same tree, so runs are independent).
 */
async function deletionProver(key: ProvingKey): Promise<(run: number) => ReturnType<typeof proveWithKey>> {
  const profile = key.circuit.profile;
  const [depth, k] = profile.params as [number, number];
  const poseidon = await getPoseidon();
  const tree = new SparseMerkleTree(depth, (l, r) => poseidon.hash([l, r]));
  const filled = Math.min(4096, 2 ** depth);
  const stride = Math.floor(2 ** depth / filled);
  tree.setMany(Array.from({ length: filled }, (_, i) => ({ index: i * stride, leaf: poseidon.hash([BigInt(i + 1)]) })));
  return (run) => {
    const indices = Array.from({ length: k }, (_, j) => (run * k + j) * 3 * stride);
    const w = buildDeletionWitness(tree, indices, k, poseidon);
    const expected = profile.publicSignals.map((s) => w.publicSignals[s as keyof typeof w.publicSignals]);
    return proveWithKey(key, w.input, expected);
  };
}

/**
 * Gas on an in-process EVM (solc-js 0.8.37, optimizer on, Cancun): the generated verifier's
 * verifyProof on a valid proof, and the anchor's register and first advance. Execution gas
 * excludes the transaction's 21,000 + calldata; `…TxGas` includes them.
 */
async function benchEvm(name: string, emit: (o: object) => void): Promise<void> {
  const profile = getProfile(name);
  if (profile.template !== "DatasetDeletion") throw new Error(`--evm measures deletion profiles (the gas depends only on the public-signal count); ${name} is ${profile.template}`);
  const key = await ensureDevKey(profile, { onProgress: (m) => process.stderr.write(`  ${m}\n`) });
  const { proof, publicSignals } = await (await deletionProver(key))(0);
  const [sources, compileSeconds] = await timed(async () => ({ "Verifier.sol": await solidityVerifier(key), "Anchor.sol": await anchorContract(key) }));
  const [compiled, solcSeconds] = await timed(async () => compileSolidity(sources));
  const chain = await TestChain.create();
  const verifier = await chain.deploy(account(1), compiled.get(contractName(name))!.bytecode);
  const anchor = await chain.deploy(account(1), compiled.get(contractName(name, "Anchor"))!.bytecode, word32(BigInt(verifier)));
  const words = proofWords(proof, publicSignals);
  const n = publicSignals.length;
  const check = async (what: string, r: Promise<CallResult>) => {
    const result = await r;
    if (!result.ok) throw new Error(`${what} failed on the EVM: ${result.error} ${result.returnValue}`);
    return result;
  };
  const verify = await check("verifyProof", chain.call(account(2), verifier, encodeCall(verifyProofSignature(n), words)));
  if (BigInt(verify.returnValue) !== 1n) throw new Error("the bench proof does not verify on the EVM");
  const register = await check("register", chain.call(account(2), anchor, encodeCall(REGISTER_SIGNATURE, [BigInt(publicSignals[0]!)])));
  const advance = await check("advance", chain.call(account(2), anchor, encodeCall(advanceSignature(n), words)));
  emit({
    bench: "evm", profile: name, publicSignals: n, solc: solc.version(), renderSeconds: round(compileSeconds), solcSeconds: round(solcSeconds),
    verifyProofGas: Number(verify.executionGas), verifyProofTxGas: Number(verify.transactionGas),
    registerGas: Number(register.executionGas), registerTxGas: Number(register.transactionGas),
    advanceGas: Number(advance.executionGas), advanceTxGas: Number(advance.transactionGas),
  });
}

async function benchDeletionProfile(name: string, emit: (o: object) => void): Promise<void> {
  const profile = getProfile(name);
  const k = profile.params[1]!;
  const [circuit, compileSeconds] = await timed(() => buildCircuit(profile));
  const [key, keySeconds] = await timed(() => ensureDevKey(profile, { onProgress: (m) => process.stderr.write(`  ${m}\n`) }));
  const prove = await deletionProver(key);
  const proveTimes: number[] = [];
  let last;
  for (let run = 0; run < 3; run++) {
    last = await prove(run);
    proveTimes.push(last.seconds);
  }
  const verifySeconds = await warmVerifySeconds(key, last!.publicSignals, last!.proof);
  const nobleSeconds = warmNobleVerifySeconds(key, last!.publicSignals, last!.proof);
  emit({
    bench: "profile", profile: name, constraints: circuit.constraints,
    compileSeconds: round(compileSeconds), setupSeconds: round(keySeconds),
    proveSeconds: round(median(proveTimes)), proveSecondsAll: proveTimes.map((t) => round(t)),
    verifySecondsWarm: round(verifySeconds, 4), verifySecondsWarmNoble: round(nobleSeconds, 4), deletionsPerProof: k,
  });
}

async function benchShardProfile(name: string, emit: (o: object) => void): Promise<void> {
  const profile = getProfile(name);
  const p = shardProfileParams(profile.params);
  const perShard = 2 ** (p.dataDepth - p.shardDepth);
  const shards = 2 ** p.shardDepth;
  const [circuit, compileSeconds] = await timed(() => buildCircuit(profile));
  // Constraints per sample-epoch, from the compiled r1cs: the same circuit with one more epoch.
  const longer = await buildCircuit({ ...profile, name: `${name}-bench-e${p.epochs + 1}`, params: [p.shardDepth, p.dataDepth, p.features, p.epochs + 1, p.maxDeletions] });
  const perSampleEpoch = (longer.constraints - circuit.constraints) / perShard;
  const [key, keySeconds] = await timed(() => ensureDevKey(profile, { onProgress: (m) => process.stderr.write(`  ${m}\n`) }));

  const poseidon = await getPoseidon();
  const data = await loadDataset("data/demo.csv");
  const config = makeTrainingConfig(p, { learningRate: 2, l2: 1 / 64 });
  const system = {
    config,
    dataset: CommittedDataset.commit({ ...data, records: data.records.slice(0, 2 ** p.dataDepth) }, p.dataDepth, poseidon),
    models: ModelCommitment.empty(p.shardDepth, p.features, poseidon.hash),
  };
  // Full retrain: every shard trained and proved from scratch.
  let full = system;
  const fullTimes: number[] = [];
  for (let k = 0; k < shards; k++) {
    const r = await proveShardRetrain(full, k, [], { profile, key });
    full = r.system;
    fullTimes.push(r.proveSeconds);
  }
  // SISA path: delete K records of shard 0 and retrain (and prove) that shard only.
  const ids = full.dataset.liveSlots().filter((s) => shardOfSlot(s.index, p) === 0).slice(0, p.maxDeletions).map((s) => s.id);
  const retrain = await proveShardRetrain(full, 0, ids, { profile, key });
  const verifySeconds = await warmVerifySeconds(key, retrain.bundle.publicSignals, retrain.bundle.proof);
  const nobleSeconds = warmNobleVerifySeconds(key, retrain.bundle.publicSignals, retrain.bundle.proof);
  const fullSeconds = fullTimes.reduce((a, b) => a + b, 0);
  emit({
    bench: "profile", profile: name, constraints: circuit.constraints, recordsPerShard: perShard, features: p.features, epochs: p.epochs,
    constraintsPerSampleEpoch: round(perSampleEpoch, 1),
    compileSeconds: round(compileSeconds), setupSeconds: round(keySeconds),
    proveSeconds: round(retrain.proveSeconds), verifySecondsWarm: round(verifySeconds, 4), verifySecondsWarmNoble: round(nobleSeconds, 4),
    deletedRecords: ids.length,
    retrainProveSecondsPerDeletedRecord: round(retrain.proveSeconds / ids.length),
    fullRetrainProveSeconds: round(fullSeconds), fullRetrainProveSecondsPerDeletedRecord: round(fullSeconds / ids.length),
    shardingSpeedup: round(fullSeconds / retrain.proveSeconds, 1),
  });
}

/**
 * One SISA shard-retrain proof, the counterpart of a ridge deletion: every shard trained in
 * TypeScript (unproved), then K records of shard 0 deleted and that shard retrained and proved.
 */
async function benchSisaRetrainOnce(name: string, emit: (o: object) => void): Promise<void> {
  const profile = getProfile(name);
  const p = shardProfileParams(profile.params);
  const circuit = await buildCircuit(profile);
  const [key, keySeconds] = await timed(() => ensureDevKey(profile, { onProgress: (m) => process.stderr.write(`  ${m}\n`) }));
  const poseidon = await getPoseidon();
  const data = await loadDataset("data/demo.csv");
  const config = makeTrainingConfig(p, { learningRate: 2, l2: 1 / 64 });
  const dataset = CommittedDataset.commit({ ...data, records: data.records.slice(0, 2 ** p.dataDepth) }, p.dataDepth, poseidon);
  const system = { config, dataset, models: trainAllShards(config, dataset, poseidon.hash) };
  const ids = dataset.liveSlots().filter((s) => shardOfSlot(s.index, p) === 0).slice(0, p.maxDeletions).map((s) => s.id);
  const retrain = await proveShardRetrain(system, 0, ids, { profile, key });
  emit({
    bench: "sisa-retrain", profile: name, records: dataset.liveSlots().length, recordsPerShard: 2 ** (p.dataDepth - p.shardDepth), features: p.features,
    deletedRecords: ids.length, constraints: circuit.constraints, keySeconds: round(keySeconds), proveSeconds: round(retrain.proveSeconds), prover: selectProver(),
  });
}

/**
 * A ModelAccuracy profile: constraints per test record from the r1cs (the same circuit with half
 * the test slots), split into prediction + count (PredictionCorrect compiled alone) and the
 * record's commitment (the rest: range checks, record hash, leaf, its share of the tree); setup
 * from scratch; proving the accuracy of an ensemble trained (in TypeScript, unproved) on the demo
 * data, on the demo's held-out records committed as the test set; warm verification.
 */
async function benchAccuracyProfile(name: string, emit: (o: object) => void): Promise<void> {
  const profile = getProfile(name);
  const p = accuracyProfileParams(profile.params);
  const slots = 2 ** p.testDepth;
  const [circuit, compileSeconds] = await timed(() => buildCircuit(profile));
  const half = await buildCircuit({ ...profile, name: `${name}-bench-t${p.testDepth - 1}`, params: [p.shardDepth, p.features, p.testDepth - 1] });
  const perRecord = (circuit.constraints - half.constraints) / (slots / 2);
  const prediction = await buildCircuit({
    name: `bench-prediction-s${p.shardDepth}-f${p.features}`, template: "PredictionCorrect", source: "lib/accuracy.circom",
    params: [p.shardDepth, p.features], publicSignals: [],
  });
  const [key, setupSeconds] = await timed(() => ensureDevKey(profile, { onProgress: (m) => process.stderr.write(`  ${m}\n`) }));

  // Shards of 32 demo records (features cut to the profile's), the next `slots` records as the test set.
  const poseidon = await getPoseidon();
  const data = await loadDataset("data/demo.csv");
  const cut = { featureNames: data.featureNames.slice(0, p.features), records: data.records.map((r) => ({ ...r, features: r.features.slice(0, p.features) })) };
  const params = { shardDepth: p.shardDepth, dataDepth: p.shardDepth + 5, features: p.features, epochs: 10, maxDeletions: 3 };
  const capacity = 2 ** params.dataDepth;
  if (cut.records.length < capacity + slots) throw new Error(`data/demo.csv has ${cut.records.length} records; ${name} needs ${capacity + slots}`);
  const testSet = CommittedDataset.commit({ ...cut, records: cut.records.slice(capacity, capacity + slots) }, p.testDepth, poseidon);
  const config = makeTrainingConfig(params, { learningRate: 2, l2: 1 / 64 }, testSet.root);
  const dataset = CommittedDataset.commit({ ...cut, records: cut.records.slice(0, capacity) }, params.dataDepth, poseidon);
  const system = { config, dataset, models: trainAllShards(config, dataset, poseidon.hash) };
  const proveTimes: number[] = [];
  let last;
  for (let run = 0; run < (circuit.constraints < 100_000 ? 3 : 1); run++) {
    last = await proveAccuracy(system, testSet, { profile, key });
    proveTimes.push(last.proveSeconds);
  }
  const verifySeconds = await warmVerifySeconds(key, last!.bundle.publicSignals, last!.bundle.proof);
  const nobleSeconds = warmNobleVerifySeconds(key, last!.bundle.publicSignals, last!.bundle.proof);
  emit({
    bench: "accuracy", profile: name, constraints: circuit.constraints, testSlots: slots, testRecords: last!.total, features: p.features, shards: 2 ** p.shardDepth,
    constraintsPerTestRecord: round(perRecord, 1), predictionConstraintsPerRecord: prediction.constraints,
    commitmentConstraintsPerRecord: round(perRecord - prediction.constraints, 1), onceConstraints: round(circuit.constraints - perRecord * slots),
    ptauPower: key.manifest.ptau.power, compileSeconds: round(compileSeconds), setupSeconds: round(setupSeconds),
    proveSeconds: round(median(proveTimes)), proveSecondsAll: proveTimes.map((t) => round(t)), verifySecondsWarm: round(verifySeconds, 4), verifySecondsWarmNoble: round(nobleSeconds, 4),
    correct: last!.correct, total: last!.total,
  });
}

/**
 * verifyBundle (bundle checks, statement, the noble pairing check) on a real deletion bundle:
 * the first call (which prepares the key: e(α, β) and the lines of γ and δ) and the median of 30
 * warm calls, in wall-clock and in this process's CPU time (the machine is shared, so CPU time
 * is the steadier figure), against snarkjs.groth16.verify warm on the same proof.
 */
async function benchVerifier(name: string, emit: (o: object) => void): Promise<void> {
  const profile = getProfile(name);
  const key = await ensureDevKey(profile);
  const data = await loadDataset("data/demo.csv");
  const dataset = CommittedDataset.commit({ ...data, records: data.records.slice(0, 40) }, profile.params[0]!, await getPoseidon());
  const { bundle } = await proveDeletion(dataset, [data.records[3]!.id, data.records[17]!.id], { profile, key });
  const keys = new Map([[profile.name, { vkey: key.vkey, manifest: key.manifest }]]);
  const once = async () => {
    const t = performance.now();
    const c = process.cpuUsage();
    const result = await verifyBundle(bundle, { keys, allowDev: true });
    const cpu = process.cpuUsage(c);
    if (!result.valid) throw new Error(`bench bundle did not verify: ${result.reasons.join("; ")}`);
    return { wall: (performance.now() - t) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  };
  const first = await once();
  const warm = [];
  for (let i = 0; i < 30; i++) warm.push(await once());
  const snarkjsSeconds = await warmVerifySeconds(key, bundle.publicSignals, bundle.proof);
  emit({
    bench: "verifier", profile: name, library: "@noble/curves", publicSignals: bundle.publicSignals.length,
    firstCallSeconds: round(first.wall, 4), warmSeconds: round(median(warm.map((w) => w.wall)), 4),
    warmCpuSeconds: round(median(warm.map((w) => w.cpu)), 4), warmMinSeconds: round(Math.min(...warm.map((w) => w.wall)), 4),
    snarkjsWarmSeconds: round(snarkjsSeconds, 4), loadAverage: loadavg()[0],
  });
}
