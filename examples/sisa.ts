// SISA exact unlearning with zkforget as a library: train 8 shards with proofs, forget two
// records, retrain their shard with a proof, verify everything. Run: npx tsx examples/sisa.ts
import {
  CommittedDataset, ModelCommitment, getPoseidon, getProfile, loadDataset, loadKeyRing, makeTrainingConfig,
  proveShardRetrain, releaseVerifierThreads, shardProfileParams, verifyBundle, type ProofBundle,
} from "../src/index.ts";

const profile = getProfile("sisa-d8-s3-f16-e10-k3");           // 256 slots, 8 shards, 16 features, 10 epochs, K = 3
const params = shardProfileParams(profile.params);
const poseidon = await getPoseidon();
const data = await loadDataset("data/demo.csv");
let system = {
  config: makeTrainingConfig(params, { learningRate: 2, l2: 1 / 64 }),
  dataset: CommittedDataset.commit({ ...data, records: data.records.slice(0, 256) }, params.dataDepth, poseidon),
  models: ModelCommitment.empty(params.shardDepth, params.features, poseidon.hash),
};
const bundles: ProofBundle[] = [];
for (let shard = 0; shard < 8; shard++) {                           // genesis: train and prove every shard
  const r = await proveShardRetrain(system, shard, [], { profile });
  bundles.push(r.bundle);
  system = r.system;
}
const r = await proveShardRetrain(system, 2, ["d0-32", "d1-32"], { profile }); // forget two records of shard 2
bundles.push(r.bundle);

const keys = await loadKeyRing("keys");                              // the verifier needs only these
for (const bundle of bundles) console.log((await verifyBundle(bundle, { keys, allowDev: true })).valid);
await releaseVerifierThreads();
