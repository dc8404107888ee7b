/**
 * §4 of the amnesiac issue: the same deletion proved three ways side by side on the demo data
 * (256 committed records of data/demo.csv, the other 256 held out), one JSON line per method:
 *   amnesiac  one AmnesiacUnlearn proof (profile amnesiac-unlearn-d8-b4-f16-e4-k3) after the
 *             amnesiac demo training (src/methods/amnesiac/demoConfig.ts, built through the
 *             training witness builder: not proved here);
 *   sisa      one ShardRetrain proof per shard holding a deleted record (sisa-d8-s3-f16-e10-k3,
 *             the SISA demo config, shards trained unproved).
 * Each line: constraints, prove seconds (witness + Groth16, dev keys, the default prover) and the
 * measured gap to an exact retraining without the records (L2 distance of the weights, test
 * accuracy after; SISA retrains its shards exactly, so its gap is measured as 0 by comparing the
 * retrained weights with trainShard's);
 *   ridge     one RidgeDeletion proof (ridge-deletion-d8-f16-c2-k3: the same 256 records as a
 *             2-class ridge model, λ = 1) by model shift, its statistics built without proving
 *             the genesis ("genesisProved": false); its gap is the distance to the exact ridge
 *             solution of the remaining records (the proof states a bound per class).
 *
 * With --training instead: one AmnesiacTrain proof (steps 0 and 1, profile
 * amnesiac-train-d8-b4-f16-e4-p1) of the same system: constraints and prove seconds of one proof
 * of 2 steps (the whole training is 32 such proofs).
 *
 * With --repair instead: after the same (unproved) training and unlearning, one AmnesiacRepair
 * proof (amnesiac-repair-d8-b4-f16-e4) per batch the deleted records were in: constraints, prove
 * seconds of each, and the L2 distance to the exact retraining and test accuracy before and after
 * the repairs.
 *
 *   npx tsx scripts/bench-amnesiac.ts [--seed S] [--training | --repair]     (ZKFORGET_CACHE for the build cache)
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildCircuit } from "../src/circuits/build.ts";
import { packageRoot } from "../src/circuits/paths.ts";
import { getProfile } from "../src/circuits/profiles.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { CommittedDataset } from "../src/dataset/commitment.ts";
import { SISA_DEMO_HYPERPARAMETERS, SISA_DEMO_PROFILE } from "../src/demo/sisaDemo.ts";
import { decodeFixed } from "../src/encoding/fixedPoint.ts";
import { loadDataset } from "../src/encoding/records.ts";
import { trainAllShards } from "../src/evaluation/retrainAll.ts";
import { ensureDevKey } from "../src/keys/devKeys.ts";
import { makeTrainingConfig, shardProfileParams } from "../src/ml/config.ts";
import { accuracy, trainShard } from "../src/ml/trainer.ts";
import { makeAmnesiacConfig } from "../src/methods/amnesiac/config.ts";
import { AMNESIAC_DEMO_HYPERPARAMETERS, AMNESIAC_DEMO_SHAPE } from "../src/methods/amnesiac/demoConfig.ts";
import { amnesiacGap, gapBase, l2 } from "../src/methods/amnesiac/gap.ts";
import { touchedBatches } from "../src/methods/amnesiac/repair.ts";
import { proveAmnesiacRepair } from "../src/methods/amnesiac/repairProve.ts";
import { trainAmnesiac } from "../src/methods/amnesiac/training.ts";
import { genesisSystem, openSlots } from "../src/methods/amnesiac/system.ts";
import { buildAmnesiacTrainWitness, buildAmnesiacUnlearnWitness } from "../src/methods/amnesiac/witness.ts";
import { randomSalt } from "../src/dataset/leaf.ts";
import { proveWithKey } from "../src/prover/groth16.ts";
import { proveShardRetrain } from "../src/prover/shardRetrain.ts";
import { planUnlearning } from "../src/prover/unlearn.ts";
import { ensembleAccuracy } from "../src/sisa/ensemble.ts";
import { shardSlotRange } from "../src/sisa/shards.ts";
import { releaseCurve } from "../src/snarkjsThreads.ts";
import { seededRandom } from "../src/seededRandom.ts";
import { weightErrorBound, WEIGHT_FRACTION_BITS } from "../src/methods/ridge/bounds.ts";
import { makeRidgeConfig } from "../src/methods/ridge/config.ts";
import { ridgeRetrainWithout } from "../src/methods/ridge/evaluation.ts";
import { proveRidgeDeletion } from "../src/methods/ridge/prove.ts";
import { solveRidge } from "../src/methods/ridge/solve.ts";
import type { RidgeSystemState } from "../src/methods/ridge/state.ts";
import { ridgeAccuracyOn } from "../src/methods/ridge/utility.ts";
import { liveStatistics } from "../src/methods/ridge/workspaceState.ts";

/** The ridge deletion profile of the side-by-side line: the demo data's shape (256 slots, 16 features, 2 classes), K = 3. */
const RIDGE_SIDE_BY_SIDE_PROFILE = "ridge-deletion-d8-f16-c2-k3";

