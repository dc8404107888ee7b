import { isOverdue, publicRequest } from "../../ledger/ledger.ts";
import { DEFAULT_WORKSPACE, openLedger } from "../../workspace/workspace.ts";
import { parseCommandArgs, UsageError, type Command } from "../command.ts";

export const requestsCommand: Command = {
  name: "requests",
  summary: "list the deletion requests of a workspace and their status (--overdue HOURS for late ones)",
  help: `Usage: zkforget requests [--workspace DIR] [--overdue HOURS] [--json]

Lists the deletion requests recorded in the workspace's ledger, oldest first: id, status
(received → proving → proved, or failed), number of records, when it was received, when it
was proved (or last changed), the ledger entries that answer it, and the error of a failed one.

Options:
  --workspace DIR   default ./${DEFAULT_WORKSPACE}
  --overdue HOURS   only requests not proved and received more than HOURS hours ago
  --json            print the requests as a JSON list (without the record ids)`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { workspace: { type: "string" }, overdue: { type: "string" }, json: { type: "boolean" } }, false);
    let hours: number | undefined;
    if (values.overdue !== undefined) {
      hours = Number(values.overdue);
      if (values.overdue.trim() === "" || !Number.isFinite(hours) || hours < 0) throw new UsageError(`--overdue must be a number of hours ≥ 0, got ${JSON.stringify(values.overdue)}`);
    }
    const ledger = await openLedger(values.workspace ?? DEFAULT_WORKSPACE, { readonly: true });
    let requests;
    try {
      requests = ledger.requests().map(publicRequest);
    } finally {
      ledger.close();
    }
    const now = new Date();
    if (hours !== undefined) requests = requests.filter((r) => isOverdue(r, hours, now));
    if (values.json) {
      process.stdout.write(`${JSON.stringify(requests, null, 2)}\n`);
      return 0;
    }
    if (requests.length === 0) {
      process.stdout.write(hours !== undefined ? `no request is overdue (older than ${hours} h and not proved)\n` : "no deletion requests\n");
      return 0;
    }
    const rows = [
      ["ID", "STATUS", "RECORDS", "RECEIVED", "PROVED / UPDATED", "ENTRIES", "ERROR"],
      ...requests.map((r) => [r.id, r.status, String(r.recordCount), r.receivedAt, r.provedAt ?? r.updatedAt, r.entries.join(",") || "-", r.error ?? ""]),
    ];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    process.stdout.write(`${rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()).join("\n")}\n`);
    return 0;
  },
};
