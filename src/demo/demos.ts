/**
 * The demos, one per unlearning method, in one table: `zkforget demo --method NAME` runs the
 * entry named NAME. A demo runs in a workspace directory, prints its progress, and returns its
 * report text and whether every proof and the audit chain verified.
 */
import { AMNESIAC_DEMO_WORKSPACE, formatAmnesiacReport, runAmnesiacDemo } from "./amnesiacDemo.ts";
import { formatRidgeReport, RIDGE_DEMO_WORKSPACE, runRidgeDemo } from "./ridgeDemo.ts";
import { formatSisaReport, runSisaDemo, SISA_DEMO_WORKSPACE } from "./sisaDemo.ts";

/** Options every demo takes from the command line. */
export interface DemoRunOptions {
  /** SISA only: also prove the final ensemble's accuracy. */
  proveAccuracy?: boolean;
}

/** One demo of the table. */
export interface DemoEntry {
  /** What it shows, for the help text. */
  summary: string;
  /** Its default workspace directory. */
  defaultWorkspace: string;
  /** Runs it in `dir`; resolves to the printed report and the verdict. */
  run(dir: string, log: (message: string) => void, options: DemoRunOptions): Promise<{ text: string; valid: boolean }>;
}

/** The demo of each method; the first is the default. */
export const DEMOS: Readonly<Record<string, DemoEntry>> = {
  sisa: {
    summary: "SISA shard retraining on 256 MNIST digits (0 vs 1)",
    defaultWorkspace: SISA_DEMO_WORKSPACE,
    async run(dir, log, options) {
      const report = await runSisaDemo(dir, log, { proveAccuracy: options.proveAccuracy === true });
      return { text: formatSisaReport(report), valid: report.allValid };
    },
  },
  ridge: {
    summary: "ridge model shifting on 1,024 MNIST digits (10 classes): genesis, a subject's deletion, digit 7 forgotten",
    defaultWorkspace: RIDGE_DEMO_WORKSPACE,
    async run(dir, log, options) {
      if (options.proveAccuracy) throw new Error("--prove-accuracy is for the SISA demo: the ridge demo's profile has no accuracy companion (its accuracy is measured, not proved)");
      const report = await runRidgeDemo(dir, log);
      return { text: formatRidgeReport(report), valid: report.allValid };
    },
  },
  amnesiac: {
    summary: "amnesiac unlearning on 256 MNIST digits (0 vs 1): 64 proved mini-batch steps with an update log, a subject's records unlearned by subtraction (approximate), then repaired",
    defaultWorkspace: AMNESIAC_DEMO_WORKSPACE,
    async run(dir, log, options) {
      if (options.proveAccuracy) throw new Error("--prove-accuracy is for the SISA demo: the amnesiac demo measures its accuracy (not proved)");
      const report = await runAmnesiacDemo(dir, log);
      return { text: formatAmnesiacReport(report), valid: report.allValid };
    },
  },
};

/** The demo named `method`. @throws Error listing the known methods */
export function demoOf(method: string): DemoEntry {
  const demo = Object.hasOwn(DEMOS, method) ? DEMOS[method] : undefined;
  if (!demo) throw new Error(`no demo for method ${JSON.stringify(method)}; the known methods are ${Object.keys(DEMOS).join(", ")}`);
  return demo;
}
