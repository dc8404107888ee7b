/**
 * Canonical JSON: one byte-exact text per JSON value, so that hashes of JSON objects
 * (verification keys, bundles) do not depend on key order or formatting.
 *
 * Rules: object keys sorted by UTF-16 code units (plain `Array.prototype.sort` order), no
 * whitespace, strings and finite numbers written as `JSON.stringify` writes them. Object
 * properties whose value is `undefined` are left out, exactly as `JSON.stringify` does, so a
 * value and its parse(stringify()) round trip have the same canonical text. Anything that has
 * no single JSON meaning (bigint, NaN, Infinity, `undefined` in an array or at the top,
 * functions, symbols, class instances such as Date or Uint8Array) is refused with an error
 * naming where it is, instead of being silently coerced.
 *
 * This file is imported by the verifier: it must stay dependency-free.
 */

/**
 * Serialize `value` as canonical JSON (sorted keys, no whitespace).
 * @throws Error naming the JSON path (`$.IC[2]`) of the first value that has no JSON form.
 */
export function canonicalJson(value: unknown): string {
  return write(value, "$");
}

function write(value: unknown, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw new Error(`canonicalJson: ${path} is ${String(value)}, which has no JSON form`);
      }
      return JSON.stringify(value);
    case "object":
      return Array.isArray(value) ? writeArray(value, path) : writeObject(value, path);
    default:
      // bigint, undefined, function, symbol: JSON.stringify would throw or drop them silently.
      throw new Error(`canonicalJson: ${path} is a ${typeof value}, which has no JSON form`);
  }
}

function writeArray(items: readonly unknown[], path: string): string {
  const parts = items.map((item, i) => write(item, `${path}[${i}]`));
  return `[${parts.join(",")}]`;
}

function writeObject(obj: object, path: string): string {
  const proto: unknown = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) {
    // Date, Map, Uint8Array, ...: their JSON form depends on toJSON or is lossy.
    const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? "non-plain object";
    throw new Error(`canonicalJson: ${path} is a ${name}, only plain objects are allowed`);
  }
  const record = obj as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue; // as JSON.stringify does
    parts.push(`${JSON.stringify(key)}:${write(item, `${path}.${key}`)}`);
  }
  return `{${parts.join(",")}}`;
}
