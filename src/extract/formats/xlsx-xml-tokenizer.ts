/**
 * A small streaming XML tokenizer for the parts of an XLSX package (SpreadsheetML is plain XML: elements,
 * attributes, character data, the odd comment or CDATA section; no DTDs). Written for speed on sheet parts, where a
 * general SAX parser spends most of its time building attribute objects nobody reads: a start tag hands over its
 * attributes as raw text, and only the handler's few interesting tags parse them ({@link readAttributes}).
 *
 * It still checks what matters for "never a silently shorter file": every end tag closes the element that is open,
 * there is one root element, and the document does not end inside a tag, a text or an element
 * ({@link XmlTokenizer.end}). Malformed input throws {@link XmlSyntaxError}.
 */

/** Receives the tokens of a document, in order. */
export interface XmlHandler {
  /** A start tag. `attributes` is the raw text between the name and `>` (or `/>`); parse it with {@link readAttributes}. */
  openTag(name: string, attributes: string): void;
  /** An end tag; a self-closing tag `<x/>` gives `openTag` then `closeTag`. */
  closeTag(name: string): void;
  /** Character data with entities decoded and line ends normalised; only while {@link XmlTokenizer.captureText} is on. */
  text(text: string): void;
}

/** The XML is not well-formed (or uses something this tokenizer refuses, such as a DTD). */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
}

/** Receives attributes from {@link readAttributes}. */
export interface AttributeSink {
  attribute(name: string, value: string): void;
}

/** Longest single token (tag, text run, comment) accepted; Excel's cells hold at most 32,767 characters. */
const MAX_TOKEN_CHARS = 8 * 1024 * 1024;

const LT = 60; // <
const GT = 62; // >
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const DQUOTE = 34;
const SQUOTE = 39;

/**
 * Push tokenizer: feed decoded text with {@link write} in chunks of any size (a token may span chunks), then call
 * {@link end}. Text between tags is only decoded and handed over while `captureText` is on, which the handler sets
 * in `openTag` for the elements whose content it wants (`<v>`, `<t>`): everything else costs one `indexOf`.
 */
export class XmlTokenizer {
  /** Whether character data is passed to {@link XmlHandler.text}. */
  captureText = false;
  private pending = '';
  /** Where the search for `<` resumes in `pending` when it ends in text (already scanned). */
  private pendingTextScanned = 0;
  private readonly stack: string[] = [];
  private rootSeen = false;
  /** Characters consumed before `pending`, for error positions. */
  private consumed = 0;

  constructor(private readonly handler: XmlHandler) {}

  /** Tokenizes `chunk` (continuing `pending`); incomplete trailing tokens wait for the next chunk. */
  write(chunk: string): void {
    const buf = this.pending.length === 0 ? chunk : this.pending + chunk;
    let scanFrom = this.pendingTextScanned;
    this.pendingTextScanned = 0;
    const len = buf.length;
    let pos = 0;
    while (pos < len) {
      const lt = buf.indexOf('<', scanFrom > pos ? scanFrom : pos);
      scanFrom = 0;
      if (lt < 0) {
        if (!this.captureText) {
          pos = len; // text nobody reads: drop it
          break;
        }
        this.keep(buf, pos, len - pos);
        return;
      }
      if (lt > pos && this.captureText) this.handler.text(decodeXmlText(buf.slice(pos, lt), this.consumed + pos));
      const next = lt + 1 < len ? buf.charCodeAt(lt + 1) : -1;
      let end: number;
      if (next === SLASH) end = this.endTag(buf, lt);
      else if (next === BANG) end = this.declaration(buf, lt);
      else if (next === QUESTION) end = this.instruction(buf, lt);
      else if (next === -1) end = -1;
      else end = this.startTag(buf, lt);
      if (end < 0) {
        this.keep(buf, lt, 0);
        return;
      }
      pos = end;
    }
    this.consumed += len;
    this.pending = '';
  }

  /** Checks that the document is complete: nothing pending, every element closed, a root element seen. */
  end(): void {
    const rest = this.pending;
    if (rest.length > 0 && (rest.charCodeAt(0) === LT || rest.trim() !== '')) {
      throw new XmlSyntaxError(`the XML ends inside a tag or text at character ${this.consumed} (the part is truncated)`);
    }
    if (this.stack.length > 0) {
      throw new XmlSyntaxError(`the XML ends inside <${this.stack.at(-1)}> (${this.stack.length} element(s) left open): the part is truncated`);
    }
    if (!this.rootSeen) throw new XmlSyntaxError('the part holds no XML element');
  }

