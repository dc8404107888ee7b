// Minimal typings for the untyped iden3 packages: only what zkforget uses.

declare module "circomlibjs" {
  interface PoseidonField {
    toObject(value: Uint8Array): bigint;
    e(value: bigint | number | string): Uint8Array;
  }
  interface PoseidonFn {
    (inputs: (bigint | number)[], initState?: bigint, nOut?: number): Uint8Array;
    F: PoseidonField;
  }
  export function buildPoseidon(): Promise<PoseidonFn>;
  export function buildPoseidonReference(): Promise<PoseidonFn>;
}

declare module "snarkjs" {
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export interface VerificationKey {
    protocol: string;
    curve: string;
    nPublic: number;
    vk_alpha_1: string[];
    vk_beta_2: string[][];
    vk_gamma_2: string[][];
    vk_delta_2: string[][];
    vk_alphabeta_12?: unknown;
    IC: string[][];
  }
  export interface SnarkLogger {
    info(msg: string): void;
    debug(msg: string): void;
    warn(msg: string): void;
    error(msg: string): void;
    log?(msg: string): void;
  }
  export type CircuitInput = Record<string, unknown>;
  export const groth16: {
    fullProve(input: CircuitInput, wasmFile: string, zkeyFile: string, logger?: SnarkLogger): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    prove(zkeyFile: string, witnessFile: string | Uint8Array, logger?: SnarkLogger): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vk: VerificationKey, publicSignals: string[], proof: Groth16Proof, logger?: SnarkLogger): Promise<boolean>;
    exportSolidityCallData(proof: Groth16Proof, publicSignals: string[]): Promise<string>;
  };
  export const zKey: {
    newZKey(r1csFile: string, ptauFile: string, zkeyFile: string, logger?: SnarkLogger): Promise<unknown>;
    contribute(oldZkey: string, newZkey: string, name: string, entropy: string, logger?: SnarkLogger): Promise<Uint8Array>;
    beacon(oldZkey: string, newZkey: string, name: string, beaconHashHex: string, numIterationsExp: number, logger?: SnarkLogger): Promise<Uint8Array | false>;
    verifyFromR1cs(r1csFile: string, ptauFile: string, zkeyFile: string, logger?: SnarkLogger): Promise<boolean>;
    verifyFromInit(initZkey: string, ptauFile: string, zkeyFile: string, logger?: SnarkLogger): Promise<boolean>;
    exportVerificationKey(zkeyFile: string, logger?: SnarkLogger): Promise<VerificationKey>;
    exportSolidityVerifier(zkeyFile: string, templates: Record<string, string>, logger?: SnarkLogger): Promise<string>;
    exportJson(zkeyFile: string): Promise<unknown>;
  };
  export const powersOfTau: {
    newAccumulator(curve: unknown, power: number, fileName: string, logger?: SnarkLogger): Promise<Uint8Array>;
    beacon(oldPtau: string, newPtau: string, name: string, beaconHashHex: string, numIterationsExp: number, logger?: SnarkLogger): Promise<Uint8Array>;
    contribute(oldPtau: string, newPtau: string, name: string, entropy: string, logger?: SnarkLogger): Promise<Uint8Array>;
    preparePhase2(oldPtau: string, newPtau: string, logger?: SnarkLogger): Promise<void>;
    verify(ptauFile: string, logger?: SnarkLogger): Promise<boolean>;
  };
  export const r1cs: {
    info(r1csFile: string, logger?: SnarkLogger): Promise<{ nConstraints: number; nVars: number; nOutputs: number; nPubInputs: number; nPrvInputs: number; nLabels: number }>;
  };
  export const wtns: {
    calculate(input: CircuitInput, wasmFile: string, wtnsFile: string | { type: "mem"; data?: Uint8Array }): Promise<void>;
    check(r1csFile: string, wtnsFile: string, logger?: SnarkLogger): Promise<boolean>;
    exportJson(wtnsFile: string | { type: "mem"; data?: Uint8Array }): Promise<bigint[]>;
  };
}

