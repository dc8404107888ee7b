import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { defaultKeysDir } from "../../circuits/projectProfiles.ts";
import { getProfile, listProfiles } from "../../circuits/profiles.ts";
import { buildCircuits } from "../../circuits/build.ts";
import { DEFAULT_DEV_SEED, ensureDevKey, publishKey } from "../../keys/devKeys.ts";
import { releaseCurve } from "../../snarkjsThreads.ts";
import { parseCommandArgs, progress, type Command } from "../command.ts";
import { DEFAULT_DELETION_PROFILE } from "./commit.ts";

export const setupCommand: Command = {
  name: "setup",
  summary: "build circuits and INSECURE reproducible dev keys, and publish their verification keys",
  help: `Usage: zkforget setup [PROFILE...] [--all] [--seed SEED] [--keys DIR] [--check]

Compiles each profile's circuit (as many at a time as there are cores) and computes its dev
zkey directly from the secrets SEED gives (tau, alpha, beta of the dev powers of tau, delta of
a deterministic zkey beacon):
the same file that groth16 setup on the dev powers of tau plus the beacon would write,
made without either. Writes <profile>.vkey.json + <profile>.manifest.json to the key
directory. Everything is cached; a second run is instant.

Dev keys are INSECURE: their secrets follow from a public seed, so anyone can forge proofs
under them. The manifest says so, and verifiers refuse them unless told otherwise. For
real deployments use \`zkforget ceremony\`.

Options:
  --all         every profile: circuits/profiles.json and the project's zkforget.config.json
                (default: ${DEFAULT_DELETION_PROFILE})
  --seed SEED   public seed (default ${DEFAULT_DEV_SEED}, the seed of the committed keys)
  --keys DIR    where to publish (default: zkforget's keys/; for a project profile, the
                project's key directory, keys/ beside zkforget.config.json)
  --check       do not write: fail if the rebuilt key differs from the one in --keys`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      all: { type: "boolean" },
      seed: { type: "string" },
      keys: { type: "string" },
      check: { type: "boolean" },
    });
    const log = progress();
    const names = values.all ? listProfiles().map((p) => p.name) : positionals.length > 0 ? positionals : [DEFAULT_DELETION_PROFILE];
    let mismatches = 0;
    // Compile first, the circuits side by side (circom2 uses one core each); the keys then use every core each.
    await buildCircuits(names.map((name) => getProfile(name)), { onProgress: log });
    for (const name of names) {
      const keysDir = values.keys ?? defaultKeysDir(name);
      const key = await ensureDevKey(getProfile(name), { onProgress: log, ...(values.seed ? { seed: values.seed } : {}) });
      if (values.check) {
        const published = await readFile(join(keysDir, `${name}.vkey.json`), "utf8").catch(() => undefined);
        const same = published !== undefined && JSON.stringify(JSON.parse(published)) === JSON.stringify(key.vkey);
        if (!same) mismatches++;
        process.stdout.write(`${name}: ${same ? "matches" : "DIFFERS from"} ${join(keysDir, `${name}.vkey.json`)}\n`);
      } else {
        const { vkeyPath } = await publishKey(key, keysDir);
        process.stdout.write(`${name}: ${key.manifest.constraints} constraints, vkey ${key.manifest.vkeyHash} → ${vkeyPath} (INSECURE dev key)\n`);
      }
    }
    await releaseCurve();
    return mismatches === 0 ? 0 : 1;
  },
};
