import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getProfile } from "../../src/circuits/profiles.ts";
import { getPoseidon } from "../../src/crypto/poseidon.ts";
import { CommittedDataset } from "../../src/dataset/commitment.ts";
import { loadDataset } from "../../src/encoding/records.ts";
import { ensureDevKey, publishKey, type ProvingKey } from "../../src/keys/devKeys.ts";
import { proveDeletion } from "../../src/prover/deletion.ts";
import { loadKeyRing, type DeletionStatement, type KeyRing, type ProofBundle } from "../../src/verifier/index.ts";

/** Small profile the tests prove under (256 slots, up to 2 deletions per proof). */
export const TEST_PROFILE = "deletion-d8-k2";

/** A committed 40-record dataset, its dev key published in a temp key dir, and one real bundle. */
export interface DeletionFixture {
  dataset: CommittedDataset;
  after: CommittedDataset;
  key: ProvingKey;
  keysDir: string;
  keys: KeyRing;
  bundle: ProofBundle<DeletionStatement>;
  deletedIds: string[];
}

let fixture: Promise<DeletionFixture> | undefined;

/** Built once per test process (the first call compiles the circuit and makes the dev key). */
export function deletionFixture(): Promise<DeletionFixture> {
  fixture ??= build();
  return fixture;
}

async function build(): Promise<DeletionFixture> {
  const profile = getProfile(TEST_PROFILE);
  const data = await loadDataset("data/demo.csv");
  const dataset = CommittedDataset.commit({ ...data, records: data.records.slice(0, 40) }, profile.params[0]!, await getPoseidon());
  const key = await ensureDevKey(profile);
  const keysDir = await mkdtemp(join(tmpdir(), "zkf-keys-"));
  await publishKey(key, keysDir);
  const deletedIds = [data.records[3]!.id, data.records[17]!.id];
  const { bundle, dataset: after } = await proveDeletion(dataset, deletedIds, { profile, key });
  return { dataset, after, key, keysDir, keys: await loadKeyRing(keysDir), bundle, deletedIds };
}
