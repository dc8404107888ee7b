/**
 * Reads a text corpus: JSON Lines, one document per line, e.g. `{"id": "doc-1", "text": "…"}`.
 * Each document becomes a record whose record hash is the document's hash
 * (src/dataset/document.ts), committed into the dataset tree like any record, so deletion
 * profiles prove its exclusion (the case of a model fine-tuned on documents whose training
 * cannot be proved in a circuit). Other keys on a line are ignored (metadata stays outside the
 * commitment). Row numbers in errors are 1-based line numbers; blank lines are skipped.
 */
import { DEFAULT_ID_COLUMN, IdRegistry, type Dataset } from "./dataset.ts";
import { DatasetError } from "./datasetError.ts";
import { jsonId, readJsonLines } from "./jsonlDataset.ts";
import { readDataFile } from "./records.ts";

/** Default key of the document text. */
export const DEFAULT_TEXT_FIELD = "text";

/** Which keys hold the text and the id. */
export interface CorpusOptions {
  /** Key of the document text (default `text`). */
  textField?: string;
  /** Key of the document id (default `id`; documents without one get their 1-based number). */
  idField?: string;
}

/**
 * Parses JSON Lines text into a corpus dataset: records with `text`, no features, label 0.
 * @throws DatasetError naming the line for invalid JSON, a line that is not an object, a
 *   missing, non-string or empty text, a bad or duplicate id, or an empty corpus
 */
export function parseCorpus(text: string, file: string, options: CorpusOptions = {}): Dataset {
  const textField = options.textField ?? DEFAULT_TEXT_FIELD;
  const idField = options.idField ?? DEFAULT_ID_COLUMN;
  const ids = new IdRegistry();
  const records: Dataset["records"] = [];
  for (const { line, value: doc } of readJsonLines(text, file)) {
    const body = doc[textField];
    if (body === undefined || body === null) throw new DatasetError(file, line, textField, "text is missing");
    if (typeof body !== "string") throw new DatasetError(file, line, textField, `text must be a string, got ${JSON.stringify(body).slice(0, 40)}`);
    if (body === "") throw new DatasetError(file, line, textField, "text is empty");
    const id = jsonId(doc[idField], file, line, idField);
    records.push({ id: ids.claim(id, records.length + 1, file, line, idField), features: [], label: 0, text: body });
  }
  if (records.length === 0) throw new DatasetError(file, 1, undefined, "the corpus is empty (expected one JSON object with a text per line)");
  return { featureNames: [], records };
}

/**
 * Reads a corpus file (any extension; the content must be JSON Lines).
 * @throws DatasetError for an unreadable file or anything {@link parseCorpus} rejects
 */
export async function loadCorpus(path: string, options: CorpusOptions = {}): Promise<Dataset> {
  return parseCorpus(await readDataFile(path), path, options);
}
