import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "../circuits/paths.ts";
import type { Groth16Proof } from "../verifier/types.ts";

/**
 * The native Groth16 prover (native/, a C++ N-API addon built by node-gyp at install). It reads
 * the same snarkjs zkey and circom witness as snarkjs and returns a proof in snarkjs's JSON
 * format. Loading is lazy and never throws: when the addon did not build, {@link loadNativeProver}
 * says why and callers fall back to snarkjs.
 */

/** Seconds spent in each phase of one native proof (measured inside the addon). */
export interface NativeTimings {
  /** A·w, B·w, C·w per constraint and the check A·w × B·w = C·w. */
  constraintsSeconds: number;
  /** The NTTs of A, B, C run in one pool with the MSMs A (G1), B (G1), B (G2) and C. */
  nttAndMsmSeconds: number;
  /** H = A·B − C on the coset and its MSM. */
  hMsmSeconds: number;
  totalSeconds: number;
}

/** What the addon resolves with: canonical little-endian coordinates. */
interface RawProof {
  a: Uint8Array;
  b: Uint8Array;
  c: Uint8Array;
  publicSignals: Uint8Array;
  timings: NativeTimings;
}

interface Addon {
  prove(zkeyPath: string, r1csPath: string, wtns: Uint8Array, threads?: number): Promise<RawProof>;
  clearCache(): number;
  threads(): number;
  fieldMul(field: "fr" | "fq", a: Uint8Array, b: Uint8Array): Uint8Array;
  msmSelfTest(pattern: string, n: number, threads: number): boolean;
  /** Absent in an addon built before it was added (a stale native/build). */
  fixedBaseBatch?(group: "G1" | "G2", table: Uint8Array, scalars: Uint8Array, threads?: number): Promise<Uint8Array>;
}

/** A loaded native prover. */
export interface NativeProver {
  /**
   * Proves the witness `wtns` (the bytes of a .wtns file) under the zkey at `zkeyPath`; the r1cs
   * at `r1csPath` supplies the C matrix for the constraint check. The zkey is parsed once per
   * process (cached by path, modification time and size).
   *
   * @throws Error with `code` "ZKF_CONSTRAINT_VIOLATED" and the constraint's index when the
   *   witness does not satisfy the circuit; Error naming the file for a malformed zkey or r1cs.
   */
  prove(zkeyPath: string, r1csPath: string, wtns: Uint8Array, threads?: number): Promise<{ proof: Groth16Proof; publicSignals: string[]; timings: NativeTimings }>;
  /** Forgets the cached keys; returns how many there were. */
  clearCache(): number;
  /** Threads a proof uses: $ZKFORGET_PROVER_THREADS, else the number of cores. */
  threads(): number;
  /** Canonical a·b in Fr or Fq, for tests of the field arithmetic. */
  fieldMul(field: "fr" | "fq", a: bigint, b: bigint): bigint;
  /**
   * Runs the addon's G1 MSM on `n` bases that are known multiples of the generator, with
   * scalars in `pattern`, and compares with a double-and-add reference (tests).
   */
  msmSelfTest(pattern: MsmSelfTestPattern, n: number, threads: number): boolean;
  /**
   * s_i·G for each 32-byte little-endian scalar s_i of `scalars`, from the affine table
   * T[w][d] = d·2^(8w)·G of src/setup/fixedBase.ts (`fixedBaseTable`), off the JS thread on
   * `threads` threads (default: every core). Affine results in ffjavascript's in-memory (LEM)
   * layout, as the WebAssembly `fixedBaseBatch` returns them. Undefined when the loaded addon
   * predates it.
   */
  fixedBaseBatch?: (group: "G1" | "G2", table: Uint8Array, scalars: Uint8Array, threads?: number) => Promise<Uint8Array>;
}

/** Scalar/base patterns of {@link NativeProver.msmSelfTest}: the batch-affine corner cases. */
export type MsmSelfTestPattern = "random" | "equal" | "negated" | "doubled" | "small" | "binary";

/** Where node-gyp leaves the addon. */
export function nativeAddonPath(): string {
  return join(packageRoot(), "native", "build", "Release", "zkforget_prover.node");
}

let loaded: { prover?: NativeProver; error?: string } | undefined;

/**
 * The native prover, or `undefined` with the reason in {@link nativeLoadError} (addon not built,
 * or built for another Node ABI). Loaded once per process.
 */
export function loadNativeProver(): NativeProver | undefined {
  loaded ??= tryLoad();
  return loaded.prover;
}

/** Why {@link loadNativeProver} returned undefined (undefined when it loaded). */
export function nativeLoadError(): string | undefined {
  loadNativeProver();
  return loaded?.error;
}

function tryLoad(): { prover?: NativeProver; error?: string } {
  const path = nativeAddonPath();
  try {
    const addon = createRequire(import.meta.url)(path) as Addon;
    return { prover: wrap(addon) };
  } catch (error) {
    return { error: `cannot load the native prover ${path}: ${(error as Error).message.split("\n")[0]}` };
  }
}

function wrap(addon: Addon): NativeProver {
  return {
    async prove(zkeyPath, r1csPath, wtns, threads) {
      const raw = await addon.prove(zkeyPath, r1csPath, wtns, threads);
      const [ax, ay] = words(raw.a, 2);
      const [bx0, bx1, by0, by1] = words(raw.b, 4);
      const [cx, cy] = words(raw.c, 2);
      const proof: Groth16Proof = {
        pi_a: [ax!, ay!, "1"],
        pi_b: [[bx0!, bx1!], [by0!, by1!], ["1", "0"]],
        pi_c: [cx!, cy!, "1"],
        protocol: "groth16",
        curve: "bn128",
      };
      return { proof, publicSignals: words(raw.publicSignals, raw.publicSignals.length / 32), timings: raw.timings };
    },
    clearCache: () => addon.clearCache(),
    threads: () => addon.threads(),
    fieldMul: (field, a, b) => fromLe(addon.fieldMul(field, toLe(a), toLe(b))),
    msmSelfTest: (pattern, n, threads) => addon.msmSelfTest(pattern, n, threads),
    ...(addon.fixedBaseBatch === undefined ? {} : {
      fixedBaseBatch: async (group: "G1" | "G2", table: Uint8Array, scalars: Uint8Array, threads?: number) =>
        asUint8Array(await addon.fixedBaseBatch!(group, table, scalars, threads)),
    }),
  };
}

/** `count` 32-byte little-endian integers as decimal strings. */
function words(bytes: Uint8Array, count: number): string[] {
  return Array.from({ length: count }, (_, i) => fromLe(bytes.subarray(i * 32, i * 32 + 32)).toString());
}

function fromLe(bytes: Uint8Array): bigint {
  let x = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i]!);
  return x;
}

function toLe(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, x >>= 8n) out[i] = Number(x & 0xffn);
  return out;
}

/** A view of a Node Buffer as a plain Uint8Array (same memory, no copy). */
function asUint8Array(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
