import { corrupt, type XlsxPackage, type XlsxWhere } from './xlsx-package.js';
import { XmlSyntaxError, XmlTokenizer, type XmlHandler } from './xlsx-xml-tokenizer.js';

/**
 * A handler of one XML part of the package. It owns its tokenizer (to switch text capture on and off) and learns
 * the namespace prefix of SpreadsheetML from the root element (`worksheet`, or `x:worksheet` as the .NET Open XML
 * SDK writes it), so that it matches exactly the elements of that namespace and not same-named extension elements.
 */
export abstract class XmlPartHandler implements XmlHandler {
  readonly tokenizer = new XmlTokenizer(this);
  /** `''` or `x:`: prefix of the root element, to put before the local names the handler matches. */
  protected prefix = '';
  protected rootChecked = false;

  /** Local name the root element must have (`worksheet`, `sst`, …). */
  protected abstract readonly root: string;

  openTag(name: string, attributes: string): void {
    if (!this.rootChecked) this.checkRoot(name);
    this.open(name, attributes);
  }

  /** Learns the prefix from the root element and checks its local name. */
  protected checkRoot(name: string): void {
    this.rootChecked = true;
    const colon = name.indexOf(':');
    this.prefix = colon < 0 ? '' : name.slice(0, colon + 1);
    if (name.slice(colon + 1) !== this.root) throw new PartContentError(`its root element is <${name}>, not <${this.root}>`);
    this.started();
  }

  /** Called once the root element is known (and `prefix` set). */
  protected started(): void {}

  protected abstract open(name: string, attributes: string): void;
  abstract closeTag(name: string): void;
  text(_text: string): void {}
}

/** The XML is well-formed but does not hold what SpreadsheetML says it must (cells out of order, a bad index). */
export class PartContentError extends Error {
  override readonly name = 'PartContentError';
}

const PIECE_CHARS = 16 * 1024;

/**
 * Streams one XML part through `handler`, checking the document is complete. An XML or content problem becomes
 * CORRUPT_XLSX naming the part (and the tab, when `where` has one).
 * @param afterChunk awaited after each piece of text (at most 16 Ki characters), e.g. to let a CSV writer drain
 */
export async function readXmlPart(
  pkg: XlsxPackage,
  partName: string,
  where: XlsxWhere,
  handler: XmlPartHandler,
  afterChunk?: () => Promise<void> | undefined,
): Promise<void> {
  const tokenizer = handler.tokenizer;
  try {
    await pkg.readPart(partName, where, async (text) => {
      // Pieces of at most 16 Ki characters, so that what one piece makes (shared strings amplify) stays small
      // between two calls of `afterChunk`.
      for (let at = 0; at < text.length; at += PIECE_CHARS) {
        tokenizer.write(text.length <= PIECE_CHARS ? text : text.slice(at, at + PIECE_CHARS));
        const pending = afterChunk?.();
        if (pending !== undefined) await pending;
      }
    });
    tokenizer.end();
  } catch (error) {
    if (error instanceof XmlSyntaxError || error instanceof PartContentError) {
      throw corrupt(where, `the part ${partName}: ${error.message}`, error);
    }
    throw error;
  }
}
