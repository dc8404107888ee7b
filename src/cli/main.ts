import { ceremonyCommand } from "./commands/ceremony.ts";
import { commitCommand } from "./commands/commit.ts";
import { demoCommand } from "./commands/demo.ts";
import { exportSolidityCommand } from "./commands/exportSolidity.ts";
import { forgetCommand } from "./commands/forget.ts";
import { forgetClassCommand } from "./commands/forgetClass.ts";
import { repairCommand } from "./commands/repair.ts";
import { trainCommand } from "./commands/train.ts";
import { requestsCommand } from "./commands/requests.ts";
import { receiptCommand } from "./commands/receipt.ts";
import { exportCommand } from "./commands/export.ts";
import { evaluateCommand } from "./commands/evaluate.ts";
import { setupCommand } from "./commands/setup.ts";
import { verifyCommand } from "./commands/verify.ts";
import { verifyChainCommand } from "./commands/verifyChain.ts";
import { proveAccuracyCommand } from "./commands/proveAccuracy.ts";
import { reportCommand } from "./commands/report.ts";
import { headCommand } from "./commands/head.ts";
import { serveCommand } from "./commands/serve.ts";
import { workerCommand } from "./commands/worker.ts";
import { tokenCommand } from "./commands/token.ts";
import { ledgerCommand } from "./commands/ledger.ts";
import { UsageError, type Command } from "./command.ts";
import { useProjectConfig } from "../circuits/projectProfiles.ts";

const COMMANDS: readonly Command[] = [demoCommand, commitCommand, trainCommand, forgetCommand, forgetClassCommand, repairCommand, proveAccuracyCommand, requestsCommand, receiptCommand, exportCommand, evaluateCommand, verifyCommand, verifyChainCommand, headCommand, reportCommand, setupCommand, ceremonyCommand, exportSolidityCommand, serveCommand, workerCommand, tokenCommand, ledgerCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Usage: zkforget <command> [options]   (zkforget <command> --help for details)",
    "",
    "Every command reads the project's profiles from ./zkforget.config.json when it exists, or",
    "from --profiles FILE (see the README, \"Your own data\").",
    "",
    "Provable machine unlearning: Groth16 proofs that training records were deleted.",
    "",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join("\n");
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`zkforget: unknown command ${JSON.stringify(name)}\n\n${usage()}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    const { profilesFile, args } = takeProfilesOption(rest);
    await useProjectConfig(profilesFile);
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`zkforget ${name}: ${error.message}\n(see zkforget ${name} --help)\n`);
      return 2;
    }
    process.stderr.write(`zkforget ${name}: ${(error as Error).message}\n`);
    if (process.env.ZKFORGET_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}

/** Removes the global `--profiles FILE` (or `--profiles=FILE`) from a command's arguments. */
function takeProfilesOption(argv: readonly string[]): { profilesFile: string | undefined; args: string[] } {
  const args: string[] = [];
  let profilesFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      args.push(...argv.slice(i));
      break;
    }
    if (arg === "--profiles" || arg.startsWith("--profiles=")) {
      const value = arg === "--profiles" ? argv[++i] : arg.slice("--profiles=".length);
      if (value === undefined || value === "") throw new UsageError("--profiles needs a FILE (a zkforget.config.json)");
      profilesFile = value;
      continue;
    }
    args.push(arg);
  }
  return { profilesFile, args };
}