declare module "ffjavascript" {
  export interface WasmField {
    n8: number;
    one: Uint8Array;
    zero: Uint8Array;
    s: number;
    w: Uint8Array[];
    e(value: bigint | number | string): Uint8Array;
    add(a: Uint8Array, b: Uint8Array): Uint8Array;
    sub(a: Uint8Array, b: Uint8Array): Uint8Array;
    mul(a: Uint8Array, b: Uint8Array): Uint8Array;
    inv(a: Uint8Array): Uint8Array;
    exp(a: Uint8Array, e: bigint | number): Uint8Array;
    eq(a: Uint8Array, b: Uint8Array): boolean;
    isZero(a: Uint8Array): boolean;
    toObject(a: Uint8Array): bigint;
    fromObject(a: bigint): Uint8Array;
    toMontgomery(a: Uint8Array): Uint8Array;
    fromMontgomery(a: Uint8Array): Uint8Array;
    toString(a: Uint8Array, radix?: number): string;
    ifft(buff: Uint8Array): Promise<Uint8Array>;
    fft(buff: Uint8Array): Promise<Uint8Array>;
    batchApplyKey(buff: Uint8Array, first: Uint8Array, inc: Uint8Array): Promise<Uint8Array>;
    batchToMontgomery(buff: Uint8Array): Promise<Uint8Array>;
    batchFromMontgomery(buff: Uint8Array): Promise<Uint8Array>;
    toRprLE(buff: Uint8Array, offset: number, a: Uint8Array): void;
    fromRprLE(buff: Uint8Array, offset?: number): Uint8Array;
    fromRng(rng: ChaCha): Uint8Array;
  }
  export interface WasmGroup {
    F: { n8: number };
    g: Uint8Array;
    zero: Uint8Array;
    oneAffine: Uint8Array;
    zeroAffine: Uint8Array;
    add(a: Uint8Array, b: Uint8Array): Uint8Array;
    double(a: Uint8Array): Uint8Array;
    neg(a: Uint8Array): Uint8Array;
    eq(a: Uint8Array, b: Uint8Array): boolean;
    isZero(a: Uint8Array): boolean;
    timesFr(a: Uint8Array, s: Uint8Array): Uint8Array;
    timesScalar(a: Uint8Array, s: bigint | number | Uint8Array): Uint8Array;
    toAffine(a: Uint8Array): Uint8Array;
    toJacobian(a: Uint8Array): Uint8Array;
    fromRprLEM(buff: Uint8Array, offset?: number): Uint8Array;
    toRprLEM(buff: Uint8Array, offset: number, a: Uint8Array): void;
    fromRprUncompressed(buff: Uint8Array, offset?: number): Uint8Array;
    toRprUncompressed(buff: Uint8Array, offset: number, a: Uint8Array): void;
    fromRng(rng: ChaCha): Uint8Array;
    toUncompressed(a: Uint8Array): Uint8Array;
    batchLEMtoC(buff: Uint8Array): Promise<Uint8Array>;
    batchLEMtoU(buff: Uint8Array): Promise<Uint8Array>;
    toObject(a: Uint8Array): unknown;
    fromObject(a: unknown): Uint8Array;
    batchApplyKey(buff: Uint8Array, first: Uint8Array, inc: Uint8Array, inType?: string, outType?: string): Promise<Uint8Array>;
    multiExpAffine(bases: Uint8Array, scalars: Uint8Array, logger?: unknown, name?: string): Promise<Uint8Array>;
  }
  export interface ThreadManager {
    concurrency: number;
    queueAction(task: object[]): Promise<Uint8Array[]>;
    terminate(): Promise<void>;
  }
  export interface BnCurve {
    name: string;
    q: bigint;
    r: bigint;
    Fr: WasmField;
    F1: WasmField;
    G1: WasmGroup;
    G2: WasmGroup;
    tm: ThreadManager;
    pairingEq(...args: Uint8Array[]): Promise<boolean>;
    terminate(): Promise<void>;
  }
  export class ChaCha {
    constructor(seed?: number[]);
    nextU32(): number;
    nextU64(): number;
    nextBool(): boolean;
  }
  export function buildBn128(singleThread?: boolean, plugins?: (moduleBuilder: unknown) => void): Promise<BnCurve>;
  export function getCurveFromName(name: string): Promise<BnCurve>;
  export const Scalar: { e(v: bigint | number | string): bigint };
  export const utils: {
    unstringifyBigInts(o: unknown): unknown;
    stringifyBigInts(o: unknown): unknown;
    leBuff2int(b: Uint8Array): bigint;
    leInt2Buff(n: bigint, len?: number): Uint8Array;
  };
}

declare module "ejs" {
  /** Renders an EJS template synchronously with `data` as its locals. */
  export function render(template: string, data: object): string;
  const ejs: { render: typeof render };
  export default ejs;
}
