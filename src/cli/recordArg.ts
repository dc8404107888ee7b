import { readFile } from "node:fs/promises";
import { parseSubjectRecord, type SubjectRecord } from "../verifier/subjectRecord.ts";
import { UsageError } from "./command.ts";

/**
 * A `--record` argument: the subject's record `{"features": […], "label": y}` (raw values) or
 * document `{"text": "…"}`, given inline (starting with `{`) or as a file.
 * @throws UsageError naming the file or what is wrong with the record
 */
export async function readRecordArg(arg: string): Promise<SubjectRecord> {
  let text = arg;
  if (!arg.trim().startsWith("{")) {
    try {
      text = await readFile(arg, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read record ${arg}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  try {
    return parseSubjectRecord(text);
  } catch (error) {
    throw new UsageError(`--record: ${(error as Error).message}`);
  }
}
