import { buildZip, type ZipEntrySpec } from '../../fixtures/inputs/zip-builder.js';

/**
 * Hand-built XLSX packages for the reader's tests: every part is XML written here, so a test controls what no
 * spreadsheet library lets it choose (part order, inline strings, rich-text runs, the 1904 flag, custom formats,
 * namespace prefixes, a damaged part).
 */

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface SheetSpec {
  readonly name: string;
  /** The `<sheetData>` content (rows), or the whole part when `part` is set. */
  readonly rows?: string;
  /** The complete sheet part, to write something `rows` cannot (a truncated part, another root element). */
  readonly part?: string | Buffer;
}

export interface WorkbookSpec {
  readonly sheets: readonly SheetSpec[];
  /** `<si>` contents, e.g. `<t>plain</t>` or `<r><t>rich</t></r>`. */
  readonly sharedStrings?: readonly string[];
  /** numFmtId of each cellXfs entry (style 0 first); default [0]. */
  readonly cellFormats?: readonly number[];
  /** Custom number formats: id → format code. */
  readonly numFmts?: Readonly<Record<number, string>>;
  readonly date1904?: boolean;
  /** `sheets-first` puts the sheet parts before xl/workbook.xml, as streaming writers do. Default `workbook-first`. */
  readonly order?: 'workbook-first' | 'sheets-first';
  /** Changes the parts before packing (drop one, damage one). */
  readonly edit?: (parts: ZipEntrySpec[]) => ZipEntrySpec[];
}

/** A cell with a shared string, number, etc.: small helpers for `rows`. */
export const cell = {
  s: (ref: string, index: number) => `<c r="${ref}" t="s"><v>${index}</v></c>`,
  n: (ref: string, value: string | number, style?: number) => `<c r="${ref}"${style === undefined ? '' : ` s="${style}"`}><v>${value}</v></c>`,
  inline: (ref: string, xml: string) => `<c r="${ref}" t="inlineStr"><is>${xml}</is></c>`,
  str: (ref: string, text: string) => `<c r="${ref}" t="str"><v>${text}</v></c>`,
};

/** A `<row>` of cells. */
export function row(r: number, ...cells: string[]): string {
  return `<row r="${r}">${cells.join('')}</row>`;
}

/** The parts of a workbook as ZIP entries. */
export function xlsxParts(spec: WorkbookSpec): ZipEntrySpec[] {
  const sheetParts: ZipEntrySpec[] = spec.sheets.map((sheet, i) => ({
    name: `xl/worksheets/sheet${i + 1}.xml`,
    data: sheet.part ?? `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>${sheet.rows ?? ''}</sheetData></worksheet>`,
  }));
  const formats = spec.cellFormats ?? [0];
  const numFmts = Object.entries(spec.numFmts ?? {});
  const escape = (text: string) => text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
  const bookParts: ZipEntrySpec[] = [
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`,
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data:
        `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><workbookPr${spec.date1904 ? ' date1904="1"' : ''}/><sheets>` +
        spec.sheets.map((s, i) => `<sheet name="${escape(s.name)}" sheetId="${i + 1}" r:id="rIdS${i + 1}"/>`).join('') +
        '</sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data:
        `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL}">` +
        spec.sheets.map((_, i) => `<Relationship Id="rIdS${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
        `<Relationship Id="rIdStyles" Type="${REL}/styles" Target="styles.xml"/>` +
        (spec.sharedStrings ? `<Relationship Id="rIdStrings" Type="${REL}/sharedStrings" Target="/xl/sharedStrings.xml"/>` : '') +
        '</Relationships>',
    },
    {
      name: 'xl/styles.xml',
      data:
        `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${MAIN}">` +
        (numFmts.length ? `<numFmts count="${numFmts.length}">${numFmts.map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${escape(code)}"/>`).join('')}</numFmts>` : '') +
        `<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>` + // a date format outside cellXfs: must not count
        `<cellXfs count="${formats.length}">${formats.map((id) => `<xf numFmtId="${id}" fontId="0" applyNumberFormat="1"/>`).join('')}</cellXfs>` +
        `<dxfs count="1"><dxf><numFmt numFmtId="${numFmts[0]?.[0] ?? 200}" formatCode="0.00"/></dxf></dxfs></styleSheet>`, // nor here
    },
    ...(spec.sharedStrings
      ? [{ name: 'xl/sharedStrings.xml', data: `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN}" count="${spec.sharedStrings.length}">${spec.sharedStrings.map((si) => `<si>${si}</si>`).join('')}</sst>` }]
      : []),
  ];
  const parts = spec.order === 'sheets-first' ? [...sheetParts, ...bookParts] : [...bookParts, ...sheetParts];
  return spec.edit ? spec.edit(parts) : parts;
}

/** The workbook as the bytes of an .xlsx file. */
export function buildXlsx(spec: WorkbookSpec): Buffer {
  return buildZip(xlsxParts(spec));
}
