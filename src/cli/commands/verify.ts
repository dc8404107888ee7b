import { readFile } from "node:fs/promises";
import { describeStatement, releaseVerifierThreads, verifyBundle } from "../../verifier/index.ts";
import { parseCommandArgs, UsageError, type Command } from "../command.ts";
import { cliKeyRing } from "../keys.ts";

/** Exit codes of `zkforget verify`. */
export const VERIFY_EXIT = { valid: 0, invalid: 1, unusable: 2 } as const;

export const verifyCommand: Command = {
  name: "verify",
  summary: "verify a proof bundle (exit 0 valid, 1 invalid, 2 unusable input)",
  help: `Usage: zkforget verify BUNDLE [--keys DIR] [--allow-dev] [--json]

Checks a proof bundle against trusted verification keys, distrusting whoever made it.

Options:
  --keys DIR    directory of <profile>.vkey.json + <profile>.manifest.json
                (default: the keys/ shipped with zkforget)
  --allow-dev   accept INSECURE dev keys (their secrets are public: anyone can forge
                proofs under them; for demos and tests only)
  --json        print {"valid", "reasons", "profile", "security", "statement"} as JSON

Exit codes: 0 the proof is valid, 1 it is invalid (reasons printed), 2 the input or the
keys could not be used (missing file, not JSON, unreadable key directory).`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      keys: { type: "string" },
      "allow-dev": { type: "boolean" },
      json: { type: "boolean" },
    });
    if (positionals.length !== 1) throw new UsageError("give exactly one BUNDLE file");
    const file = positionals[0]!;
    const report = (obj: object, text: string) => process.stdout.write(values.json ? `${JSON.stringify(obj, null, 2)}\n` : `${text}\n`);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      const reason = `cannot read bundle ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
      report({ valid: false, reasons: [reason], unusable: true }, `UNUSABLE: ${reason}`);
      return VERIFY_EXIT.unusable;
    }
    let keys;
    try {
      keys = await cliKeyRing(values.keys);
    } catch (error) {
      const reason = (error as Error).message;
      report({ valid: false, reasons: [reason], unusable: true }, `UNUSABLE: ${reason}`);
      return VERIFY_EXIT.unusable;
    }
    const result = await verifyBundle(text, { keys, allowDev: values["allow-dev"] === true });
    await releaseVerifierThreads();
    // Input that is not even a bundle is "unusable"; a bundle that fails a check is "invalid".
    const unusable = !result.bundle;
    const s = result.bundle?.statement;
    const summary = result.valid && s
      ? `VALID: ${describeStatement(s)}; profile ${result.bundle!.profile}${result.security === "insecure-dev" ? " (INSECURE dev key)" : ""}`
      : `${unusable ? "UNUSABLE" : "INVALID"}: ${file}\n${result.reasons.map((r) => `  - ${r}`).join("\n")}`;
    report({
      valid: result.valid,
      reasons: result.reasons,
      ...(unusable ? { unusable: true } : {}),
      profile: result.bundle?.profile,
      security: result.security,
      statement: s,
    }, summary);
    return result.valid ? VERIFY_EXIT.valid : unusable ? VERIFY_EXIT.unusable : VERIFY_EXIT.invalid;
  },
};
