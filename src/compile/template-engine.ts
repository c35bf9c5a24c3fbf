import Handlebars from 'handlebars';
import type { HelperOptions } from 'handlebars';
import { CompileError, RevrecError } from '../errors.js';
import { modelConfigSchema } from '../project/model-config.js';
import type { RawModelConfig } from '../project/model-config.js';
import type { MacroDef } from '../project/types.js';
import { quoteLiteral } from './node-ids.js';
import { didYouMean } from './suggest.js';
import { TemplateSpecCache } from './template-spec-cache.js';

/** Marks a `ref()` in rendered SQL until every model's final schema and materialization are known. */
export const REF_TOKEN = /\u0001ref:([^\u0001]+)\u0001/g;
export const refToken = (name: string) => `\u0001ref:${name}\u0001`;
/** Stands for `{{this}}` until the model's final relation (after its inline `{{config}}`) is known. */
export const THIS_TOKEN = '\u0001this\u0001';

export interface RenderRequest {
  readonly file: string;
  readonly template: string;
  readonly isIncremental: boolean;
  /** What `{{this}}` renders to: the model's own relation. */
  readonly thisRelation: string;
}

export interface RenderOutput {
  readonly sql: string;
  readonly refs: readonly string[];
  readonly sources: readonly { source: string; table: string; relation: string }[];
  readonly config: RawModelConfig;
}

export interface TemplateEnvironment {
  readonly vars: Readonly<Record<string, unknown>>;
  readonly macros: readonly MacroDef[];
  /** Names `ref()` may use (models and seeds). */
  readonly refNames: ReadonlySet<string>;
  /** `source.table` → relation. */
  readonly sources: ReadonlyMap<string, string>;
}

interface RenderState {
  request: RenderRequest;
  refs: string[];
  sources: { source: string; table: string; relation: string }[];
  config: Record<string, unknown>;
  errors: RevrecError[];
}

/**
 * The Handlebars side of compile. One isolated Handlebars instance per project (helpers never leak between
 * projects), with dbt's vocabulary: `{{ref 'model'}}`, `{{source 'raw' 'orders'}}`, `{{var 'name' 'default'}}`,
 * `{{config materialized='table' unique_key='id'}}`, `{{this}}`, `{{#if (is_incremental)}}` or
 * `{{#is_incremental}}…{{else}}…{{/is_incremental}}`, and every macro in `macros/` as a helper and a partial.
 * Output is not HTML-escaped (`noEscape`), and Handlebars' default ban on prototype access stays on.
 */
export class TemplateEngine {
  private readonly hb = Handlebars.create();
  private state: RenderState | undefined;
  private readonly cache = new Map<string, HandlebarsTemplateDelegate>();

  /** `specs`: compiled templates kept between commands (TemplateSpecCache); by default kept in memory only. */
  constructor(
    private readonly env: TemplateEnvironment,
    private readonly specs: TemplateSpecCache = TemplateSpecCache.open(undefined),
  ) {
    this.registerBuiltins();
    const problems: RevrecError[] = [];
    for (const macro of env.macros) {
      try {
        this.registerMacro(macro);
      } catch (error) {
        if (error instanceof CompileError) problems.push(...error.errors);
        else throw error;
      }
    }
    if (problems.length) throw new CompileError(problems);
  }

  /** Renders one template; every problem inside it is collected and thrown together as a CompileError. */
  render(request: RenderRequest): RenderOutput {
    const state: RenderState = { request, refs: [], sources: [], config: {}, errors: [] };
    let sql = '';
    this.state = state;
    try {
      sql = this.compiled(request.file, request.template)(Object.freeze({ toString: () => request.thisRelation }), {
        allowProtoPropertiesByDefault: false,
        allowProtoMethodsByDefault: false,
      });
    } catch (error) {
      state.errors.push(toCompileProblem(error, request.file));
    } finally {
      this.state = undefined;
    }
    const config = this.checkConfig(state);
    if (state.errors.length) throw new CompileError(state.errors);
    return { sql, refs: [...new Set(state.refs)], sources: state.sources, config };
  }