  private keep(buf: string, from: number, scanned: number): void {
    if (buf.length - from > MAX_TOKEN_CHARS) {
      throw new XmlSyntaxError(`a single XML token longer than ${MAX_TOKEN_CHARS} characters at character ${this.consumed + from}`);
    }
    this.consumed += from;
    this.pending = buf.slice(from);
    this.pendingTextScanned = scanned;
  }

  /** `<name attributes>` or `<name attributes/>` at `lt`; returns the index after it, or -1 when incomplete. */
  private startTag(buf: string, lt: number): number {
    const len = buf.length;
    let i = lt + 1;
    for (; i < len; i += 1) {
      const c = buf.charCodeAt(i);
      if (c === GT || c === SLASH || c === 32 || c === 10 || c === 9 || c === 13) break;
    }
    if (i >= len) return -1;
    if (i === lt + 1) throw this.error(lt, 'a "<" that starts no tag');
    const name = buf.slice(lt + 1, i);
    const attrStart = i;
    // Find the closing '>' outside quoted attribute values ('>' is legal inside them).
    for (; i < len; i += 1) {
      const c = buf.charCodeAt(i);
      if (c === GT) break;
      if (c === DQUOTE || c === SQUOTE) {
        const close = buf.indexOf(c === DQUOTE ? '"' : "'", i + 1);
        if (close < 0) return -1;
        i = close;
      } else if (c === LT) {
        throw this.error(i, `"<" inside the tag <${name}>`);
      }
    }
    if (i >= len) return -1;
    const selfClosing = buf.charCodeAt(i - 1) === SLASH;
    if (this.stack.length === 0) {
      if (this.rootSeen) throw this.error(lt, `a second root element <${name}>`);
      this.rootSeen = true;
    }
    this.handler.openTag(name, buf.slice(attrStart, selfClosing ? i - 1 : i));
    if (selfClosing) this.handler.closeTag(name);
    else this.stack.push(name);
    return i + 1;
  }

  private endTag(buf: string, lt: number): number {
    // Fast path: `</name>` of the open element, compared in place (no slice).
    const top = this.stack.length === 0 ? undefined : this.stack[this.stack.length - 1]!;
    if (top !== undefined && buf.charCodeAt(lt + 2 + top.length) === GT && buf.startsWith(top, lt + 2)) {
      this.stack.pop();
      this.handler.closeTag(top);
      return lt + 3 + top.length;
    }
    const gt = buf.indexOf('>', lt + 2);
    if (gt < 0) return buf.length - lt > 1024 ? this.fail(lt, 'an end tag that never closes') : -1;
    let nameEnd = gt;
    while (nameEnd > lt + 2 && isSpace(buf.charCodeAt(nameEnd - 1))) nameEnd -= 1;
    const name = buf.slice(lt + 2, nameEnd);
    const open = this.stack.pop();
    if (open !== name) {
      throw this.error(lt, open === undefined ? `the end tag </${name}> closes no element` : `the end tag </${name}> does not close <${open}>`);
    }
    this.handler.closeTag(name);
    return gt + 1;
  }

  /** `<!-- … -->`, `<![CDATA[ … ]]>`; DTDs are refused (OOXML has none, and they enable entity expansion attacks). */
  private declaration(buf: string, lt: number): number {
    if (buf.startsWith('<!--', lt)) {
      const close = buf.indexOf('-->', lt + 4);
      return close < 0 ? -1 : close + 3;
    }
    if (buf.startsWith('<![CDATA[', lt)) {
      const close = buf.indexOf(']]>', lt + 9);
      if (close < 0) return -1;
      if (this.captureText) this.handler.text(normaliseLineEnds(buf.slice(lt + 9, close)));
      return close + 3;
    }
    if (buf.startsWith('<!DOCTYPE', lt)) throw this.error(lt, 'a document type declaration (DTD), which SpreadsheetML parts never have');
    if (buf.length - lt < 9) return -1; // too short to tell yet
    throw this.error(lt, 'an unknown "<!" declaration');
  }

  /** `<?xml … ?>` and other processing instructions: skipped. */
  private instruction(buf: string, lt: number): number {
    const close = buf.indexOf('?>', lt + 2);
    return close < 0 ? -1 : close + 2;
  }

  private error(at: number, what: string): XmlSyntaxError {
    return new XmlSyntaxError(`malformed XML at character ${this.consumed + at}: ${what}`);
  }

