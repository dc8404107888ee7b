import { importWorkspaceLedger } from "../../jobs/context.ts";
import { isPostgresUrl } from "../../ledger/store.ts";
import { DEFAULT_WORKSPACE } from "../../workspace/workspace.ts";
import { parseCommandArgs, UsageError, type Command } from "../command.ts";

export const ledgerCommand: Command = {
  name: "ledger",
  summary: "move a workspace's ledger to PostgreSQL (ledger import --to postgres://…)",
  help: `Usage: zkforget ledger import --to postgres://user:pass@host/db[?schema=S] [--workspace DIR]

Copies the workspace's SQLite ledger (entries, requests, the private snapshot) into a new
PostgreSQL ledger in one transaction, after checking that its entries chain. Refuses a database
(or schema) that already holds one. Then run \`zkforget serve\` and \`zkforget worker\` with
--ledger URL; the SQLite file is no longer written to. The tables: entries (append-only: a
trigger refuses UPDATE, DELETE and TRUNCATE), requests, snapshot, meta, and plans (scratch).

Options:
  --to URL          the PostgreSQL database (required); ?schema=S puts the tables in schema S
  --workspace DIR   default ./${DEFAULT_WORKSPACE}`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { to: { type: "string" }, workspace: { type: "string" } });
    if (positionals.join(" ") !== "import") throw new UsageError("the only action is import");
    if (values.to === undefined || !isPostgresUrl(values.to)) throw new UsageError("--to must be a postgres:// URL");
    const store = await importWorkspaceLedger(values.workspace ?? DEFAULT_WORKSPACE, values.to);
    try {
      const head = await store.head();
      process.stdout.write(`imported ${head.seq} entries into ${store.location}\n`);
    } finally {
      await store.close();
    }
    return 0;
  },
};
