/**
 * Checks of the user-supplied ceremony parameters, done before any file is touched so a typo
 * fails in milliseconds, not after a long snarkjs step. The limits mirror what snarkjs 0.7.6
 * stores or accepts, so nothing is silently truncated or rejected later.
 */

/** Longest contribution name snarkjs keeps (it cuts names at 64 UTF-16 code units). */
export const MAX_CONTRIBUTION_NAME = 64;

/**
 * Validate a contribution or beacon name; the empty string means "unnamed".
 * @throws Error if it is longer than snarkjs keeps or holds control characters (it ends up in
 *   logs and manifests, where a newline would forge a line).
 */
export function checkContributionName(name: string): string {
  if (name.length > MAX_CONTRIBUTION_NAME) {
    throw new Error(`contribution name is ${name.length} characters long; snarkjs keeps at most ${MAX_CONTRIBUTION_NAME}`);
  }
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw new Error(`contribution name ${JSON.stringify(name)} contains control characters`);
  }
  return name;
}

/**
 * Validate a beacon value and return it as lowercase hex without a `0x` prefix.
 * snarkjs's rule (zkey_beacon.js): a non-empty hex byte string of at most 255 bytes.
 * @throws Error saying what is wrong with the value.
 */
export function parseBeaconHex(beaconHex: string): string {
  const hex = beaconHex.startsWith("0x") || beaconHex.startsWith("0X") ? beaconHex.slice(2) : beaconHex;
  if (hex.length === 0) throw new Error("beacon value is empty; give the public random value as hex");
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`beacon value ${JSON.stringify(beaconHex)} is not hexadecimal`);
  if (hex.length % 2 !== 0) throw new Error(`beacon value has an odd number of hex digits (${hex.length}); give whole bytes`);
  if (hex.length / 2 > 255) throw new Error(`beacon value is ${hex.length / 2} bytes; snarkjs accepts at most 255`);
  return hex.toLowerCase();
}

/** Smallest and largest beacon iteration exponents snarkjs accepts (2^exp sha256 rounds). */
export const BEACON_ITERATIONS_EXP = { min: 10, max: 63 } as const;

/** @throws Error unless `exp` is an integer snarkjs accepts as numIterationsExp (10..63). */
export function checkIterationsExp(exp: number): number {
  if (!Number.isInteger(exp) || exp < BEACON_ITERATIONS_EXP.min || exp > BEACON_ITERATIONS_EXP.max) {
    throw new Error(
      `beacon iterations exponent must be an integer from ${BEACON_ITERATIONS_EXP.min} to ${BEACON_ITERATIONS_EXP.max} (2^exp hash rounds), got ${exp}`,
    );
  }
  return exp;
}

/** @throws Error unless `profile` is usable as a file name stem (it names `<profile>.vkey.json`). */
export function checkProfileName(profile: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(profile)) {
    throw new Error(`profile name ${JSON.stringify(profile)} is not valid: use letters, digits, ".", "_" and "-" (it names the key files)`);
  }
  return profile;
}

/** @throws Error unless `hash` is a non-empty hex string; returns it lowercased. */
export function checkCircuitHash(hash: string): string {
  if (!/^[0-9a-fA-F]+$/.test(hash)) throw new Error(`circuit hash ${JSON.stringify(hash)} is not a hex string`);
  return hash.toLowerCase();
}

/** @throws Error unless `template` is a Circom identifier and `params` are non-negative integers. */
export function checkManifestStatement(template: string, params: readonly number[]): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(template)) {
    throw new Error(`template name ${JSON.stringify(template)} is not a Circom template identifier`);
  }
  const bad = params.findIndex((p) => !Number.isSafeInteger(p) || p < 0);
  if (bad >= 0) throw new Error(`template parameter ${bad} (${params[bad]}) is not a non-negative integer`);
}
