import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import ejs from "ejs";
import type { TrustedKey } from "../verifier/types.ts";

/**
 * The Solidity Groth16 verifier of a verification key, rendered from snarkjs's own template
 * (the one `snarkjs zkey export solidityverifier` uses) from the key itself, so a ceremony's
 * published vkey is enough: no zkey needed. The contract is renamed after the profile (so
 * verifiers of several profiles can live in one Solidity project) and gets a header naming
 * the key and its trust level.
 */
export async function solidityVerifier(key: TrustedKey): Promise<string> {
  const source = ejs.render(await groth16Template(), key.vkey);
  const { profile, vkeyHash, security } = key.manifest;
  if (!source.includes("contract Groth16Verifier ")) throw new Error("the snarkjs Groth16 template no longer declares contract Groth16Verifier");
  const header = [
    `// zkforget: Groth16 verifier of profile ${profile}, verification key sha256 ${vkeyHash}.`,
    security === "insecure-dev"
      ? `// INSECURE dev key (public seed ${JSON.stringify(key.manifest.devSeed)}): anyone can forge proofs that this contract accepts. Do not deploy.`
      : `// Key from a phase-2 ceremony (${key.manifest.contributions.length} contributions): sound if one contributor destroyed their secret.`,
    `// Public signals, in order: ${key.manifest.publicSignals.join(", ")}.`,
  ].join("\n");
  // After the SPDX line, which Solidity tools expect first.
  const [spdx, ...rest] = source.split("\n");
  return [spdx, header, ...rest].join("\n").replace("contract Groth16Verifier ", `contract ${contractName(profile)} `);
}

/** `deletion-d8-k2` → `DeletionD8K2Verifier`: a Solidity identifier for a profile's verifier. */
export function contractName(profile: string, suffix = "Verifier"): string {
  const words = profile.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  return `${/^[A-Za-z]/.test(name) ? "" : "P"}${name}${suffix}`;
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
