import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { createEVM, type EVM } from "@ethereumjs/evm";
import { Address, bytesToHex, createAddressFromString, hexToBytes } from "@ethereumjs/util";
import solc from "solc";

/**
 * Solidity on an in-process EVM, for tests and benchmarks: solc-js compiles, @ethereumjs/evm
 * runs. Both pinned; the EVM version is fixed on both sides (Cancun), so the bytecode solc emits
 * is the bytecode the EVM executes.
 */

const EVM_VERSION = "cancun";

/** Creation bytecode and ABI of each compiled contract, by contract name. */
export type CompiledContracts = Map<string, { bytecode: string }>;

/**
 * Compiles Solidity sources (file name → text) with the optimizer on, as a deployment would.
 * @throws Error listing solc's errors (warnings are ignored).
 */
export function compileSolidity(sources: Record<string, string>): CompiledContracts {
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: EVM_VERSION, outputSelection: { "*": { "*": ["evm.bytecode.object"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc ${solc.version()}:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const out: CompiledContracts = new Map();
  for (const file of Object.values(output.contracts ?? {})) {
    for (const [name, c] of Object.entries(file)) out.set(name, { bytecode: c.evm.bytecode.object });
  }
  return out;
}

/** The outcome of one call. */
export interface CallResult {
  /** False when the call reverted or ran out of gas. */
  ok: boolean;
  /** Returned (or revert) data, 0x-hex. */
  returnValue: string;
  /** Gas used by execution, excluding the transaction's intrinsic 21,000 + calldata gas. */
  executionGas: bigint;
  /** What a transaction with this calldata would use: execution + 21,000 + calldata (EIP-2028 prices). */
  transactionGas: bigint;
  /** Logs emitted, each [address, topics, data] as 0x-hex. */
  logs: { topics: string[]; data: string }[];
  error?: string;
}

/** An in-process EVM with funded-free accounts (calls run with gas price 0). */
export class TestChain {
  readonly #evm: EVM;
  private constructor(evm: EVM) {
    this.#evm = evm;
  }

  static async create(): Promise<TestChain> {
    return new TestChain(await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Cancun }) }));
  }

  /** Deploys creation bytecode (plus ABI-encoded constructor words) from `from`; returns the address. */
  async deploy(from: string, bytecode: string, constructorData = ""): Promise<string> {
    const data = hexToBytes(`0x${bytecode}${constructorData.replace(/^0x/, "")}`);
    const caller = createAddressFromString(from);
    const result = await this.#evm.runCall({ caller, data, gasLimit: 30_000_000n });
    if (result.execResult.exceptionError || !result.createdAddress) {
      throw new Error(`deployment failed: ${result.execResult.exceptionError?.error ?? "no address"}`);
    }
    await this.#bumpNonce(caller);
    return result.createdAddress.toString();
  }

  /** Calls `to` with 0x-hex calldata from `from`, with state changes kept when it succeeds. */
  async call(from: string, to: string, calldata: string): Promise<CallResult> {
    const data = hexToBytes(calldata as `0x${string}`);
    const result = await this.#evm.runCall({ caller: createAddressFromString(from), to: createAddressFromString(to), data, gasLimit: 30_000_000n });
    const exec = result.execResult;
    const calldataGas = data.reduce((sum, byte) => sum + (byte === 0 ? 4n : 16n), 0n);
    return {
      ok: exec.exceptionError === undefined,
      returnValue: bytesToHex(exec.returnValue),
      executionGas: exec.executionGasUsed,
      transactionGas: exec.executionGasUsed + 21_000n + calldataGas,
      logs: (exec.logs ?? []).map(([, topics, logData]) => ({ topics: topics.map((t) => bytesToHex(t)), data: bytesToHex(logData) })),
      ...(exec.exceptionError ? { error: exec.exceptionError.error } : {}),
    };
  }

  async #bumpNonce(address: Address): Promise<void> {
    const account = await this.#evm.stateManager.getAccount(address);
    if (account) {
      account.nonce += 1n;
      await this.#evm.stateManager.putAccount(address, account);
    }
  }
}

/** A deterministic test account address, `0x…0n`. */
export function account(n: number): string {
  return `0x${n.toString(16).padStart(40, "0")}`;
}

/** ABI word → bigint (a uint256 return value or event field). */
export function wordAt(hex: string, index: number): bigint {
  return BigInt(`0x${hex.replace(/^0x/, "").slice(index * 64, index * 64 + 64)}`);
}
