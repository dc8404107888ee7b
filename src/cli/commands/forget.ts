import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { getProfile } from "../../circuits/profiles.ts";
import { UnknownRecordError } from "../../dataset/commitment.ts";
import { ensureDevKey } from "../../keys/devKeys.ts";
import { proveDeletion } from "../../prover/deletion.ts";
import { releaseCurve } from "../../snarkjsThreads.ts";
import { writeFileAtomically } from "../../fsAtomic.ts";
import { DEFAULT_WORKSPACE, openWorkspace, saveWorkspace, workspacePaths } from "../../workspace/workspace.ts";
import { parseCommandArgs, progress, UsageError, type Command } from "../command.ts";

export const forgetCommand: Command = {
  name: "forget",
  summary: "delete records and prove it: writes one proof bundle per K deletions",
  help: `Usage: zkforget forget ID... [--ids-file FILE] [--workspace DIR] [--seed SEED]

Deletes the named records from the committed dataset and proves, in zero knowledge, that
the new dataset root is the old one with exactly those slots emptied. A profile proves at
most K deletions at a time; more ids are split into consecutive proofs.

Each proof is written to <workspace>/bundles/NNNN-deletion.json before the state is
updated (atomically), so an interrupted run leaves the last consistent state.

Options:
  --ids-file FILE   read more ids from FILE, one per line
  --workspace DIR   default ./${DEFAULT_WORKSPACE}
  --seed SEED       dev-key seed (default: the seed of the committed keys)`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      "ids-file": { type: "string" },
      workspace: { type: "string" },
      seed: { type: "string" },
    });
    const ids = [...positionals];
    if (values["ids-file"]) {
      const text = await readFile(values["ids-file"], "utf8");
      ids.push(...text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ""));
    }
    if (ids.length === 0) throw new UsageError("give at least one record id");
    const log = progress();
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    let { state, dataset } = await openWorkspace(dir);
    const profile = getProfile(state.profile);
    try {
      dataset.slotsOf(ids); // every id known and live before any proof is made
    } catch (error) {
      if (error instanceof UnknownRecordError) throw new UsageError(`${error.message} in ${workspacePaths(dir).state}`);
      throw error;
    }
    const k = profile.params[1]!;
    const key = await ensureDevKey(profile, { onProgress: log, ...(values.seed ? { seed: values.seed } : {}) });
    const bundles = [...state.bundles];
    for (let start = 0; start < ids.length; start += k) {
      const chunk = ids.slice(start, start + k);
      log(`proving deletion of ${chunk.length} record(s) under ${profile.name}…`);
      const result = await proveDeletion(dataset, chunk, { profile, key });
      const name = `bundles/${String(bundles.length + 1).padStart(4, "0")}-deletion.json`;
      await writeFileAtomically(join(dir, name), `${JSON.stringify(result.bundle, null, 1)}\n`);
      bundles.push(name);
      dataset = result.dataset;
      await saveWorkspace(dir, profile.name, dataset, bundles);
      log(`proved in ${result.proveSeconds.toFixed(1)} s → ${join(dir, name)}`);
      process.stdout.write(`${join(dir, name)}\n`);
    }
    await releaseCurve();
    return 0;
  },
};
