import { isDateFormatId } from './xlsx-cell-format.js';
import { corrupt, type XlsxPackage } from './xlsx-package.js';
import { PartContentError, XmlPartHandler, readXmlPart } from './xlsx-xml-part.js';
import { readAttributes } from './xlsx-xml-tokenizer.js';

/** One tab of the workbook, in tab order. */
export interface WorkbookTab {
  readonly name: string;
  /** The sheet part (`xl/worksheets/sheet1.xml`) of a worksheet; undefined for chart, dialog and macro sheets. */
  readonly part?: string;
  /** What the tab is when it is not a worksheet (`a chart sheet`), for the report of skipped tabs. */
  readonly notWorksheet?: string;
}

/** What the workbook part and its relationships say: the tabs, the date system, where strings and styles are. */
export interface WorkbookInfo {
  readonly tabs: readonly WorkbookTab[];
  /** `workbookPr date1904`: serial 0 is 1904-01-01 (old Mac Excel) instead of 1899-12-30. */
  readonly date1904: boolean;
  readonly sharedStringsPart?: string;
  readonly stylesPart?: string;
}

interface Relationship {
  readonly type: string;
  /** Part name, resolved against the source part; undefined for external targets. */
  readonly target?: string;
}

const REL = {
  officeDocument: '/officeDocument',
  worksheet: '/worksheet',
  sharedStrings: '/sharedStrings',
  styles: '/styles',
} as const;

const OTHER_SHEETS: ReadonlyArray<readonly [string, string]> = [
  ['/chartsheet', 'a chart sheet'],
  ['/dialogsheet', 'a dialog sheet'],
  ['/xlMacrosheet', 'an Excel 4.0 macro sheet'],
  ['/xlIntlMacrosheet', 'an Excel 4.0 macro sheet'],
];

/**
 * Reads the package relationships (`_rels/.rels` → the workbook part, usually `xl/workbook.xml`), the workbook
 * (tab names in order → relationship ids, `date1904`) and its relationships (→ sheet, shared-string and style parts).
 * @throws LoadFailureError CORRUPT_XLSX when a part is missing or malformed, or a tab has no sheet part.
 */
export async function readWorkbook(pkg: XlsxPackage, fileName: string): Promise<WorkbookInfo> {
  const where = { fileName };
  let workbookPart = 'xl/workbook.xml';
  if (pkg.has('_rels/.rels')) {
    const rels = await readRelationships(pkg, '_rels/.rels', '', fileName);
    const main = [...rels.values()].find((r) => r.type.endsWith(REL.officeDocument) && r.target !== undefined);
    if (main?.target !== undefined) workbookPart = main.target;
  }
  if (!pkg.has(workbookPart)) throw corrupt(where, `the workbook part ${workbookPart} is missing`);
  const workbook = new WorkbookHandler();
  await readXmlPart(pkg, workbookPart, where, workbook);
  const relsPart = relationshipsPartOf(workbookPart);
  if (!pkg.has(relsPart)) throw corrupt(where, `the workbook's relationships part ${relsPart} is missing, so its sheets cannot be found`);
  const rels = await readRelationships(pkg, relsPart, workbookPart, fileName);
  const tabs = workbook.sheets.map((sheet): WorkbookTab => {
    const rel = sheet.id === undefined ? undefined : rels.get(sheet.id);
    if (rel === undefined || rel.target === undefined) {
      throw corrupt({ fileName, tab: sheet.name }, `the workbook lists the tab, but ${relsPart} has no part for its id ${JSON.stringify(sheet.id ?? '')}`);
    }
    if (rel.type.endsWith(REL.worksheet)) return { name: sheet.name, part: rel.target };
    const other = OTHER_SHEETS.find(([suffix]) => rel.type.endsWith(suffix));
    return { name: sheet.name, notWorksheet: other?.[1] ?? `not a worksheet (${rel.type})` };
  });
  const partOf = (suffix: string) => [...rels.values()].find((r) => r.type.endsWith(suffix) && r.target !== undefined)?.target;
  const sharedStringsPart = partOf(REL.sharedStrings);
  const stylesPart = partOf(REL.styles);
  return {
    tabs,
    date1904: workbook.date1904,
    ...(sharedStringsPart === undefined ? {} : { sharedStringsPart }),
    ...(stylesPart === undefined ? {} : { stylesPart }),
  };
}

/**
 * For each cell style (`cellXfs` index, the `s` of a cell), whether its number format shows a date: built-in
 * date formats by id, the workbook's own formats (`numFmts`) by their code.
 */
export async function readDateStyles(pkg: XlsxPackage, stylesPart: string, fileName: string): Promise<boolean[]> {
  const styles = new StylesHandler();
  await readXmlPart(pkg, stylesPart, { fileName }, styles);
  return styles.cellFormats.map((id) => isDateFormatId(id, styles.formatCodes.get(id)));
}

/** `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`; `''` (the package) → `_rels/.rels`. */
function relationshipsPartOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

async function readRelationships(pkg: XlsxPackage, relsPart: string, sourcePart: string, fileName: string): Promise<Map<string, Relationship>> {
  const handler = new RelationshipsHandler(sourcePart);
  await readXmlPart(pkg, relsPart, { fileName }, handler);
  return handler.relationships;
}

