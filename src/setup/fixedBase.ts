import { buildBn128, type BnCurve, type WasmGroup } from "ffjavascript";
import { forcedProver } from "../prover/groth16.ts";
import { loadNativeProver } from "../prover/native.ts";

/**
 * Fast fixed-base scalar multiplication on BN254 for the dev powers-of-tau generator.
 *
 * Every point of a prepared ptau file is `s·G` for the group generator G and a scalar s
 * we know (tau powers, Lagrange coefficients at tau, times alpha or beta). ffjavascript only
 * offers a generic double-and-add per point (~270 µs per G1 point here), which would make a
 * 2^16 file take minutes. With a fixed base we precompute T[w][d] = d·2^(8w)·G for the 32
 * byte-windows of a scalar and each product becomes at most 32 mixed additions. The loop
 * has to run inside WebAssembly (a JS-driven loop costs ~7 µs per call in dispatch alone),
 * so we add one function per group to ffjavascript's wasm module through its plugin hook
 * and run it on ffjavascript's worker threads. The native addon (native/src/fixedbase.hpp)
 * runs the same loop in C++ with 64-bit limbs, several times faster; {@link fixedBaseBatch}
 * uses it when it is loaded, and the WebAssembly loop otherwise.
 */

const WINDOW_BITS = 8;
const WINDOWS = 32; // 256-bit scalars, one byte per window
const DIGITS = 1 << WINDOW_BITS;

/** Group of BN254 a fixed-base batch runs in. */
export type GroupName = "G1" | "G2";

interface WasmCodeBuilder {
  [op: string]: (...args: never[]) => number[];
}
interface WasmFunctionBuilder {
  addParam(name: string, type: "i32"): void;
  addLocal(name: string, type: "i32"): void;
  addCode(...code: number[][]): void;
  getCodeBuilder(): WasmCodeBuilder;
}
interface WasmModuleBuilder {
  addFunction(name: string): WasmFunctionBuilder;
  exportFunction(name: string): void;
}

function wasmFunctionName(group: GroupName): string {
  return `zkforget_${group.toLowerCase()}_fixedBaseBatch`;
}

/**
 * Adds `zkforget_gX_fixedBaseBatch(pTable, pScalars, n, pOut)` for G1 and G2: for each of
 * the n 32-byte little-endian scalars, the Jacobian sum of the table entries its bytes select.
 */
function addFixedBaseFunctions(moduleBuilder: unknown): void {
  const module = moduleBuilder as WasmModuleBuilder;
  for (const [group, prefix, n8] of [["G1", "g1m", 32], ["G2", "g2m", 64]] as const) {
    const sizeAffine = n8 * 2;
    const sizeJacobian = n8 * 3;
    const name = wasmFunctionName(group);
    const f = module.addFunction(name);
    f.addParam("pTable", "i32");
    f.addParam("pScalars", "i32");
    f.addParam("n", "i32");
    f.addParam("pOut", "i32");
    f.addLocal("i", "i32");
    f.addLocal("w", "i32");
    f.addLocal("d", "i32");
    f.addLocal("pAcc", "i32");
    f.addLocal("pScalar", "i32");
    // The code builder's methods take and return byte arrays; typed loosely on purpose.
    const c = f.getCodeBuilder() as unknown as Record<string, (...args: unknown[]) => number[]>;
    const local = (n: string) => c.getLocal!(n);
    const i32 = (v: number) => c.i32_const!(v);
    f.addCode(
      c.setLocal!("i", i32(0)),
      c.block!(c.loop!(
        c.br_if!(1, c.i32_eq!(local("i"), local("n"))),
        c.setLocal!("pAcc", c.i32_add!(local("pOut"), c.i32_mul!(local("i"), i32(sizeJacobian)))),
        c.setLocal!("pScalar", c.i32_add!(local("pScalars"), c.i32_mul!(local("i"), i32(WINDOWS)))),
        c.call!(`${prefix}_zero`, local("pAcc")),
        c.setLocal!("w", i32(0)),
        c.block!(c.loop!(
          c.br_if!(1, c.i32_eq!(local("w"), i32(WINDOWS))),
          c.setLocal!("d", c.i32_load8_u!(c.i32_add!(local("pScalar"), local("w")))),
          c.if!(local("d"), c.call!(
            `${prefix}_addMixed`,
            local("pAcc"),
            c.i32_add!(
              local("pTable"),
              c.i32_mul!(c.i32_add!(c.i32_shl!(local("w"), i32(WINDOW_BITS)), local("d")), i32(sizeAffine)),
            ),
            local("pAcc"),
          )),
          c.setLocal!("w", c.i32_add!(local("w"), i32(1))),
          c.br!(0),
        )),
        c.setLocal!("i", c.i32_add!(local("i"), i32(1))),
        c.br!(0),
      )),
    );
    module.exportFunction(name);
  }
}

