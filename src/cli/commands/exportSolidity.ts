import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { groth16, zKey } from "snarkjs";
import { getProfile } from "../../circuits/profiles.ts";
import { readJsonFile, writeFileAtomically } from "../../fsAtomic.ts";
import { DEFAULT_DEV_SEED, ensureDevKey, type ProvingKey } from "../../keys/devKeys.ts";
import { releaseCurve } from "../../snarkjsThreads.ts";
import { isObject } from "../../verifier/statements.ts";
import type { ProofBundle } from "../../verifier/types.ts";
import { verifyBundle } from "../../verifier/verify.ts";
import { parseCommandArgs, progress, UsageError, type Command } from "../command.ts";

/**
 * The Solidity verifier of a proving key, rendered from snarkjs's own Groth16 template, with
 * the contract renamed after the profile (so verifiers of several profiles can live in one
 * Solidity project) and a header naming the key and its trust level.
 */
export async function solidityVerifier(key: ProvingKey): Promise<string> {
  const source = await zKey.exportSolidityVerifier(key.zkeyPath, { groth16: await groth16Template() });
  const { profile, vkeyHash, security } = key.manifest;
  const contract = contractName(profile);
  if (!source.includes("contract Groth16Verifier ")) throw new Error("the snarkjs Groth16 template no longer declares contract Groth16Verifier");
  const header = [
    `// zkforget: Groth16 verifier of profile ${profile}, verification key sha256 ${vkeyHash}.`,
    security === "insecure-dev"
      ? `// INSECURE dev key (public seed ${JSON.stringify(key.manifest.devSeed)}): anyone can forge proofs that this contract accepts. Do not deploy.`
      : "// Key from a phase-2 ceremony: sound if one contributor destroyed their secret.",
    `// Public signals, in order: ${key.manifest.publicSignals.join(", ")}.`,
  ].join("\n");
  // After the SPDX line, which Solidity tools expect first.
  const [spdx, ...rest] = source.split("\n");
  return [spdx, header, ...rest].join("\n").replace("contract Groth16Verifier ", `contract ${contract} `);
}

/** `deletion-d8-k2` → `DeletionD8K2Verifier`: a Solidity identifier for a profile's verifier. */
export function contractName(profile: string): string {
  const words = profile.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  return `${/^[A-Za-z]/.test(name) ? "" : "P"}${name}Verifier`;
}

/**
 * `verifyProof(...)` arguments for a bundle (snarkjs's `exportSolidityCallData`), after
 * checking that the bundle is for the key's profile, names that exact key and verifies under
 * it: calldata for a proof the contract would reject helps nobody.
 * @throws Error naming the mismatch (profile, key hash) or listing why the bundle is invalid.
 */
export async function solidityCallData(bundle: unknown, key: ProvingKey, where = "bundle"): Promise<string> {
  const { profile, vkeyHash } = key.manifest;
  if (!isObject(bundle)) throw new Error(`${where} is not a JSON object`);
  if (bundle.profile !== profile) {
    throw new Error(`${where} is for profile ${JSON.stringify(bundle.profile)}, not ${profile}: export the verifier of its own profile`);
  }
  if (bundle.vkeyHash !== vkeyHash) {
    throw new Error(`${where} was made for verification key ${JSON.stringify(bundle.vkeyHash)}, but the ${profile} key here is ${vkeyHash} (another seed or ceremony?)`);
  }
  const result = await verifyBundle(bundle, { keys: new Map([[profile, { vkey: key.vkey, manifest: key.manifest }]]), allowDev: true });
  if (!result.valid) throw new Error(`${where} does not verify under the ${profile} key:\n${result.reasons.map((r) => `  - ${r}`).join("\n")}`);
  const valid = bundle as unknown as ProofBundle;
  return groth16.exportSolidityCallData(valid.proof, valid.publicSignals);
}

/**
 * snarkjs's Groth16 Solidity template. Its CLI reads it from `templates/` next to its build;
 * the package's `exports` hide package.json, so the directory is found from the CommonJS entry.
 */
async function groth16Template(): Promise<string> {
  const entry = createRequire(import.meta.url).resolve("snarkjs");
  const path = join(dirname(entry), "..", "templates", "verifier_groth16.sol.ejs");
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read snarkjs's Solidity template ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export const exportSolidityCommand: Command = {
  name: "export-solidity",
  summary: "write the Solidity Groth16 verifier of a profile's key, and calldata for a bundle",
  help: `Usage: zkforget export-solidity PROFILE [--bundle FILE] [--out DIR] [--seed SEED]

Writes DIR/<PROFILE>Verifier.sol: a Solidity contract (rendered by snarkjs) whose
verifyProof(pA, pB, pC, pubSignals) accepts exactly the proofs that verify under the
profile's dev key (built and cached on demand, as by \`zkforget setup\`).

With --bundle, also writes DIR/<bundle name>.calldata.txt, the verifyProof arguments for
that bundle, after checking that the bundle is for PROFILE, names this exact key and
verifies under it.

Dev keys are INSECURE (anyone can forge proofs under them): the contract says so in its
header. Do not deploy it.

Options:
  --bundle FILE   a proof bundle of PROFILE
  --out DIR       output directory (default: the current directory)
  --seed SEED     dev key seed (default ${DEFAULT_DEV_SEED}, the seed of the shipped keys)

Exit codes: 0 written, 1 the bundle does not fit the key or a step failed, 2 usage error.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      bundle: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
    });
    if (positionals.length !== 1) throw new UsageError("give exactly one PROFILE");
    const profile = getProfile(positionals[0]!);
    const outDir = resolve(values.out ?? ".");
    const bundle = values.bundle === undefined ? undefined : await readJsonFile(values.bundle, "bundle");
    try {
      const key = await ensureDevKey(profile, { onProgress: progress(), ...(values.seed ? { seed: values.seed } : {}) });
      // Everything is computed before anything is written: a bad bundle leaves no files.
      const calldata = bundle === undefined ? undefined : await solidityCallData(bundle, key, `bundle ${values.bundle}`);
      const solPath = join(outDir, `${profile.name}Verifier.sol`);
      await writeFileAtomically(solPath, await solidityVerifier(key));
      process.stdout.write(`${solPath}  (contract ${contractName(profile.name)}, vkey ${key.manifest.vkeyHash}${key.manifest.security === "insecure-dev" ? ", INSECURE dev key" : ""})\n`);
      if (calldata !== undefined) {
        const callPath = join(outDir, `${basename(values.bundle!).replace(/\.json$/i, "")}.calldata.txt`);
        await writeFileAtomically(callPath, `${calldata}\n`);
        process.stdout.write(`${callPath}\n`);
      }
      return 0;
    } finally {
      await releaseCurve();
    }
  },
};