/**
 * A relationship target as a part name: relative to the folder of the source part, or absolute from the package
 * root (`/xl/…`); percent-encoding decoded, `.` and `..` resolved. Undefined when it climbs out of the package.
 */
export function resolveTarget(sourcePart: string, target: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(target.replaceAll('\\', '/'));
  } catch {
    decoded = target.replaceAll('\\', '/');
  }
  const base = decoded.startsWith('/') ? [] : sourcePart.split('/').slice(0, -1);
  const segments = [...base];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
    } else segments.push(segment);
  }
  return segments.length === 0 ? undefined : segments.join('/');
}

class RelationshipsHandler extends XmlPartHandler {
  protected readonly root = 'Relationships';
  readonly relationships = new Map<string, Relationship>();
  private tag = '';
  private id = '';
  private type = '';
  private target = '';
  private external = false;

  constructor(private readonly sourcePart: string) {
    super();
  }

  protected override started(): void {
    this.tag = `${this.prefix}Relationship`;
  }

  protected open(name: string, attributes: string): void {
    if (name !== this.tag) return;
    this.id = this.type = this.target = '';
    this.external = false;
    readAttributes(attributes, this);
    if (this.id === '') throw new PartContentError('a relationship without an Id');
    const target = this.external ? undefined : resolveTarget(this.sourcePart, this.target);
    this.relationships.set(this.id, target === undefined ? { type: this.type } : { type: this.type, target });
  }

  attribute(name: string, value: string): void {
    if (name === 'Id') this.id = value;
    else if (name === 'Type') this.type = value;
    else if (name === 'Target') this.target = value;
    else if (name === 'TargetMode') this.external = value === 'External';
  }

  closeTag(): void {}
}

class WorkbookHandler extends XmlPartHandler {
  protected readonly root = 'workbook';
  readonly sheets: Array<{ name: string; id?: string }> = [];
  date1904 = false;
  private names = { sheets: 'sheets', sheet: 'sheet', workbookPr: 'workbookPr' };
  private inSheets = false;
  private mode: 'sheet' | 'workbookPr' = 'sheet';
  private name = '';
  private id: string | undefined;

  protected override started(): void {
    const p = this.prefix;
    this.names = { sheets: `${p}sheets`, sheet: `${p}sheet`, workbookPr: `${p}workbookPr` };
  }

  protected open(name: string, attributes: string): void {
    if (name === this.names.sheets) this.inSheets = true;
    else if (name === this.names.sheet && this.inSheets) {
      this.mode = 'sheet';
      this.name = '';
      this.id = undefined;
      readAttributes(attributes, this);
      this.sheets.push(this.id === undefined ? { name: this.name } : { name: this.name, id: this.id });
    } else if (name === this.names.workbookPr) {
      this.mode = 'workbookPr';
      readAttributes(attributes, this);
    }
  }

  attribute(name: string, value: string): void {
    if (this.mode === 'workbookPr') {
      if (name === 'date1904') this.date1904 = value === '1' || value === 'true';
    } else if (name === 'name') this.name = value;
    else if (name.endsWith(':id')) this.id = value; // r:id, whatever the prefix of the relationships namespace
  }

  closeTag(name: string): void {
    if (name === this.names.sheets) this.inSheets = false;
  }
}

class StylesHandler extends XmlPartHandler {
  protected readonly root = 'styleSheet';
  /** numFmtId of each cellXfs entry, in order. */
  readonly cellFormats: number[] = [];
  /** The workbook's own format codes by id. */
  readonly formatCodes = new Map<number, string>();
  private names = { numFmts: 'numFmts', numFmt: 'numFmt', cellXfs: 'cellXfs', xf: 'xf' };
  private inNumFmts = false;
  private inCellXfs = false;
  private xfDepth = 0;
  private numFmtId = 0;
  private formatCode: string | undefined;

  protected override started(): void {
    const p = this.prefix;
    this.names = { numFmts: `${p}numFmts`, numFmt: `${p}numFmt`, cellXfs: `${p}cellXfs`, xf: `${p}xf` };
  }

  protected open(name: string, attributes: string): void {
    const n = this.names;
    if (name === n.numFmts) this.inNumFmts = true;
    else if (name === n.cellXfs) this.inCellXfs = true;
    else if (name === n.numFmt && this.inNumFmts) {
      this.numFmtId = -1;
      this.formatCode = undefined;
      readAttributes(attributes, this);
      if (this.numFmtId >= 0 && this.formatCode !== undefined) this.formatCodes.set(this.numFmtId, this.formatCode);
    } else if (name === n.xf && this.inCellXfs) {
      this.xfDepth += 1;
      if (this.xfDepth > 1) return;
      this.numFmtId = 0;
      readAttributes(attributes, this);
      this.cellFormats.push(this.numFmtId);
    }
  }

  attribute(name: string, value: string): void {
    if (name === 'numFmtId') {
      const id = Number(value);
      this.numFmtId = Number.isInteger(id) && id >= 0 ? id : 0;
    } else if (name === 'formatCode') this.formatCode = value;
  }

  closeTag(name: string): void {
    const n = this.names;
    if (name === n.numFmts) this.inNumFmts = false;
    else if (name === n.cellXfs) this.inCellXfs = false;
    else if (name === n.xf && this.inCellXfs) this.xfDepth -= 1;
  }
}
