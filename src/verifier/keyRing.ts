import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { readJsonFile } from "../fsAtomic.ts";
import type { KeyManifest } from "../keys/manifest.ts";
import { isObject } from "./statements.ts";
import type { KeyRing, TrustedKey } from "./types.ts";
import { isVerificationKey } from "./verify.ts";

/**
 * Node-only: loads a key ring from a directory of `<profile>.vkey.json` +
 * `<profile>.manifest.json` pairs (the layout of `keys/`). Browsers build the Map themselves.
 * @throws Error naming the file for a missing partner, unreadable or truncated JSON, or a
 *   file that is not a verification key or manifest.
 */
export async function loadKeyRing(dir: string): Promise<KeyRing> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new Error(`cannot read key directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const ring = new Map<string, TrustedKey>();
  for (const name of names.filter((n) => n.endsWith(".manifest.json")).sort()) {
    const profile = name.slice(0, -".manifest.json".length);
    const manifest = await readJsonFile(join(dir, name), "key manifest");
    const vkey = await readJsonFile(join(dir, `${profile}.vkey.json`), "verification key");
    ring.set(profile, trustedKey(profile, manifest, vkey, dir));
  }
  return ring;
}

/** Validates a (manifest, vkey) pair parsed from JSON into a trusted key entry. */
export function trustedKey(profile: string, manifest: unknown, vkey: unknown, where = "key ring"): TrustedKey {
  if (!isVerificationKey(vkey)) throw new Error(`${where}/${profile}.vkey.json is not a Groth16 BN254 verification key`);
  if (!isObject(manifest) || manifest.version !== 1 || manifest.profile !== profile
      || (manifest.security !== "insecure-dev" && manifest.security !== "ceremony")
      || typeof manifest.vkeyHash !== "string" || typeof manifest.template !== "string"
      || !Array.isArray(manifest.params) || !Array.isArray(manifest.publicSignals)) {
    throw new Error(`${where}/${profile}.manifest.json is not a valid key manifest for profile ${profile}`);
  }
  return { vkey, manifest: manifest as unknown as KeyManifest };
}
