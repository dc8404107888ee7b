/**
 * Evidence for the unlearning KPIs on the demo dataset: commits the first 256 records of
 * data/demo.csv in 8 shards (sisa-d8-s3-f16-e10-k3, the demo's hyperparameters; the other 256
 * are the held-out test set), trains every shard (unproved: only the unlearning and the baseline
 * are measured), then runs `evaluateUnlearning` on four forget sets of 3 records:
 *   one-shard     3 random records of one random shard
 *   three-shards  1 random record in each of 3 random shards
 *   highest-loss  the 3 records the original ensemble fits worst
 *   random        3 random records anywhere
 * Prints one JSON line per forget set, then a Markdown table and the spread (min–max).
 *
 *   npx tsx scripts/evaluate-demo.ts [--seed S] [--no-baseline-proofs] [--out FILE]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../src/circuits/paths.ts";
import { getProfile } from "../src/circuits/profiles.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { CommittedDataset } from "../src/dataset/commitment.ts";
import { SISA_DEMO_HYPERPARAMETERS, SISA_DEMO_PROFILE } from "../src/demo/sisaDemo.ts";
import { loadDataset } from "../src/encoding/records.ts";
import { evaluateUnlearning } from "../src/evaluation/evaluate.ts";
import type { EvaluationReport } from "../src/evaluation/report.ts";
import { trainAllShards } from "../src/evaluation/retrainAll.ts";
import { attackScores } from "../src/evaluation/scores.ts";
import { writeFileAtomically } from "../src/fsAtomic.ts";
import { ensureDevKey } from "../src/keys/devKeys.ts";
import { makeTrainingConfig, shardProfileParams } from "../src/ml/config.ts";
import type { SisaSystem } from "../src/prover/shardRetrain.ts";
import { shardOfSlot } from "../src/sisa/shards.ts";
import { releaseCurve } from "../src/snarkjsThreads.ts";
import { seededRandom } from "../src/seededRandom.ts";

const { values } = parseArgs({
  options: { seed: { type: "string", default: "1" }, "no-baseline-proofs": { type: "boolean" }, out: { type: "string" } },
});
const log = (m: string) => process.stderr.write(`[evaluate-demo] ${m}\n`);

const rand = seededRandom(Number(values.seed));
const pick = <T>(xs: readonly T[], n: number): T[] => {
  const pool = [...xs];
  return Array.from({ length: n }, () => pool.splice(Math.floor(rand() * pool.length), 1)[0]!);
};

const profile = getProfile(SISA_DEMO_PROFILE);
const params = shardProfileParams(profile.params);
const capacity = 2 ** params.dataDepth;
const data = await loadDataset(join(packageRoot(), "data", "demo.csv"));
const poseidon = await getPoseidon();
const train = CommittedDataset.commit({ ...data, records: data.records.slice(0, capacity) }, params.dataDepth, poseidon);
const test = CommittedDataset.commit({ ...data, records: data.records.slice(capacity) }, params.dataDepth, poseidon);
const config = makeTrainingConfig(params, SISA_DEMO_HYPERPARAMETERS, test.root);
const system: SisaSystem = { config, dataset: train, models: trainAllShards(config, train, poseidon.hash) };
const key = await ensureDevKey(profile, { onProgress: log });
log(`${train.size} records in ${2 ** params.shardDepth} shards trained (no proofs); ${test.size} held out; key ${profile.name} ready`);

const live = train.liveSlots();
const byShard = (k: number) => live.filter((s) => shardOfSlot(s.index, params) === k);
const shards = Array.from({ length: 2 ** params.shardDepth }, (_, k) => k);
const weights = shards.map((k) => system.models.shard(k)!.weights);
const lossScore = attackScores(weights, live).loss; // −loss: the lowest are the worst-fitted records
const forgetSets: { name: string; ids: string[] }[] = [
  { name: "one-shard", ids: pick(byShard(pick(shards, 1)[0]!), 3).map((s) => s.id) },
  { name: "three-shards", ids: pick(shards, 3).map((k) => pick(byShard(k), 1)[0]!.id) },
  { name: "highest-loss", ids: live.map((s, i) => ({ id: s.id, score: lossScore[i]! })).sort((a, b) => a.score - b.score).slice(0, 3).map((x) => x.id) },
  { name: "random", ids: pick(live, 3).map((s) => s.id) },
];

const results: { name: string; ids: string[]; report: EvaluationReport }[] = [];
for (const { name, ids } of forgetSets) {
  log(`forget set ${name}: ${ids.join(", ")}`);
  const { report } = await evaluateUnlearning(system, ids, test, { profile, key, baselineProofs: !values["no-baseline-proofs"], onProgress: log });
  results.push({ name, ids, report });
  process.stdout.write(`${JSON.stringify({ forgetSet: name, ids, report })}\n`);
}
await releaseCurve();
if (values.out) await writeFileAtomically(values.out, `${JSON.stringify(results, null, 1)}\n`);

const f3 = (x: number) => x.toFixed(3);
const pc = (x: number) => `${(100 * x).toFixed(1)}`;
const times = (x: number | undefined) => (x === undefined ? "–" : `${x.toFixed(1)}×`);
type Column = [header: string, cell: (r: EvaluationReport) => string, value?: (r: EvaluationReport) => number[]];
const auc = (a: "loss" | "confidence") => (r: EvaluationReport) => (["original", "unlearned", "reference"] as const).map((m) => r.membershipInference.attacks[a][m].auc);
const acc = (set: "retain" | "forget" | "test") => (r: EvaluationReport) => [r.utility.original[set], r.utility.unlearned[set]];
const columns: Column[] = [
  ["shards", (r) => r.forget.shardsTouched.join(",")],
  ["MIA AUC loss (orig / unl / ref)", (r) => auc("loss")(r).map(f3).join(" / "), auc("loss")],
  ["MIA AUC conf (orig / unl / ref)", (r) => auc("confidence")(r).map(f3).join(" / "), auc("confidence")],
  ["acc retain % (before → after)", (r) => acc("retain")(r).map(pc).join(" → "), acc("retain")],
  ["acc forget % (before → after)", (r) => acc("forget")(r).map(pc).join(" → "), acc("forget")],
  ["acc test % (before → after)", (r) => acc("test")(r).map(pc).join(" → "), acc("test")],
  ["exact", (r) => (r.exact.identical ? "yes" : "NO")],
  ["speedup wall", (r) => times(r.efficiency.ratio?.wall), (r) => (r.efficiency.ratio ? [r.efficiency.ratio.wall] : [])],
  ["speedup CPU", (r) => times(r.efficiency.ratio?.cpu), (r) => (r.efficiency.ratio ? [r.efficiency.ratio.cpu] : [])],
];
const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
const lines = [
  row(["forget set", ...columns.map((c) => c[0])]),
  row(["---", ...columns.map(() => "---")]),
  ...results.map(({ name, report }) => row([name, ...columns.map((c) => c[1](report))])),
];
// Spread: per column and per model position, min–max over the forget sets.
const spread = columns.map(([, , value]) => {
  if (!value) return "";
  const rows = results.map((x) => value(x.report)).filter((v) => v.length > 0);
  if (rows.length === 0) return "–";
  return rows[0]!.map((_, i) => {
    const xs = rows.map((v) => v[i]!);
    return `${Math.min(...xs).toPrecision(3)}–${Math.max(...xs).toPrecision(3)}`;
  }).join(" / ");
});
lines.push(row(["min–max", ...spread]));
process.stdout.write(`\n${lines.join("\n")}\n`);
