import { ChaCha, type BnCurve } from "ffjavascript";
import { blake2b } from "@noble/hashes/blake2.js";
import { concatBytes, u32LE } from "./binFile.ts";
import { rngFromBeacon } from "./ptauBeacon.ts";

/**
 * A phase-2 beacon contribution to a *fresh* Groth16 zkey (delta = 1 before it), derived as
 * snarkjs `zkey beacon` derives it (zkey_beacon.js): 2^iterationsExp rounds of SHA-256 on the
 * beacon hash seed ChaCha, which draws delta and then the G1 point g1_s of the proof of
 * knowledge; the transcript is blake2b(csHash ‖ g1_s ‖ g1_sx) and g2_sp is hashed from it.
 * snarkjs `zkey verify` re-derives delta and g1_s from the beacon, so a zkey carrying this record
 * is accepted as closed by that beacon, and everyone can see that its delta is public.
 */
export interface ZkeyBeaconKey {
  /** delta (Montgomery Fr element). */
  delta: Uint8Array;
  /** The proof-of-knowledge base g1_s (affine) and g1_sx = delta·g1_s. */
  g1_s: Uint8Array;
  g1_sx: Uint8Array;
}

/** What a beacon contribution record holds, as snarkjs `writeContribution` lays it out. */
export interface ZkeyBeaconRecord {
  key: ZkeyBeaconKey;
  /** delta·G1: delta1 after the contribution (it was the generator). */
  deltaAfter: Uint8Array;
  /** delta·G2. */
  delta2: Uint8Array;
  g2_spx: Uint8Array;
  transcript: Uint8Array;
  name: string;
  beaconHash: Uint8Array;
  iterationsExp: number;
}

/** The key of a beacon contribution: delta and g1_s, in the order snarkjs draws them. */
export function zkeyBeaconKey(curve: BnCurve, beaconHash: Uint8Array, iterationsExp: number): ZkeyBeaconKey {
  const rng = rngFromBeacon(beaconHash, iterationsExp);
  const delta = curve.Fr.fromRng(rng);
  const g1_s = curve.G1.toAffine(curve.G1.fromRng(rng));
  const g1_sx = curve.G1.toAffine(curve.G1.timesFr(g1_s, delta));
  return { delta, g1_s, g1_sx };
}

/**
 * The complete record of the first (and only) contribution, a beacon, to the zkey whose circuit
 * hash is `csHash`.
 */
export function zkeyBeaconRecord(
  curve: BnCurve,
  key: ZkeyBeaconKey,
  csHash: Uint8Array,
  beacon: { name: string; hash: Uint8Array; iterationsExp: number },
): ZkeyBeaconRecord {
  const G1 = curve.G1, G2 = curve.G2;
  const transcriptHasher = blake2b.create({ dkLen: 64 });
  transcriptHasher.update(csHash);
  transcriptHasher.update(G1.toUncompressed(key.g1_s));
  transcriptHasher.update(G1.toUncompressed(key.g1_sx));
  const transcript = transcriptHasher.digest();
  const g2_sp = hashToG2(curve, transcript);
  return {
    key,
    deltaAfter: G1.toAffine(G1.timesFr(G1.g, key.delta)),
    delta2: G2.toAffine(G2.timesFr(G2.g, key.delta)),
    g2_spx: G2.toAffine(G2.timesFr(g2_sp, key.delta)),
    transcript,
    name: beacon.name,
    beaconHash: beacon.hash,
    iterationsExp: beacon.iterationsExp,
  };
}

/**
 * Section 10 of the zkey: csHash | n = 1 | deltaAfter | g1_s | g1_sx | g2_spx (all LEM) |
 * transcript | type 1 (beacon) | params (name, iterations, beacon hash).
 */
export function zkeyMpcSection(curve: BnCurve, csHash: Uint8Array, record: ZkeyBeaconRecord): Uint8Array {
  const lem = (group: "G1" | "G2", p: Uint8Array) => {
    const out = new Uint8Array(curve[group].F.n8 * 2);
    curve[group].toRprLEM(out, 0, p);
    return out;
  };
  // snarkjs cuts the name to 64 characters before encoding it.
  const name = new TextEncoder().encode(record.name.substring(0, 64));
  const params = [1, name.byteLength, ...name, 2, record.iterationsExp, 3, record.beaconHash.byteLength, ...record.beaconHash];
  return concatBytes([
    csHash, u32LE(1),
    lem("G1", record.deltaAfter), lem("G1", record.key.g1_s), lem("G1", record.key.g1_sx), lem("G2", record.g2_spx),
    record.transcript, u32LE(1), u32LE(params.length), new Uint8Array(params),
  ]);
}

/** snarkjs `hashToG2`: ChaCha seeded with the first 8 big-endian words of `hash`. */
function hashToG2(curve: BnCurve, hash: Uint8Array): Uint8Array {
  const view = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  return curve.G2.fromRng(new ChaCha(Array.from({ length: 8 }, (_, i) => view.getUint32(i * 4, false))));
}
