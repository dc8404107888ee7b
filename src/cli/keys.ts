import { defaultKeyDirs } from "../circuits/projectProfiles.ts";
import { loadKeyRing } from "../verifier/keyRing.ts";
import type { KeyRing, TrustedKey } from "../verifier/types.ts";

/**
 * The trusted keys of a CLI command: the `--keys DIR` given, else zkforget's `keys/` together
 * with the project's key directory (keys of zkforget.config.json's profiles), when there is one.
 * @throws Error naming the directory or file that cannot be read
 */
export async function cliKeyRing(keysOption: string | undefined): Promise<KeyRing> {
  if (keysOption !== undefined) return loadKeyRing(keysOption);
  const ring = new Map<string, TrustedKey>();
  for (const dir of defaultKeyDirs()) for (const [profile, key] of await loadKeyRing(dir)) ring.set(profile, key);
  return ring;
}
