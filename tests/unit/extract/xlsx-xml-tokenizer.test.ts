import { describe, expect, it } from 'vitest';
import { XmlSyntaxError, XmlTokenizer, readAttributes, type XmlHandler } from '../../../src/extract/formats/xlsx-xml-tokenizer.js';

/** Tokens as strings; text is captured inside elements named `v` or `t` (as the sheet reader does). */
function tokens(xml: string, chunkSize = xml.length): string[] {
  const out: string[] = [];
  const handler: XmlHandler = {
    openTag(name, attributes) {
      const attrs: string[] = [];
      readAttributes(attributes, { attribute: (n, v) => attrs.push(`${n}=${v}`) });
      out.push(`<${name}${attrs.map((a) => ` ${a}`).join('')}>`);
      if (name === 'v' || name === 't') tokenizer.captureText = true;
    },
    closeTag(name) {
      out.push(`</${name}>`);
      tokenizer.captureText = false;
    },
    text(text) {
      // Text may come in pieces (around a comment or CDATA): join neighbours so chunkings compare equal.
      if (out.at(-1)?.startsWith('"')) out[out.length - 1] = `${out.at(-1)!.slice(0, -1)}${text}"`;
      else out.push(`"${text}"`);
    },
  };
  const tokenizer = new XmlTokenizer(handler);
  for (let i = 0; i < xml.length; i += chunkSize) tokenizer.write(xml.slice(i, i + chunkSize));
  tokenizer.end();
  return out;
}

const DOC =
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<!-- a comment <c> -->` +
  `<sheet a="1" b = 'two' c="x&gt;y&amp;z&#65;&#x42;" d="1 > 0"><row r="1"><v>1 &lt; 2 &amp;&amp; "q"</v><v/>` +
  `<t><![CDATA[<raw> & ]]>tail</t><skip>not captured &amp;</skip><t>line\r\nend\rx</t></row >` +
  '</sheet>\n';

describe('XmlTokenizer', () => {
  it('gives elements, decoded attributes and captured text', () => {
    expect(tokens(DOC)).toEqual([
      '<sheet a=1 b=two c=x>y&zAB d=1 > 0>',
      '<row r=1>',
      '<v>',
      '"1 < 2 && "q""',
      '</v>',
      '<v>',
      '</v>',
      '<t>',
      '"<raw> & tail"',
      '</t>',
      '<skip>',
      '</skip>',
      '<t>',
      '"line\nend\nx"',
      '</t>',
      '</row>',
      '</sheet>',
    ]);
  });

  it('gives the same tokens however the text is cut into chunks', () => {
    const whole = tokens(DOC);
    for (const size of [1, 2, 3, 5, 7, 11, 64]) expect(tokens(DOC, size), `chunks of ${size}`).toEqual(whole);
  });

  it.each([
    ['<a><b></a>', /does not close <b>/],
    ['<a></b>', /does not close <a>/],
    ['<a><b>', /ends inside <b>/],
    ['<a><b x="1', /ends inside a tag/],
    ['<a>text', /ends inside <a>/],
    ['<a/><b/>', /second root element <b>/],
    ['', /holds no XML element/],
    ['   ', /holds no XML element/],
    ['<!DOCTYPE a [<!ENTITY x "y">]><a/>', /document type declaration/],
    ['<a><v>&nbsp;</v></a>', /unknown entity/],
    ['<a><v>AT&T</v></a>', /bare "&"/],
    ['<a><v>&#0;</v></a>', /not a character/],
    ['<a><v>&#xD800;</v></a>', /not a character/],
    ['<a <b>', /"<" inside the tag/],
    ['<a><!ELEMENT a ANY></a>', /unknown "<!" declaration/],
  ])('refuses %j', (xml, message) => {
    expect(() => tokens(xml)).toThrow(XmlSyntaxError);
    expect(() => tokens(xml)).toThrow(message);
  });

  it('accepts a document that ends with a short comment or processing instruction', () => {
    expect(tokens('<a/><!--x-->')).toEqual(['<a>', '</a>']);
    expect(tokens('<a/><!---->\n<?pi?>', 2)).toEqual(['<a>', '</a>']);
  });

  it('refuses an end tag that is not the open element even when chunked', () => {
    expect(() => tokens('<root><row></rox></root>', 3)).toThrow(/does not close <row>/);
  });

  it('refuses a single token longer than the cap instead of buffering without end', () => {
    const tokenizer = new XmlTokenizer({ openTag() {}, closeTag() {}, text() {} });
    tokenizer.write('<a><v x="');
    const chunk = 'y'.repeat(1024 * 1024);
    expect(() => {
      for (let i = 0; i < 10; i += 1) tokenizer.write(chunk);
    }).toThrow(/single XML token longer than/);
  });
});

describe('readAttributes', () => {
  const read = (raw: string) => {
    const out: Array<[string, string]> = [];
    readAttributes(raw, { attribute: (n, v) => out.push([n, v]) });
    return out;
  };
  it('reads names with prefixes, both quotes, spaces around "=", and normalises whitespace in values', () => {
    expect(read(` r:id="rId1"\n name = 'Q&apos;s "tab"' x14ac:dyDescent="0.25" v="a\tb\r\nc"`)).toEqual([
      ['r:id', 'rId1'],
      ['name', `Q's "tab"`],
      ['x14ac:dyDescent', '0.25'],
      ['v', 'a b c'],
    ]);
    expect(read('')).toEqual([]);
  });
  it.each(['a', 'a=1', 'a="1', '="1"'])('refuses %j', (raw) => {
    expect(() => read(raw)).toThrow(XmlSyntaxError);
  });
});