  private fail(at: number, what: string): never {
    throw this.error(at, what);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** Receives attributes from {@link scanAttributes} as positions in the raw text: nothing is sliced unless asked. */
export interface RawAttributeSink {
  /**
   * One attribute: its name is `raw.slice(nameStart, nameEnd)`, its value {@link attributeValue}`(raw, valueStart,
   * valueEnd, plain)`; `plain` says the value needs no decoding (no `&`, tab or line end).
   */
  rawAttribute(raw: string, nameStart: number, nameEnd: number, valueStart: number, valueEnd: number, plain: boolean): void;
}

/**
 * Walks the `name="value"` (or `'value'`) pairs of a start tag's raw attribute text, handing positions to `sink`
 * (the sheet reader compares names by character code and slices only the values it keeps: this is its hot path).
 * @throws XmlSyntaxError when the text is not a list of attributes.
 */
export function scanAttributes(raw: string, sink: RawAttributeSink): void {
  const len = raw.length;
  let i = 0;
  for (;;) {
    while (i < len && isSpace(raw.charCodeAt(i))) i += 1;
    if (i >= len) return;
    const nameStart = i;
    while (i < len) {
      const c = raw.charCodeAt(i);
      if (c === 61 /* = */ || isSpace(c)) break;
      i += 1;
    }
    const nameEnd = i;
    while (i < len && isSpace(raw.charCodeAt(i))) i += 1;
    if (raw.charCodeAt(i) !== 61 || nameEnd === nameStart) throw new XmlSyntaxError(`malformed attributes in a tag: ${JSON.stringify(raw.slice(0, 80))}`);
    i += 1;
    while (i < len && isSpace(raw.charCodeAt(i))) i += 1;
    const quote = raw.charCodeAt(i);
    if (quote !== DQUOTE && quote !== SQUOTE) throw new XmlSyntaxError(`an attribute value without quotes in a tag: ${JSON.stringify(raw.slice(0, 80))}`);
    // One pass finds the closing quote and whether the value needs decoding (references, tabs, line ends).
    let plain = true;
    let close = i + 1;
    for (; close < len; close += 1) {
      const c = raw.charCodeAt(close);
      if (c === quote) break;
      if (c === 38 /* & */ || c === 9 || c === 10 || c === 13) plain = false;
    }
    if (close >= len) throw new XmlSyntaxError(`an attribute value that never ends in a tag: ${JSON.stringify(raw.slice(0, 80))}`);
    sink.rawAttribute(raw, nameStart, nameEnd, i + 1, close, plain);
    i = close + 1;
  }
}

/** The value of an attribute found by {@link scanAttributes}, decoded when it is not `plain`. */
export function attributeValue(raw: string, valueStart: number, valueEnd: number, plain: boolean): string {
  const value = raw.slice(valueStart, valueEnd);
  return plain ? value : decodeAttributeValue(value);
}

/**
 * Calls `sink.attribute(name, value)` for each `name="value"` (or `'value'`) of a start tag's raw attribute text,
 * values decoded. Names keep their prefix (`r:id`).
 * @throws XmlSyntaxError when the text is not a list of attributes.
 */
export function readAttributes(raw: string, sink: AttributeSink): void {
  scanAttributes(raw, {
    rawAttribute: (text, nameStart, nameEnd, valueStart, valueEnd, plain) =>
      sink.attribute(text.slice(nameStart, nameEnd), attributeValue(text, valueStart, valueEnd, plain)),
  });
}

const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));|&/g;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Character data: entity and character references decoded, CR LF and lone CR read as LF (XML 1.0 §2.11). */
export function decodeXmlText(raw: string, at = 0): string {
  const text = normaliseLineEnds(raw);
  return text.includes('&') ? decodeReferences(text, at) : text;
}

/** An attribute value that holds `&`, tabs or line ends: references decoded; literal tabs and line ends become spaces (XML 1.0 §3.3.3). */
function decodeAttributeValue(raw: string): string {
  const text = raw.replace(/\r\n|[\t\n\r]/g, ' ');
  return text.includes('&') ? decodeReferences(text, 0) : text;
}

function normaliseLineEnds(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

function decodeReferences(text: string, at: number): string {
  return text.replace(ENTITY, (match: string, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named !== undefined) return NAMED[named]!;
    if (hex === undefined && dec === undefined) throw new XmlSyntaxError(`malformed XML near character ${at}: a bare "&" or an unknown entity in ${JSON.stringify(text.slice(0, 80))}`);
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      throw new XmlSyntaxError(`malformed XML near character ${at}: the character reference ${match} is not a character`);
    }
    return String.fromCodePoint(code);
  });
}