const { values } = parseArgs({ options: { seed: { type: "string", default: "1" }, training: { type: "boolean" }, repair: { type: "boolean" } } });
const rand = seededRandom(Number(values.seed));
const log = (m: string) => process.stderr.write(`[bench-amnesiac] ${m}\n`);

const data = await loadDataset(join(packageRoot(), "data", "demo.csv"));
const poseidon = await getPoseidon();
const capacity = 2 ** AMNESIAC_DEMO_SHAPE.dataDepth;
const train = CommittedDataset.commit({ ...data, records: data.records.slice(0, capacity) }, AMNESIAC_DEMO_SHAPE.dataDepth, poseidon);
const test = CommittedDataset.commit({ ...data, records: data.records.slice(capacity) }, AMNESIAC_DEMO_SHAPE.dataDepth, poseidon);
const testRecords = test.liveSlots();
const live = train.liveSlots();
const pool = [...live];
const forget = Array.from({ length: 3 }, () => pool.splice(Math.floor(rand() * pool.length), 1)[0]!);
log(`deleting slots ${forget.map((s) => s.index).join(", ")}`);

if (values.training) {
  const config = makeAmnesiacConfig(AMNESIAC_DEMO_SHAPE, AMNESIAC_DEMO_HYPERPARAMETERS, test.root);
  const profile = getProfile("amnesiac-train-d8-b4-f16-e4-p1");
  const built = await buildCircuit(profile);
  const key = await ensureDevKey(profile, { onProgress: log });
  const w = buildAmnesiacTrainWitness(genesisSystem(config, train.tree(), live, poseidon), 1, { logSalts: [randomSalt(), randomSalt()], newModelSalt: randomSalt() }, poseidon);
  const proved = await proveWithKey(key, w.input, [w.publicSignals.oldState, w.publicSignals.newState, BigInt(w.publicSignals.firstStep)]);
  console.log(JSON.stringify({
    bench: "train-2-steps", method: "amnesiac", profile: profile.name, steps: 2, constraints: built.constraints,
    proveSeconds: Number(proved.seconds.toFixed(2)), prover: proved.prover, proofsForWholeTraining: 32,
  }));
  await releaseCurve();
  process.exit(0);
}

if (values.repair) {
  const config = makeAmnesiacConfig(AMNESIAC_DEMO_SHAPE, AMNESIAC_DEMO_HYPERPARAMETERS, test.root);
  let system = genesisSystem(config, train.tree(), live, poseidon);
  while (!system.log.complete) system = buildAmnesiacTrainWitness(system, 1, { logSalts: [randomSalt(), randomSalt()], newModelSalt: randomSalt() }, poseidon).next;
  const slots = openSlots(system, 0, capacity, poseidon).slots;
  const gone = new Set(forget.map((s) => s.index));
  const retrained = trainAmnesiac(slots.map((r, i) => (gone.has(i) ? undefined : r)), config).weights.at(-1)!;
  system = buildAmnesiacUnlearnWitness(system, [...gone], 3, randomSalt(), poseidon).next;
  const unlearned = system.weights;
  const profile = getProfile("amnesiac-repair-d8-b4-f16-e4");
  const built = await buildCircuit(profile);
  const key = await ensureDevKey(profile, { onProgress: log });
  const batches = touchedBatches([...gone], config);
  const seconds: number[] = [];
  for (const batch of batches) {
    const r = await proveAmnesiacRepair(system, batch, profile, key);
    seconds.push(Number(r.proveSeconds.toFixed(2)));
    system = r.next;
  }
  console.log(JSON.stringify({
    bench: "repair-after-unlearn-3-records", method: "amnesiac", profile: profile.name, batches, proofs: batches.length, constraints: built.constraints,
    proveSeconds: seconds, l2ToRetrained: { unlearned: Number(l2(unlearned, retrained).toFixed(4)), repaired: Number(l2(system.weights, retrained).toFixed(4)) },
    testAccuracy: { unlearned: accuracy(unlearned, testRecords), repaired: accuracy(system.weights, testRecords), retrained: accuracy(retrained, testRecords) },
  }));
  await releaseCurve();
  process.exit(0);
}

