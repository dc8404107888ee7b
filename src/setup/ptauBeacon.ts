import { ChaCha, type BnCurve } from "ffjavascript";
import { blake2b } from "@noble/hashes/blake2.js";
import { sha256 } from "@noble/hashes/sha2.js";

/**
 * The phase-1 (powers of tau) key of a *beacon* contribution, derived exactly as snarkjs
 * derives it (`powersoftau beacon`, `keyFromBeacon` in powersoftau_utils.js): iterate SHA-256
 * on the beacon hash, seed ChaCha with the result, draw tau, alpha, beta and the proofs of
 * knowledge. Because `snarkjs powersoftau verify` re-derives the key from the same public
 * inputs, a file built from this key is accepted as a beacon contribution, and everyone can
 * see that its secrets are public.
 */
export interface PtauKeyPart {
  /** The secret scalar (Montgomery form, ffjavascript Fr element). */
  prvKey: Uint8Array;
  g1_s: Uint8Array;
  g1_sx: Uint8Array;
  g2_sp: Uint8Array;
  g2_spx: Uint8Array;
}

/** Key of one phase-1 contribution: tau, alpha and beta with their proofs of knowledge. */
export interface PtauKey {
  tau: PtauKeyPart;
  alpha: PtauKeyPart;
  beta: PtauKeyPart;
}

/** The ChaCha generator snarkjs seeds from a beacon: 2^numIterationsExp rounds of SHA-256. */
export function rngFromBeacon(beaconHash: Uint8Array, numIterationsExp: number): ChaCha {
  if (!Number.isInteger(numIterationsExp) || numIterationsExp < 10 || numIterationsExp > 63) {
    throw new RangeError(`numIterationsExp must be an integer in [10, 63], got ${numIterationsExp}`);
  }
  const inner = numIterationsExp < 32 ? 2 ** numIterationsExp : 2 ** 32;
  const outer = numIterationsExp < 32 ? 1 : 2 ** (numIterationsExp - 32);
  let hash = beaconHash;
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) hash = sha256(hash);
  return new ChaCha(seedWords(hash, false));
}

function seedWords(hash: Uint8Array, littleEndian: boolean): number[] {
  const view = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  return Array.from({ length: 8 }, (_, i) => view.getUint32(i * 4, littleEndian));
}

/** snarkjs `getG2sp`: the G2 point a proof of knowledge is checked against. */
export function g2ForProofOfKnowledge(
  curve: BnCurve,
  personalization: number,
  challengeHash: Uint8Array,
  g1s: Uint8Array,
  g1sx: Uint8Array,
): Uint8Array {
  const h = blake2b.create({ dkLen: 64 });
  h.update(new Uint8Array([personalization]));
  h.update(challengeHash);
  h.update(curve.G1.toUncompressed(g1s));
  h.update(curve.G1.toUncompressed(g1sx));
  return curve.G2.fromRng(new ChaCha(seedWords(h.digest(), false)));
}

/** The three phase-1 secrets (Montgomery Fr elements). */
export interface PtauSecrets {
  tau: Uint8Array;
  alpha: Uint8Array;
  beta: Uint8Array;
}

/**
 * The secrets snarkjs `createPTauKey` draws first from `rng`, in its order. They do not depend
 * on the challenge hash (only the proofs of knowledge drawn after them do), which lets the
 * direct dev zkey know tau, alpha and beta without hashing a whole ptau's worth of generators.
 */
export function drawPtauSecrets(curve: BnCurve, rng: ChaCha): PtauSecrets {
  const tau = curve.Fr.fromRng(rng);
  const alpha = curve.Fr.fromRng(rng);
  const beta = curve.Fr.fromRng(rng);
  return { tau, alpha, beta };
}

/** snarkjs `createPTauKey`: draws the three secrets, then each proof of knowledge, from `rng`. */
export function ptauKeyFromRng(curve: BnCurve, challengeHash: Uint8Array, rng: ChaCha): PtauKey {
  const { tau, alpha, beta } = drawPtauSecrets(curve, rng);
  const part = (prvKey: Uint8Array, personalization: number): PtauKeyPart => {
    const g1_s = curve.G1.toAffine(curve.G1.fromRng(rng));
    const g1_sx = curve.G1.toAffine(curve.G1.timesFr(g1_s, prvKey));
    const g2_sp = curve.G2.toAffine(g2ForProofOfKnowledge(curve, personalization, challengeHash, g1_s, g1_sx));
    const g2_spx = curve.G2.toAffine(curve.G2.timesFr(g2_sp, prvKey));
    return { prvKey, g1_s, g1_sx, g2_sp, g2_spx };
  };
  return { tau: part(tau, 0), alpha: part(alpha, 1), beta: part(beta, 2) };
}

/** snarkjs `keyFromBeacon`. */
export function ptauKeyFromBeacon(
  curve: BnCurve,
  challengeHash: Uint8Array,
  beaconHash: Uint8Array,
  numIterationsExp: number,
): PtauKey {
  return ptauKeyFromRng(curve, challengeHash, rngFromBeacon(beaconHash, numIterationsExp));
}

/** The public key as snarkjs serialises it (`toPtauPubKeyRpr`): 6 G1 then 3 G2 points. */
export function serializePtauPubKey(curve: BnCurve, key: PtauKey, montgomery: boolean): Uint8Array {
  const g1Size = curve.G1.F.n8 * 2;
  const g2Size = curve.G2.F.n8 * 2;
  const out = new Uint8Array(6 * g1Size + 3 * g2Size);
  let pos = 0;
  const g1 = [key.tau.g1_s, key.tau.g1_sx, key.alpha.g1_s, key.alpha.g1_sx, key.beta.g1_s, key.beta.g1_sx];
  for (const p of g1) {
    if (montgomery) curve.G1.toRprLEM(out, pos, p);
    else curve.G1.toRprUncompressed(out, pos, p);
    pos += g1Size;
  }
  for (const p of [key.tau.g2_spx, key.alpha.g2_spx, key.beta.g2_spx]) {
    if (montgomery) curve.G2.toRprLEM(out, pos, p);
    else curve.G2.toRprUncompressed(out, pos, p);
    pos += g2Size;
  }
  return out;
}
