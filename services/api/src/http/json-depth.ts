/** Deepest nesting of arrays and objects a JSON request body may have. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether the raw JSON text nests arrays/objects deeper than `limit`, found in one pass over the
 * bytes before anything is parsed (brackets inside strings do not count). Malformed text is left
 * to the parser; this only has to be right for text that would parse.
 */
export const jsonNestsDeeperThan = (bytes: Uint8Array, limit: number): boolean => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i += 1;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      depth += 1;
      if (depth > limit) return true;
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
      depth -= 1;
    }
  }
  return false;
};

/** Raised (before parsing) for a body nested too deep; rendered as 400 with a JSON body. */
export class JsonTooDeepError extends Error {
  override name = 'JsonTooDeepError';
  readonly status = 400;
  readonly type = 'entity.too.deep';

  constructor(limit: number) {
    super(`JSON body is nested deeper than ${limit} levels`);
  }
}