// Amnesiac.
{
  const config = makeAmnesiacConfig(AMNESIAC_DEMO_SHAPE, AMNESIAC_DEMO_HYPERPARAMETERS, test.root);
  let system = genesisSystem(config, train.tree(), live, poseidon);
  while (!system.log.complete) system = buildAmnesiacTrainWitness(system, 1, { logSalts: [randomSalt(), randomSalt()], newModelSalt: randomSalt() }, poseidon).next;
  const profile = getProfile("amnesiac-unlearn-d8-b4-f16-e4-k3");
  const built = await buildCircuit(profile);
  const key = await ensureDevKey(profile, { onProgress: log });
  const w = buildAmnesiacUnlearnWitness(system, forget.map((s) => s.index), 3, randomSalt(), poseidon);
  const proved = await proveWithKey(key, w.input, [w.publicSignals.oldState, w.publicSignals.newState, w.publicSignals.deletionDigest]);
  const gap = amnesiacGap(gapBase(config, openSlots(system, 0, capacity, poseidon).slots, poseidon.hash), forget.map((s) => s.index), testRecords);
  console.log(JSON.stringify({
    bench: "unlearn-3-records", method: "amnesiac", profile: profile.name, proofs: 1, constraints: built.constraints,
    proveSeconds: Number(proved.seconds.toFixed(2)), prover: proved.prover, subtractedSteps: w.statement.steps.length,
    l2ToRetrained: Number(gap.l2ToReference.unlearned.toFixed(4)), testAccuracy: gap.accuracy.test.unlearned, testAccuracyRetrained: gap.accuracy.test.reference,
  }));
}

// SISA.
{
  const profile = getProfile(SISA_DEMO_PROFILE);
  const params = shardProfileParams(profile.params);
  const config = makeTrainingConfig(params, SISA_DEMO_HYPERPARAMETERS, test.root);
  let system = { config, dataset: train, models: trainAllShards(config, train, poseidon.hash) };
  const built = await buildCircuit(profile);
  const key = await ensureDevKey(profile, { onProgress: log });
  let seconds = 0;
  let l2 = 0;
  const plan = planUnlearning(system, forget.map((s) => s.id));
  for (const step of plan) {
    const r = await proveShardRetrain(system, step.shard, step.recordIds, { profile, key });
    seconds += r.proveSeconds;
    system = r.system;
    const { first, count } = shardSlotRange(step.shard, config);
    const gone = new Set(forget.map((s) => s.index));
    const exact = trainShard(Array.from({ length: count }, (_, i) => {
      const s = live.find((x) => x.index === first + i);
      return s && !gone.has(s.index) ? s : undefined;
    }), config, first).weights;
    l2 += r.weights.reduce((acc, v, j) => acc + decodeFixed(v - exact[j]!) ** 2, 0);
  }
  const models = system.models.trained().map(([, m]) => m.weights);
  console.log(JSON.stringify({
    bench: "unlearn-3-records", method: "sisa", profile: profile.name, proofs: plan.length, constraints: built.constraints,
    proveSeconds: Number(seconds.toFixed(2)), l2ToRetrained: Math.sqrt(l2), testAccuracy: ensembleAccuracy(models, testRecords),
  }));
}

// Ridge: the same records deleted from a ridge model (λ = 1, 2 classes) of the same data by model
// shift; its statistics and model are built without proving the genesis (the line says so).
{
  const profile = getProfile(RIDGE_SIDE_BY_SIDE_PROFILE);
  const [depth, features, classes] = profile.params as [number, number, number];
  const config = makeRidgeConfig({ depth, features, classes }, 1, test.root);
  const stats = liveStatistics(config, train, new Array<boolean>(classes).fill(false));
  const solved = solveRidge(stats, config.lambda, depth);
  const system: RidgeSystemState = { config, dataset: train, stats, statsSalt: randomSalt(), model: solved.model, modelSalt: randomSalt(), residual: solved.residual };
  const built = await buildCircuit(profile);
  const key = await ensureDevKey(profile, { onProgress: log });
  const ids = forget.map((s) => s.id);
  const proved = await proveRidgeDeletion(system, ids, profile, key);
  const reference = ridgeRetrainWithout(system, ids);
  const unit = 2 ** WEIGHT_FRACTION_BITS;
  const distance = Math.hypot(...reference.weights.flatMap((w, c) => w.map((v, j) => Number(v - proved.state.model.weights[c]![j]!) / unit)));
  console.log(JSON.stringify({
    bench: "unlearn-3-records", method: "ridge", profile: profile.name, proofs: 1, constraints: built.constraints,
    proveSeconds: Number(proved.proveSeconds.toFixed(2)), genesisProved: false, l2ToRetrained: Number(distance.toExponential(3)),
    statedBoundPerClass: Number(weightErrorBound(depth, features, config.lambda).toExponential(3)),
    testAccuracy: ridgeAccuracyOn(proved.state.model, testRecords, classes), testAccuracyRetrained: ridgeAccuracyOn(reference, testRecords, classes),
  }));
}

await releaseCurve();
