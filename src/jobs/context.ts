import { importSqliteLedger, PostgresLedgerStore } from "../ledger/postgres.ts";
import { isPostgresUrl, SqliteLedgerStore, type LedgerStore } from "../ledger/store.ts";
import { Ledger } from "../ledger/ledger.ts";
import { workspacePaths } from "../workspace/workspace.ts";
import { join } from "node:path";
import { PostgresPlanStore, SqlitePlanStore, type PlanStore } from "./plans.ts";

/** File beside a SQLite ledger that holds the planned proofs. */
export const PLANS_FILE = "plans.sqlite";

/** The ledger and the plans a server or worker works on. */
export interface LedgerContext {
  store: LedgerStore;
  plans: PlanStore;
  close(): Promise<void>;
}

/**
 * Opens the ledger of workspace `dir` — its SQLite file, or the PostgreSQL ledger at `ledger`
 * when that is a postgres:// URL — and the plans kept with it.
 * @throws LedgerError naming the file or (redacted) URL
 */
export async function openLedgerContext(dir: string, ledger?: string): Promise<LedgerContext> {
  if (ledger !== undefined && isPostgresUrl(ledger)) {
    const store = await PostgresLedgerStore.open(ledger);
    const plans = await PostgresPlanStore.open(store.pool);
    return { store, plans, close: () => store.close() };
  }
  const path = ledger ?? workspacePaths(dir).ledger;
  const store = SqliteLedgerStore.open(path);
  const plans = new SqlitePlanStore(join(dir, PLANS_FILE));
  return { store, plans, close: async () => { await plans.close(); await store.close(); } };
}

/** Copies the workspace's SQLite ledger into a new PostgreSQL ledger at `url` (see importSqliteLedger). */
export async function importWorkspaceLedger(dir: string, url: string): Promise<PostgresLedgerStore> {
  const ledger = Ledger.open(workspacePaths(dir).ledger, { readonly: true });
  try {
    return await importSqliteLedger(ledger, url);
  } finally {
    ledger.close();
  }
}
