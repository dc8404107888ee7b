import { writeFileAtomically } from "../../fsAtomic.ts";
import { AuditSourceError } from "../../report/auditSource.ts";
import { renderHtmlReport } from "../../report/html.ts";
import { renderMarkdownReport } from "../../report/markdown.ts";
import { DEFAULT_CHROMIUM, printPdf } from "../../report/pdf.ts";
import type { AuditPackage } from "../../verifier/auditTypes.ts";
import { DEFAULT_WORKSPACE } from "../../workspace/workspace.ts";
import { parseCommandArgs, UsageError, type Command } from "../command.ts";
import { checkAuditInput, configHashOption, type CheckedAudit } from "./verifyChain.ts";

export const reportCommand: Command = {
  name: "report",
  summary: "write an HTML (or Markdown) audit report for regulators, with every proof checked",
  help: `Usage: zkforget report [LEDGER_OR_EXPORT | --workspace DIR] [--md | --pdf] [--out FILE] [--keys DIR] [--allow-dev] [--config-hash H]

Verifies the audit chain (as verify-chain does) and writes a report: the verdict and first
break, the timeline of states (seq, kind, time, old → new state, shard, deleted slots, proof
status), every deletion request with its status and time to prove, a chart of proving
latency per request, the verification key of each profile with its trust level (INSECURE
dev keys flagged), proved accuracy entries, and the controller's evaluation (labelled:
measured by the controller, not proved): accuracy before and after as a table and bars,
the membership-inference ROC curves of the original, unlearned and reference models, and
the cost of unlearning against a full retrain with their ratio. The HTML page is
self-contained (inline CSS and SVG, no script).

LEDGER_OR_EXPORT is an export directory (holding audit.json), an audit.json file or a ledger
file (*.sqlite); without it, the workspace (default ./${DEFAULT_WORKSPACE}) is read.

Options:
  --workspace DIR    read the workspace's ledger (or audit.json) instead of a named input
  --md               write Markdown instead of HTML
  --pdf              print the HTML report to PDF with headless Chromium (needs --out; the
                     browser is ${DEFAULT_CHROMIUM}, or ZKFORGET_CHROMIUM)
  --out FILE         write the report to FILE (atomically); default: standard output
  --keys DIR         trusted keys (default: the keys/ shipped with zkforget)
  --allow-dev        accept INSECURE dev keys (for demos and tests only)
  --config-hash H    the 0x-hex config hash you expect every SISA state to be pinned to

Exit codes: 0 the report was written (whether or not the chain is valid: the report says),
2 the input or the keys could not be used.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      workspace: { type: "string" },
      md: { type: "boolean" },
      pdf: { type: "boolean" },
      out: { type: "string" },
      keys: { type: "string" },
      "allow-dev": { type: "boolean" },
      "config-hash": { type: "string" },
    });
    if (positionals.length > 1) throw new UsageError("give at most one LEDGER_OR_EXPORT");
    if (positionals.length === 1 && values.workspace !== undefined) throw new UsageError("give LEDGER_OR_EXPORT or --workspace, not both");
    if (values.pdf && values.md) throw new UsageError("give --md or --pdf, not both");
    if (values.pdf && values.out === undefined) throw new UsageError("--pdf needs --out FILE (a PDF is not written to the terminal)");
    const input = positionals[0] ?? values.workspace ?? DEFAULT_WORKSPACE;
    const configHash = configHashOption(values["config-hash"]);
    let checked: CheckedAudit;
    try {
      checked = await checkAuditInput(input, {
        ...(values.keys !== undefined ? { keysDir: values.keys } : {}),
        allowDev: values["allow-dev"] === true,
        ...(configHash !== undefined ? { configHash } : {}),
      });
    } catch (error) {
      if (!(error instanceof AuditSourceError)) throw error;
      process.stderr.write(`zkforget report: UNUSABLE: ${error.message}\n`);
      return 2;
    }
    const { report, source } = checked;
    if (!report.readable) {
      process.stderr.write(`zkforget report: UNUSABLE: ${source.path}: ${report.firstBreak?.reason ?? "not an audit package"}\n`);
      return 2;
    }
    // Readable means format, version and entry list are right; the renderers read every other field defensively.
    const pkg = source.data as AuditPackage;
    const options = { generatedAt: new Date().toISOString(), source: source.path };
    const text = values.md ? renderMarkdownReport(pkg, report, options) : renderHtmlReport(pkg, report, options);
    if (values.out === undefined) process.stdout.write(text);
    else await writeFileAtomically(values.out, values.pdf ? await printPdf(text) : text);
    process.stderr.write(`${report.summary[0]}\n${values.out === undefined ? "" : `report written to ${values.out}\n`}`);
    return 0;
  },
};