  private compiled(file: string, template: string): HandlebarsTemplateDelegate {
    const key = `${file}\u0000${template}`;
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.hb.template(this.specs.spec(template));
      this.cache.set(key, fn);
    }
    return fn;
  }

  private current(): RenderState {
    if (!this.state) throw new Error('Unexpected helper call outside render');
    return this.state;
  }

  private fail(options: HelperOptions | undefined, message: string, hint?: string): string {
    const state = this.current();
    const line = (options as unknown as { loc?: { start: { line: number } } })?.loc?.start.line;
    state.errors.push(
      new RevrecError(message, { location: { file: state.request.file, ...(line ? { line } : {}) }, ...(hint ? { hint } : {}) }),
    );
    return '';
  }

  private registerBuiltins(): void {
    const engine = this;
    this.hb.registerHelper('ref', function (...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      const name = args.length === 2 ? args[1] : args[0];
      if (typeof name !== 'string' || args.length === 0 || args.length > 2) {
        return engine.fail(options, 'ref needs a model name: {{ref "model_name"}}');
      }
      if (!engine.env.refNames.has(name)) {
        return engine.fail(options, `ref("${name}") names no model or seed`, didYouMean(name, engine.env.refNames));
      }
      engine.current().refs.push(name);
      return refToken(name);
    });
    this.hb.registerHelper('source', function (...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      const [source, table] = args;
      if (typeof source !== 'string' || typeof table !== 'string') {
        return engine.fail(options, 'source needs a source and a table: {{source "raw" "orders"}}');
      }
      const key = `${source}.${table}`;
      const relation = engine.env.sources.get(key);
      if (!relation) {
        return engine.fail(options, `source("${source}", "${table}") is not declared in sources/*.yml`, didYouMean(key, engine.env.sources.keys()));
      }
      engine.current().sources.push({ source, table, relation });
      return relation;
    });
    this.hb.registerHelper('var', function (...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      const [name, fallback] = args;
      if (typeof name !== 'string') return engine.fail(options, 'var needs a name: {{var "home_currency"}}');
      const value = Object.hasOwn(engine.env.vars, name) ? engine.env.vars[name] : fallback;
      if (value === undefined) {
        return engine.fail(options, `var "${name}" is not set`, `set it under vars: in pipeline.yml, pass --vars '{${name}: …}', or give a default`);
      }
      return typeof value === 'object' && value !== null ? JSON.stringify(value) : value;
    });
    this.hb.registerHelper('config', function (options: HelperOptions) {
      Object.assign(engine.current().config, options.hash);
      return '';
    });
    this.hb.registerHelper('is_incremental', function (this: unknown, ...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      const value = engine.current().request.isIncremental;
      if (typeof options.fn === 'function') return value ? options.fn(this) : options.inverse(this);
      return value;
    });
    /** `(is_true x)`: true for true, "true", "yes", "1" (vars from the environment arrive as strings). */
    this.hb.registerHelper('is_true', function (value: unknown) {
      return value === true || (typeof value === 'string' && ['true', 'yes', '1'].includes(value.toLowerCase()));
    });
    /** `(list a b c)`: an array, for `{{#each (list "orders" "invoices")}}`. */
    this.hb.registerHelper('list', function (...args: unknown[]) {
      args.pop();
      return args;
    });
    /** `(concat a b c)`: joins its arguments, for building macro arguments in subexpressions. */
    this.hb.registerHelper('concat', function (...args: unknown[]) {
      args.pop();
      return args.map(String).join('');
    });
    /** `{{literal x}}`: a safely quoted SQL string literal (for vars and macro arguments). */
    this.hb.registerHelper('literal', function (value: unknown) {
      return quoteLiteral(String(value));
    });
  }

  private registerMacro(macro: MacroDef): void {
    const engine = this;
    try {
      // Parse now, so a broken macro is reported against its own file rather than every model that calls it (only
      // parsed: generating its code here too cost 10-15 ms of every command's start; it compiles at its first call).
      // A macro whose compiled form is cached parsed before.
      if (!this.specs.knows(macro.template)) this.hb.parse(macro.template);
    } catch (error) {
      throw new CompileError([toCompileProblem(error, macro.path)]);
    }
    this.hb.registerPartial(macro.name, macro.template);
    this.hb.registerHelper(macro.name, function (this: unknown, ...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      if (args.length > macro.params.length) {
        return engine.fail(options, `macro ${macro.name} takes ${macro.params.length} positional argument(s), got ${args.length}`, `declare them with {{!-- params: … --}} in ${macro.path}`);
      }
      const context: Record<string, unknown> = { ...options.hash };
      macro.params.forEach((param, i) => {
        if (i < args.length) context[param] = args[i];
      });
      return engine.compiled(macro.path, macro.template)(context);
    });
  }

  private checkConfig(state: RenderState): RawModelConfig {
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(state.config)) {
      raw[key] = typeof value === 'string' && ['unique_key', 'tags', 'pre_hook', 'post_hook'].includes(key) && value.includes(',')
        ? value.split(',').map((v) => v.trim())
        : value;
    }
    const parsed = modelConfigSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    state.errors.push(new RevrecError(`config ${issue.path.join('.')}: ${issue.message}`, { location: { file: state.request.file } }));
    return {};
  }
}

function toCompileProblem(error: unknown, file: string): RevrecError {
  if (error instanceof RevrecError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const line = /on line (\d+)/.exec(message)?.[1];
  return new RevrecError(`template error: ${message.split('\n').filter(Boolean).slice(0, 1).join(' ')}`, {
    location: { file, ...(line ? { line: Number(line) } : {}) },
  });
}
