import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Handlebars from 'handlebars';

/** The options every template is compiled with (TemplateEngine): part of the cache key, since they shape the code. */
export const TEMPLATE_COMPILE_OPTIONS = { noEscape: true, strict: false, knownHelpersOnly: false } as const;

/** The cache file in the target folder (beside manifest.json), like dbt's `partial_parse.msgpack`. */
export const TEMPLATE_CACHE_FILE = 'template_cache.json';

type TemplateSpec = Parameters<typeof Handlebars.template>[0];

interface CacheFile {
  readonly handlebars: string;
  /** sha256 of the template text (and the options) → Handlebars' precompiled JavaScript for it. */
  readonly templates: Record<string, string>;
}

const KEY_PREFIX = `${Handlebars.VERSION}\u0000${JSON.stringify(TEMPLATE_COMPILE_OPTIONS)}\u0000`;

/**
 * Templates compiled or read in this process, with the source each spec came from: shared by every project and
 * every compile (a spec holds no helpers), so a second compile in one process (a close builds twice) compiles nothing.
 */
const inProcess = new Map<string, { readonly spec: TemplateSpec; readonly source: string }>();

/**
 * Handlebars' compiled form of each template, kept between commands. Compiling the templates was nearly all of a
 * project's compile (45–120 ms for this project, measured: Handlebars' parser and code generator, most of it on the
 * first call of a fresh process), and every command compiles: the close's checks, a build, an export. A template's
 * compiled form depends only on its text, the options and the Handlebars version (helpers and partials are looked up
 * when it runs), so it is keyed by a hash of those and reused as long as the text is the same; an edited model simply
 * misses and is compiled again.
 *
 * The file is a cache: unreadable, from another Handlebars version or not writable, it is ignored and the templates
 * compile as before. It holds JavaScript that Handlebars generated and that runs when a template renders, as
 * Handlebars' own compile does; anyone who can write the target folder can also edit the project's models.
 */
export class TemplateSpecCache {
  private readonly stored: Record<string, string>;
  private readonly used = new Map<string, string>();
  private changed = false;

  private constructor(private readonly file: string | undefined, stored: Record<string, string>) {
    this.stored = stored;
  }

  /** The cache of a target folder, or one kept in memory only (no folder: tests, a compile that writes nothing). */
  static open(targetDir: string | undefined): TemplateSpecCache {
    if (!targetDir) return new TemplateSpecCache(undefined, {});
    const file = join(targetDir, TEMPLATE_CACHE_FILE);
    return new TemplateSpecCache(file, readCacheFile(file));
  }

  /** Whether this template's compiled form is at hand (it parsed when it was compiled). */
  knows(template: string): boolean {
    const key = keyOf(template);
    return inProcess.has(key) || this.stored[key] !== undefined;
  }

  /** The template's compiled spec: from this process, from the file, or compiled now (parse errors throw here). */
  spec(template: string): TemplateSpec {
    const key = keyOf(template);
    let entry = inProcess.get(key);
    if (!entry) {
      const stored = this.stored[key];
      if (stored !== undefined) {
        try {
          entry = { spec: evaluate(stored), source: stored };
        } catch {
          // a damaged entry: compiled again below
        }
      }
      if (!entry) {
        const source = Handlebars.precompile(template, { ...TEMPLATE_COMPILE_OPTIONS }) as string; // it adds to the options it gets
        entry = { spec: evaluate(source), source };
      }
      inProcess.set(key, entry);
    }
    if (this.stored[key] !== entry.source) this.changed = true;
    this.used.set(key, entry.source);
    return entry.spec;
  }

  /**
   * Writes the file when a template was compiled now or an entry went unused (an edited or deleted model): it then
   * holds exactly this compile's templates, so it never grows past the project. Written to a temporary name and
   * renamed, so a concurrent command reads the old file or the new one. Only into a target folder that exists (the
   * build creates it for its artifacts): compiling alone creates no folder.
   */
  save(): void {
    if (!this.file || !existsSync(dirname(this.file))) return;
    if (!this.changed && Object.keys(this.stored).length === this.used.size) return;
    const content: CacheFile = { handlebars: Handlebars.VERSION, templates: Object.fromEntries(this.used) };
    const temp = `${this.file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`; // two writers never share one
    try {
      writeFileSync(temp, JSON.stringify(content));
      renameSync(temp, this.file);
    } catch {
      rmSync(temp, { force: true }); // a read-only target folder: the cache is only a speed-up
    }
  }
}

function keyOf(template: string): string {
  return createHash('sha256').update(KEY_PREFIX).update(template).digest('hex');
}

function readCacheFile(file: string): Record<string, string> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    if (parsed.handlebars !== Handlebars.VERSION || typeof parsed.templates !== 'object' || parsed.templates === null) return {};
    return parsed.templates;
  } catch {
    return {};
  }
}

/** Handlebars' precompiled output is a JavaScript object literal; this is how its own `compile` turns it into code. */
function evaluate(source: string): TemplateSpec {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated by Handlebars.precompile, see the class
  const spec = new Function(`return ${source};`)() as TemplateSpec & { compilerOptions?: object };
  // What Handlebars' own compile leaves on a spec: the options a partial registered as text (a macro called as
  // `{{> macro}}`) is compiled with at its first call. Without them that partial's output would be HTML-escaped.
  spec.compilerOptions = { ...TEMPLATE_COMPILE_OPTIONS, data: true };
  return spec;
}