/**
 * Runs `fn` with a BN254 curve whose wasm includes the fixed-base functions.
 *
 * ffjavascript caches one multi-threaded curve in `globalThis.curve_bn128` and snarkjs reuses
 * it; a cached curve built without our plugin lacks the functions. So we set the cache aside,
 * build our own (a superset of the stock one), and put the previous one back afterwards.
 */
export async function withFixedBaseCurve<T>(fn: (curve: BnCurve) => Promise<T>): Promise<T> {
  const globals = globalThis as { curve_bn128?: BnCurve | null };
  const previous = globals.curve_bn128 ?? null;
  globals.curve_bn128 = null;
  const curve = await buildBn128(false, addFixedBaseFunctions);
  try {
    return await fn(curve);
  } finally {
    await curve.terminate();
    globals.curve_bn128 = previous;
  }
}

/** Precomputed affine table T[w][d] = d·2^(8w)·G (entry d = 0 unused), in wasm memory layout. */
export function fixedBaseTable(curve: BnCurve, group: GroupName): Uint8Array {
  const G: WasmGroup = curve[group];
  const sizeAffine = G.F.n8 * 2;
  const table = new Uint8Array(WINDOWS * DIGITS * sizeAffine);
  let base = G.g;
  for (let w = 0; w < WINDOWS; w++) {
    let acc = G.zero;
    for (let d = 1; d < DIGITS; d++) {
      acc = G.add(acc, base);
      table.set(G.toAffine(acc), (w * DIGITS + d) * sizeAffine);
    }
    base = G.add(acc, base); // 256·base = base for the next window
  }
  return table;
}

/**
 * Computes s_i·G for each scalar s_i in `scalars` (32-byte little-endian, standard form, not
 * Montgomery) and returns the affine points in ffjavascript's in-memory (LEM) format, which is
 * also the format of ptau sections. Uses the native addon's loop when it is loaded (and
 * `ZKFORGET_PROVER` is not "snarkjs", which keeps every step off native code), else
 * {@link wasmFixedBaseBatch}; both give the same bytes (test/nativeProver.test.ts).
 */
export async function fixedBaseBatch(
  curve: BnCurve,
  group: GroupName,
  table: Uint8Array,
  scalars: Uint8Array,
): Promise<Uint8Array> {
  const native = forcedProver() === "snarkjs" ? undefined : loadNativeProver()?.fixedBaseBatch;
  if (native !== undefined && scalars.byteLength > 0) return native(group, table, scalars);
  return wasmFixedBaseBatch(curve, group, table, scalars);
}

/**
 * {@link fixedBaseBatch} in ffjavascript's WebAssembly, split across its worker threads.
 */
export async function wasmFixedBaseBatch(
  curve: BnCurve,
  group: GroupName,
  table: Uint8Array,
  scalars: Uint8Array,
): Promise<Uint8Array> {
  const G = curve[group];
  const prefix = group === "G1" ? "g1m" : "g2m";
  const sizeAffine = G.F.n8 * 2;
  const sizeJacobian = G.F.n8 * 3;
  const n = scalars.byteLength / WINDOWS;
  if (!Number.isInteger(n)) throw new RangeError("scalar buffer length must be a multiple of 32");
  const out = new Uint8Array(n * sizeAffine);
  if (n === 0) return out;
  // Chunks small enough to keep every thread busy and bound wasm memory per task.
  const chunk = Math.max(1, Math.min(1 << 13, Math.ceil(n / (curve.tm.concurrency * 4))));
  const tasks: Promise<void>[] = [];
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const task = [
      { cmd: "ALLOCSET", var: 0, buff: table },
      { cmd: "ALLOCSET", var: 1, buff: scalars.subarray(start * WINDOWS, (start + count) * WINDOWS) },
      { cmd: "ALLOC", var: 2, len: count * sizeJacobian },
      { cmd: "CALL", fnName: wasmFunctionName(group), params: [{ var: 0 }, { var: 1 }, { val: count }, { var: 2 }] },
      { cmd: "CALL", fnName: `${prefix}_batchToAffine`, params: [{ var: 2 }, { val: count }, { var: 2 }] },
      { cmd: "GET", out: 0, var: 2, len: count * sizeAffine },
    ];
    tasks.push(curve.tm.queueAction(task).then((result) => out.set(result[0]!, start * sizeAffine)));
  }
  await Promise.all(tasks);
  return out;
}
