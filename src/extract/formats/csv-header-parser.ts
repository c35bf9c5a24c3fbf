/**
 * Parses the header record of a CSV from the first bytes of the file, the same way DuckDB's reader will (RFC 4180:
 * comma, `"` quotes with `""` inside, records end at LF, CRLF or CR outside quotes). Works on bytes: the delimiter,
 * quote and line breaks are ASCII and never occur inside a multi-byte UTF-8 sequence.
 */
export type HeaderParse =
  | { readonly ok: true; readonly fields: readonly Buffer[] }
  | { readonly ok: false; readonly problem: string };

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The header fields (raw bytes, quotes removed) of `head`, which starts after any BOM. `complete` says `head` is the
 * whole file, so running out of bytes ends the record instead of meaning "header too long".
 */
export function parseCsvHeader(head: Buffer, complete: boolean): HeaderParse {
  const fields: Buffer[] = [];
  let field: number[] | undefined; // bytes of a quoted field (unescaped)
  let start = 0; // start of an unquoted field
  let i = 0;
  for (;;) {
    if (i >= head.length) {
      if (field !== undefined) {
        return { ok: false, problem: complete ? 'a quoted header name is never closed' : 'the header row is longer than the limit (a quote left open?)' };
      }
      if (!complete) return { ok: false, problem: 'the header row is longer than the limit' };
      fields.push(head.subarray(start, i));
      return { ok: true, fields };
    }
    const b = head[i]!;
    if (field !== undefined) {
      // Inside quotes: "" is a quote, " followed by a delimiter or line end closes the field.
      if (b === QUOTE) {
        if (head[i + 1] === QUOTE) {
          field.push(QUOTE);
          i += 2;
          continue;
        }
        const next = head[i + 1];
        if (next !== undefined && next !== COMMA && next !== LF && next !== CR) {
          return { ok: false, problem: `a quoted header name is followed by other characters (field ${fields.length + 1})` };
        }
        if (next === undefined && !complete) return { ok: false, problem: 'the header row is longer than the limit' };
        fields.push(Buffer.from(field));
        field = undefined;
        i += 1;
        if (next === COMMA) {
          i += 1;
          start = i;
          if (i >= head.length && complete) {
            fields.push(Buffer.alloc(0));
            return { ok: true, fields };
          }
          continue;
        }
        return { ok: true, fields };
      }
      field.push(b);
      i += 1;
      continue;
    }
    if (b === QUOTE && i === start) {
      field = [];
      i += 1;
      continue;
    }
    if (b === COMMA) {
      fields.push(head.subarray(start, i));
      i += 1;
      start = i;
      continue;
    }
    if (b === LF || b === CR) {
      fields.push(head.subarray(start, i));
      return { ok: true, fields };
    }
    i += 1;
  }
}
