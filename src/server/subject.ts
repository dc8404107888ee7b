import { createHash, timingSafeEqual } from "node:crypto";
import type { LedgerStore } from "../ledger/store.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import type { CommittedDataset } from "../dataset/commitment.ts";
import { datasetOf, restoreSnapshot } from "../workspace/workspace.ts";

/**
 * Data subjects filing for their own record: they present the record id and the salt from
 * their inclusion receipt. The salt is 254 random bits known only to the controller and the
 * subject, so it proves the subject's right to the record; the record id alone proves nothing.
 */

/** The request id of a subject's request: derived from (record id, salt), so filing again is idempotent and nobody without the salt can name it. */
export function subjectRequestId(recordId: string, salt: string): string {
  return `subject-${createHash("sha256").update(`zkforget-subject-request\0${recordId}\0${salt.toLowerCase()}`).digest("hex").slice(0, 32)}`;
}

/**
 * The controller's dataset at the ledger's head (its live records' salts for data subjects, and
 * the slots and leaves a new request commits to), restored from the ledger's snapshot and
 * re-read when the head's state moves (a `request` entry does not move it).
 */
export class LiveRecords {
  #cache: { state: string; dataset: CommittedDataset; salts: Map<string, string> } | undefined;

  constructor(readonly store: LedgerStore) {}

  /** The dataset at the current snapshot. @throws StateFileError when the snapshot does not restore */
  async dataset(): Promise<CommittedDataset> {
    return (await this.#current()).dataset;
  }

  /** Live record id → 0x-hex salt, at the current snapshot. */
  async salts(): Promise<Map<string, string>> {
    return (await this.#current()).salts;
  }

  async #current(): Promise<{ dataset: CommittedDataset; salts: Map<string, string> }> {
    const snapshot = await this.store.snapshot();
    if (this.#cache?.state !== snapshot.state) {
      const dataset = datasetOf(await restoreSnapshot(snapshot, this.store.info, `${this.store.location} (snapshot)`));
      this.#cache = { state: snapshot.state, dataset, salts: new Map(dataset.liveSlots().map((s) => [s.id, toHex32(s.salt)])) };
    }
    return this.#cache;
  }

  /**
   * True when `recordId` is live and `salt` is its salt. The comparison is constant-time, and
   * is made (against a dummy) for an unknown id too, so that timing tells an unknown id from a
   * wrong salt no better than the response does (which is the same for both).
   */
  async matches(recordId: string, salt: string): Promise<boolean> {
    const expected = (await this.salts()).get(recordId);
    const presented = Buffer.from(salt.toLowerCase().replace(/^0x/, "").padStart(64, "0"), "hex");
    const against = expected !== undefined ? Buffer.from(expected.replace(/^0x/, ""), "hex") : Buffer.alloc(32, 0xff);
    return presented.length === 32 && timingSafeEqual(presented, against) && expected !== undefined;
  }
}
