/**
 * The gap of amnesiac unlearning to exact retraining on the demo data (src/methods/amnesiac/gap.ts):
 * commits the first 256 records of data/demo.csv (the other 256 are the test set), trains the
 * amnesiac demo config once (src/methods/amnesiac/demoConfig.ts; unproved: the oracle is
 * bit-exact with the circuits), then for each forget set unlearns by subtracting the logged
 * updates and retrains without the set from the initial weights. Forget sets (seeded):
 *   one-batch     3 random records of one random batch
 *   three-batches 1 random record in each of 3 random batches
 *   highest-loss  the 3 records the original model fits worst
 *   random-3      3 random records
 *   random-16     16 random records
 * Prints one JSON line per set, then a Markdown table and the spread (min–max).
 *
 *   npx tsx scripts/evaluate-amnesiac.ts [--seed S]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../src/circuits/paths.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { CommittedDataset } from "../src/dataset/commitment.ts";
import { loadDataset } from "../src/encoding/records.ts";
import { attackScores } from "../src/evaluation/scores.ts";
import { makeAmnesiacConfig } from "../src/methods/amnesiac/config.ts";
import { AMNESIAC_DEMO_HYPERPARAMETERS, AMNESIAC_DEMO_SHAPE } from "../src/methods/amnesiac/demoConfig.ts";
import { amnesiacGap, gapBase, type AmnesiacGap } from "../src/methods/amnesiac/gap.ts";
import { openSlots, genesisSystem } from "../src/methods/amnesiac/system.ts";
import { seededRandom } from "../src/seededRandom.ts";

const { values } = parseArgs({ options: { seed: { type: "string", default: "1" } } });
const rand = seededRandom(Number(values.seed));
const pick = <T>(xs: readonly T[], n: number): T[] => {
  const pool = [...xs];
  return Array.from({ length: n }, () => pool.splice(Math.floor(rand() * pool.length), 1)[0]!);
};

const shape = AMNESIAC_DEMO_SHAPE;
const capacity = 2 ** shape.dataDepth;
const data = await loadDataset(join(packageRoot(), "data", "demo.csv"));
const poseidon = await getPoseidon();
const train = CommittedDataset.commit({ ...data, records: data.records.slice(0, capacity) }, shape.dataDepth, poseidon);
const test = CommittedDataset.commit({ ...data, records: data.records.slice(capacity) }, shape.dataDepth, poseidon);
const config = makeAmnesiacConfig(shape, AMNESIAC_DEMO_HYPERPARAMETERS, test.root);
const system = genesisSystem(config, train.tree(), train.liveSlots(), poseidon);
const { slots } = openSlots(system, 0, capacity, poseidon);
const base = gapBase(config, slots, poseidon.hash);
const testRecords = test.liveSlots();

const live = train.liveSlots().map((s) => s.index);
const batchOf = (i: number) => Math.floor(i / 2 ** shape.batchLog2);
const batches = [...new Set(live.map(batchOf))];
const loss = attackScores([base.weights], live.map((i) => slots[i]!)).loss;
const worst = live.map((i, k) => ({ i, score: loss[k]! })).sort((a, b) => a.score - b.score).slice(0, 3).map((x) => x.i);
const oneBatch = pick(batches, 1)[0]!;
const sets: Record<string, number[]> = {
  "one-batch": pick(live.filter((i) => batchOf(i) === oneBatch), 3),
  "three-batches": pick(batches, 3).map((b) => pick(live.filter((i) => batchOf(i) === b), 1)[0]!),
  "highest-loss": worst,
  "random-3": pick(live, 3),
  "random-16": pick(live, 16),
};

const rows: [string, AmnesiacGap][] = [];
for (const [name, forget] of Object.entries(sets)) {
  const gap = amnesiacGap(base, forget, testRecords);
  rows.push([name, gap]);
  console.log(JSON.stringify({ set: name, ...gap }));
}
const f3 = (x: number) => x.toFixed(3);
const pct = (x: number) => (100 * x).toFixed(1);
const trio = (r: Record<"original" | "unlearned" | "reference", number>, f: (x: number) => string) => `${f(r.original)} / ${f(r.unlearned)} / ${f(r.reference)}`;
console.log("\n| forget set | records | steps subtracted | MIA AUC loss (original / unlearned / retrained) | MIA AUC confidence | retain % | forget % | test % | L2 to retrained: original / unlearned |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const [name, g] of rows) {
  console.log(`| ${name} | ${g.forget.length} | ${g.subtractedSteps} | ${trio(g.auc.loss, f3)} | ${trio(g.auc.confidence, f3)} | ${trio(g.accuracy.retain, pct)} | ${trio(g.accuracy.forget, pct)} | ${trio(g.accuracy.test, pct)} | ${f3(g.l2ToReference.original)} / ${f3(g.l2ToReference.unlearned)} |`);
}
const span = (f: (g: AmnesiacGap) => number) => {
  const xs = rows.map(([, g]) => f(g));
  return `${f3(Math.min(...xs))}–${f3(Math.max(...xs))}`;
};
console.log(`\nspread over ${rows.length} sets: L2 unlearned→retrained ${span((g) => g.l2ToReference.unlearned)} (original→retrained ${span((g) => g.l2ToReference.original)}); ` +
  `loss-AUC gap |unlearned − retrained| ${span((g) => Math.abs(g.auc.loss.unlearned - g.auc.loss.reference))}; ` +
  `test accuracy unlearned − retrained ${span((g) => g.accuracy.test.unlearned - g.accuracy.test.reference)}`);
