import { rm } from "node:fs/promises";
import { join } from "node:path";
import { packageRoot } from "../../circuits/paths.ts";
import { getProfile } from "../../circuits/profiles.ts";
import { getPoseidon } from "../../crypto/poseidon.ts";
import { CommittedDataset } from "../../dataset/commitment.ts";
import { loadDataset } from "../../encoding/records.ts";
import { ensureDevKey } from "../../keys/devKeys.ts";
import { proveDeletion } from "../../prover/deletion.ts";
import { loadKeyRing, releaseVerifierThreads, toHex32, verifyBundle } from "../../verifier/index.ts";
import { writeFileAtomically } from "../../workspace/atomicFile.ts";
import { saveWorkspace } from "../../workspace/workspace.ts";
import { parseCommandArgs, progress, type Command } from "../command.ts";
import { DEFAULT_DELETION_PROFILE } from "./commit.ts";

/** Records the demo's data subject asks to delete. */
const DEMO_SUBJECT_RECORDS = ["d0-7", "d1-7", "d0-42"];

export const demoCommand: Command = {
  name: "demo",
  summary: "run the whole flow on the embedded MNIST sample: commit, forget, prove, verify",
  help: `Usage: zkforget demo [--workspace DIR]

Commits the embedded dataset (512 MNIST digits, 0 vs 1, pooled to 16 features), deletes
the 3 records of one data subject, proves the deletion with Groth16 under the INSECURE dev
key, and verifies the bundle with the standalone verifier against the keys shipped in
keys/. The first run compiles the circuit and makes the dev key (about a minute); later
runs reuse the cache.

Options:
  --workspace DIR   where the state, receipts and bundle go (default ./zkforget-demo)`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { workspace: { type: "string" } }, false);
    const log = progress();
    const dir = values.workspace ?? "zkforget-demo";
    await rm(join(dir, "state.json"), { force: true });
    const profile = getProfile(DEFAULT_DELETION_PROFILE);

    const dataFile = join(packageRoot(), "data", "demo.csv");
    const data = await loadDataset(dataFile);
    const dataset = CommittedDataset.commit(data, profile.params[0]!, await getPoseidon());
    await saveWorkspace(dir, profile.name, dataset, []);
    log(`1/4 committed ${dataset.size} records (${data.featureNames.length} features) → dataRoot ${toHex32(dataset.root).slice(0, 18)}…`);

    const key = await ensureDevKey(profile, { onProgress: log });
    log(`2/4 dev key ready: ${profile.name}, ${key.manifest.constraints} constraints (INSECURE: public secrets)`);

    const { bundle, dataset: after, proveSeconds } = await proveDeletion(dataset, DEMO_SUBJECT_RECORDS, { profile, key });
    const bundlePath = join(dir, "bundles", "0001-deletion.json");
    await writeFileAtomically(bundlePath, `${JSON.stringify(bundle, null, 1)}\n`);
    await saveWorkspace(dir, profile.name, after, ["bundles/0001-deletion.json"]);
    log(`3/4 proved deletion of ${DEMO_SUBJECT_RECORDS.length} records in ${proveSeconds.toFixed(1)} s`);

    const keys = await loadKeyRing(join(packageRoot(), "keys"));
    const started = performance.now();
    const result = await verifyBundle(JSON.stringify(bundle), { keys, allowDev: true });
    const verifyMs = performance.now() - started;
    await releaseVerifierThreads();
    log(`4/4 standalone verifier: ${result.valid ? "VALID" : "INVALID"}`);

    const lines = [
      "",
      "zkforget demo — dataset deletion",
      `  dataset        ${dataFile} (${data.records.length} records)`,
      `  profile        ${profile.name}: ${key.manifest.constraints} constraints, INSECURE dev key`,
      `  old dataRoot   ${bundle.statement.oldRoot}`,
      `  new dataRoot   ${bundle.statement.newRoot}`,
      `  deleted        ${DEMO_SUBJECT_RECORDS.join(", ")} → slots ${bundle.statement.deleted.map((d) => d.index).join(", ")}`,
      `  prove          ${proveSeconds.toFixed(2)} s`,
      `  verify         ${verifyMs.toFixed(0)} ms (first call, includes worker start-up)`,
      `  verdict        ${result.valid ? "VALID" : `INVALID: ${result.reasons.join("; ")}`}`,
      `  bundle         ${bundlePath}`,
      `  check it with  npx zkforget verify ${bundlePath} --allow-dev`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    return result.valid ? 0 : 1;
  },
};
