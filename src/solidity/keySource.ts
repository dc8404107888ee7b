import { join } from "node:path";
import { zKey } from "snarkjs";
import { packageRoot } from "../circuits/paths.ts";
import type { CircuitProfile } from "../circuits/profiles.ts";
import { readJsonFile } from "../fsAtomic.ts";
import { ensureDevKey } from "../keys/devKeys.ts";
import { readZkeyHeader } from "../setup/zkeyInfo.ts";
import type { TrustedKey, VerificationKey } from "../verifier/types.ts";
import { trustedKey } from "../verifier/keyRing.ts";
import { isVerificationKey } from "../verifier/verify.ts";
import { verificationKeyHash } from "../verifier/vkeyHash.ts";

/**
 * Where the key of an exported Solidity verifier comes from:
 * - `dev`: the profile's reproducible dev key (built and cached on demand; INSECURE);
 * - `vkey`: a published verification key, e.g. what `zkforget ceremony export` wrote;
 * - `zkey`: a final ceremony zkey, whose verification key is extracted from it.
 * A vkey or zkey comes with the key manifest that names its profile and trust level: by default
 * the one beside a `<profile>.vkey.json`, or zkforget's `keys/<profile>.manifest.json` for a zkey.
 */
export type SolidityKeySource =
  | { kind: "dev"; seed?: string; onProgress?: (line: string) => void }
  | { kind: "vkey"; path: string; manifestPath?: string }
  | { kind: "zkey"; path: string; manifestPath?: string };

/**
 * The key of `profile` from `source`, checked: a real Groth16 BN254 key with the profile's
 * number of public signals, and a manifest of that profile whose vkeyHash is this key's.
 * @throws Error naming the file for a missing, truncated or wrong file, or a manifest that
 *   describes another key or profile.
 */
export async function solidityKey(profile: CircuitProfile, source: SolidityKeySource): Promise<TrustedKey> {
  if (source.kind === "dev") {
    const key = await ensureDevKey(profile, { ...(source.onProgress ? { onProgress: source.onProgress } : {}), ...(source.seed ? { seed: source.seed } : {}) });
    return { vkey: key.vkey, manifest: key.manifest };
  }
  const where = `${source.kind} ${source.path}`;
  const vkey = source.kind === "vkey" ? await readJsonFile(source.path, "verification key") : await zkeyVerificationKey(source.path);
  if (!isVerificationKey(vkey)) {
    throw new Error(`${where} is not a Groth16 BN254 verification key (it needs protocol "groth16", curve "bn128", nPublic, IC with nPublic + 1 points, alpha, beta, gamma, delta)`);
  }
  if (vkey.nPublic !== profile.publicSignals.length) {
    throw new Error(`${where} has ${vkey.nPublic} public signals, but profile ${profile.name} has ${profile.publicSignals.length} (${profile.publicSignals.join(", ")}): a key of another profile?`);
  }
  const manifestPath = source.manifestPath ?? defaultManifestPath(profile.name, source);
  const manifest = await readJsonFile(manifestPath, "key manifest");
  let key: TrustedKey;
  try {
    key = trustedKey(profile.name, manifest, vkey, manifestPath);
  } catch {
    throw new Error(`key manifest ${manifestPath} is not a valid manifest for profile ${profile.name} (version 1, profile, security, vkeyHash, template, params, publicSignals)`);
  }
  const hash = verificationKeyHash(vkey);
  if (key.manifest.vkeyHash !== hash) {
    throw new Error(`key manifest ${manifestPath} describes verification key ${key.manifest.vkeyHash}, but ${where} is ${hash}: not this key's manifest (give the right one with --manifest)`);
  }
  return key;
}

/** Beside a `<name>.vkey.json` its `<name>.manifest.json`; for a zkey, zkforget's `keys/` (where `ceremony export` writes). */
function defaultManifestPath(profile: string, source: { kind: "vkey" | "zkey"; path: string }): string {
  if (source.kind === "vkey") {
    if (!/\.vkey\.json$/i.test(source.path)) throw new Error(`cannot tell the manifest of ${source.path}: name it <profile>.vkey.json beside <profile>.manifest.json, or give --manifest`);
    return source.path.replace(/\.vkey\.json$/i, ".manifest.json");
  }
  return join(packageRoot(), "keys", `${profile}.manifest.json`);
}

/** The verification key inside a zkey, after checking the file is a complete Groth16 zkey (clear errors for truncation). */
async function zkeyVerificationKey(path: string): Promise<VerificationKey> {
  await readZkeyHeader(path);
  try {
    return (await zKey.exportVerificationKey(path)) as unknown as VerificationKey;
  } catch (error) {
    throw new Error(`cannot read the verification key of zkey ${path}: ${(error as Error).message}`);
  }
}
