import type { ColumnSource, ColumnTransform } from './docs-types.js';

/** A node of DuckDB's `json_serialize_sql()` output: plain JSON objects, read field by field. */
export type SqlAst = Readonly<Record<string, unknown>>;

/** What the project knows about a relation named in a FROM clause. `columns` undefined: not known (never built). */
export interface RelationInfo {
  readonly node?: string;
  readonly relation: string;
  readonly columns?: readonly string[];
}

/** Finds a relation by its schema (may be empty) and name, case-insensitively; undefined when outside the project. */
export type RelationLookup = (schema: string, name: string) => RelationInfo | undefined;

export interface LineageColumn {
  /** The output name (the alias, or a bare reference's column); `?<n>` when DuckDB would invent one. */
  readonly name: string;
  readonly sources: readonly ColumnSource[];
  readonly transform: ColumnTransform;
}

export interface QueryLineage {
  readonly columns: readonly LineageColumn[];
  /** False when a `*` over a relation of unknown columns (or COLUMNS(regex)) hides some output columns. */
  readonly complete: boolean;
  /** What could not be followed, for the docs page. */
  readonly notes: readonly string[];
}

interface Col {
  readonly name: string;
  readonly sources: ReadonlyMap<string, ColumnSource>;
  readonly transform: ColumnTransform;
}

interface Rel {
  readonly columns: readonly Col[];
  readonly complete: boolean;
}

/** One relation in a FROM clause: known columns, or unknown ones that still have an origin. */
interface FromEntry {
  readonly alias: string;
  readonly columns?: readonly Col[];
  /** Unknown columns of a project or outside relation: a reference `x` is `relation.x`. */
  readonly base?: { readonly node?: string; readonly relation: string };
  /**
   * A subquery whose columns are not all known (an unaliased `unnest` of structs, a `*` over unknown columns): a
   * name not among `columns` is taken as derived from everything the subquery reads.
   */
  readonly fallback?: Col;
  /** Columns hidden from an unqualified `*` (the right side of `JOIN … USING`). */
  readonly usingHidden: ReadonlySet<string>;
}

interface Scope {
  readonly entries: readonly FromEntry[];
  readonly ctes: ReadonlyMap<string, Rel>;
  readonly parent?: Scope;
  /** Select-list aliases defined so far (DuckDB lets later expressions use them). */
  readonly lateral: Map<string, Col>;
}

const EMPTY_SET: ReadonlySet<string> = new Set();
/** Keys of expression objects that never hold a column reference. */
const SKIP_KEYS = new Set(['class', 'type', 'alias', 'query_location', 'value', 'cast_type', 'function_name', 'schema', 'catalog']);

/**
 * Column-level lineage of one SELECT, from DuckDB's parse tree (`json_serialize_sql`): for every output column, the
 * base columns (project relations or outside ones) it is computed from, followed through CTEs, subqueries, joins,
 * set operations, `*` (with EXCLUDE/REPLACE/RENAME), select-list aliases and table functions. Only the values are
 * traced: columns used in WHERE, JOIN … ON, GROUP BY or QUALIFY shape which rows exist, not what a value is, and are
 * left out (as dbt's and SQLMesh's column lineage do). Correlated subqueries count as their outputs' sources.
 */
export function selectLineage(statement: SqlAst, lookup: RelationLookup): QueryLineage {
  const notes = new Set<string>();
  const rel = new SelectAnalyzer(lookup, notes).query(statement, new Map(), undefined);
  return {
    columns: rel.columns.map((c) => ({ name: c.name, sources: [...c.sources.values()], transform: c.transform })),
    complete: rel.complete,
    notes: [...notes],
  };
}

class SelectAnalyzer {
  constructor(
    private readonly lookup: RelationLookup,
    private readonly notes: Set<string>,
  ) {}

  query(node: SqlAst, ctes: ReadonlyMap<string, Rel>, outer: Scope | undefined): Rel {
    switch (node.type) {
      case 'SELECT_NODE':
        return this.select(node, this.withCtes(node, ctes, outer), outer);
      case 'SET_OPERATION_NODE': {
        const inner = this.withCtes(node, ctes, outer);
        const parts = Array.isArray(node.children) ? (node.children as SqlAst[]) : [node.left as SqlAst, node.right as SqlAst].filter(Boolean);
        const rels = parts.map((part) => this.query(part, inner, outer));
        return unionPositional(rels);
      }
      case 'RECURSIVE_CTE_NODE':
        return this.query(node.left as SqlAst, ctes, outer);
      default:
        this.notes.add(`query of type ${String(node.type)} not followed`);
        return { columns: [], complete: false };
    }
  }

  private withCtes(node: SqlAst, ctes: ReadonlyMap<string, Rel>, outer: Scope | undefined): ReadonlyMap<string, Rel> {
    const entries = ((node.cte_map as SqlAst | undefined)?.map as SqlAst[] | undefined) ?? [];
    if (entries.length === 0) return ctes;
    const map = new Map(ctes);
    for (const entry of entries) {
      const name = String(entry.key).toLowerCase();
      const value = entry.value as SqlAst;
      const body = (value.query as SqlAst).node as SqlAst;
      let rel: Rel;
      if (body.type === 'RECURSIVE_CTE_NODE') {
        // The anchor gives the columns; the recursive part may add sources that reach it through the CTE itself.
        const anchor = this.query(body.left as SqlAst, map, outer);
        map.set(name, renamed(anchor, value.aliases));
        const step = this.query(body.right as SqlAst, map, outer);
        rel = unionPositional([anchor, step]);
      } else {
        rel = this.query(body, map, outer);
      }
      map.set(name, renamed(rel, value.aliases));
    }
    return map;
  }

  private select(node: SqlAst, ctes: ReadonlyMap<string, Rel>, outer: Scope | undefined): Rel {
    const scope: Scope = { entries: this.from(node.from_table as SqlAst | null, ctes, outer), ctes, ...(outer ? { parent: outer } : {}), lateral: new Map() };
    const columns: Col[] = [];
    let complete = true;
    (node.select_list as SqlAst[]).forEach((expr, index) => {
      if (expr.class === 'STAR' && !expr.expr) {
        const expanded = this.star(expr, scope);
        complete &&= expanded.complete;
        columns.push(...expanded.columns);
        return;
      }
      if (expr.class === 'STAR') {
        this.notes.add('COLUMNS(…) with a pattern or lambda: its columns are not listed');
        complete = false;
        return;
      }
      const name = String(expr.alias || (expr.class === 'COLUMN_REF' ? (expr.column_names as string[]).at(-1) : `?${index + 1}`));
      const col = this.expression(expr, scope, name);
      columns.push(col);
      if (!scope.lateral.has(name.toLowerCase())) scope.lateral.set(name.toLowerCase(), col);
    });
    return { columns, complete };
  }

  /** `*`, `t.*`, with EXCLUDE, REPLACE and RENAME, over the current FROM clause only. */
  private star(expr: SqlAst, scope: Scope): Rel {
    const relationName = String(expr.relation_name ?? '').toLowerCase();
    const entries = relationName ? scope.entries.filter((e) => e.alias === relationName) : scope.entries;
    if (relationName && entries.length === 0) this.notes.add(`${relationName}.* names no relation in FROM`);
    const excluded = new Set([
      ...((expr.exclude_list as string[] | undefined) ?? []).map((c) => c.toLowerCase()),
      ...((expr.qualified_exclude_list as SqlAst[] | undefined) ?? []).map((q) => String(q.column).toLowerCase()),
    ]);
    const replaced = new Map(((expr.replace_list as SqlAst[] | undefined) ?? []).map((r) => [String(r.key).toLowerCase(), r.value as SqlAst]));
    const renames = new Map(((expr.rename_list as SqlAst[] | undefined) ?? []).map((r) => [String((r.key as SqlAst).column).toLowerCase(), String(r.value)]));
    const columns: Col[] = [];
    let complete = true;
    for (const entry of entries) {
      if (!entry.columns || entry.fallback) {
        this.notes.add(`* over ${entry.base?.relation ?? entry.alias}, whose columns are not all known${entry.base ? ' (build the warehouse for full lineage)' : ''}`);
        complete = false;
      }
      for (const col of entry.columns ?? []) {
        if (col.name.startsWith('?')) continue;
        const key = col.name.toLowerCase();
        if (excluded.has(key) || (!relationName && entry.usingHidden.has(key))) continue;
        const name = renames.get(key) ?? col.name;
        const replacement = replaced.get(key);
        columns.push(replacement ? this.expression(replacement, scope, name) : { ...col, name });
      }
    }
    return { columns, complete };
  }

  private from(table: SqlAst | null, ctes: ReadonlyMap<string, Rel>, outer: Scope | undefined, before: FromEntry[] = []): FromEntry[] {
    if (!table || table.type === 'EMPTY') return [];
    const alias = String(table.alias ?? '').toLowerCase();
    const columnAliases = table.column_name_alias;
    switch (table.type) {
      case 'BASE_TABLE': {
        const schema = String(table.schema_name ?? '');
        const name = String(table.table_name);
        const cte = schema ? undefined : ctes.get(name.toLowerCase());
        if (cte) return [entryOf(alias || name.toLowerCase(), renamed(cte, columnAliases).columns)];
        const info = this.lookup(schema, name) ?? { relation: schema ? `${schema}.${name}` : name };
        const base = { ...(info.node ? { node: info.node } : {}), relation: info.relation };
        const entryAlias = alias || name.toLowerCase();
        if (!info.columns) return [{ alias: entryAlias, base, usingHidden: EMPTY_SET }];
        const cols = info.columns.map((column) => baseColumn(base, column));
        return [entryOf(entryAlias, renamed({ columns: cols, complete: true }, columnAliases).columns)];
      }
      case 'JOIN': {
        const left = this.from(table.left as SqlAst, ctes, outer, before);
        const right = this.from(table.right as SqlAst, ctes, outer, [...before, ...left]);
        const using = new Set(((table.using_columns as string[] | undefined) ?? []).map((c) => c.toLowerCase()));
        return [...left, ...(using.size ? right.map((e) => ({ ...e, usingHidden: using })) : right)];
      }
      case 'SUBQUERY': {
        // A subquery after a comma or JOIN may read the relations before it (LATERAL, implicit in DuckDB).
        const scope: Scope | undefined = before.length ? { entries: before, ctes, ...(outer ? { parent: outer } : {}), lateral: new Map() } : outer;
        const rel = renamed(this.query((table.subquery as SqlAst).node as SqlAst, ctes, scope), columnAliases);
        if (rel.complete && !rel.columns.some((c) => c.name.startsWith('?'))) return [entryOf(alias, rel.columns)];
        return [{ alias, columns: rel.columns, fallback: derivedFrom(rel.columns), usingHidden: EMPTY_SET }];
      }
      case 'TABLE_FUNCTION': {
        // unnest(…), range(…), read_csv(…): each output column is derived from the function's arguments, which may
        // name columns of the relations before it (a lateral join).
        const lateral: Scope = { entries: before, ctes, ...(outer ? { parent: outer } : {}), lateral: new Map() };
        const args = this.expression(table.function as SqlAst, lateral, 'function');
        const names = Array.isArray(columnAliases) && columnAliases.length ? (columnAliases as string[]) : [alias || 'unnest'];
        return [entryOf(alias, names.map((n) => ({ name: n, sources: args.sources, transform: 'derived' as const })))];
      }
      default:
        this.notes.add(`FROM item of type ${String(table.type)} not followed`);
        return [{ alias, usingHidden: EMPTY_SET }];
    }
  }

  /** An expression's sources; a bare reference keeps the transform of what it names (a copy stays a copy). */
  private expression(expr: SqlAst, scope: Scope, name: string): Col {
    if (expr.class === 'COLUMN_REF') {
      const col = this.resolve(expr.column_names as string[], scope, EMPTY_SET);
      return { name, sources: col?.sources ?? new Map(), transform: col ? col.transform : 'derived' };
    }
    const sources = new Map<string, ColumnSource>();
    this.collect(expr, scope, EMPTY_SET, sources);
    return { name, sources, transform: 'derived' };
  }

  private collect(value: unknown, scope: Scope, shadow: ReadonlySet<string>, into: Map<string, ColumnSource>): void {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) this.collect(item, scope, shadow, into);
      return;
    }
    const node = value as SqlAst;
    switch (node.class) {
      case 'COLUMN_REF': {
        const col = this.resolve(node.column_names as string[], scope, shadow);
        if (col) for (const [key, source] of col.sources) into.set(key, source);
        return;
      }
      case 'LAMBDA': {
        const params = new Set(shadow);
        collectNames(node.lhs, params);
        this.collect(node.expr, scope, params, into);
        return;
      }
      case 'SUBQUERY': {
        const rel = this.query((node.subquery as SqlAst).node as SqlAst, scope.ctes, scope);
        for (const col of rel.columns) for (const [key, source] of col.sources) into.set(key, source);
        this.collect(node.child, scope, shadow, into);
        return;
      }
      case 'STAR':
        return; // count(*): no column's value
      default:
        for (const [key, child] of Object.entries(node)) if (!SKIP_KEYS.has(key)) this.collect(child, scope, shadow, into);
    }
  }

  /** `col`, `alias.col`, `schema.table.col`, or `struct_col.field`, searched from the innermost scope out. */
  private resolve(names: readonly string[], scope: Scope, shadow: ReadonlySet<string>): Col | undefined {
    const parts = names.map((n) => n.toLowerCase());
    if (parts.length === 1 && shadow.has(parts[0]!)) return undefined;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (parts.length >= 2) {
        for (const [aliasAt, columnAt] of [[0, 1], [1, 2]] as const) {
          const entry = parts.length > columnAt ? s.entries.find((e) => e.alias === parts[aliasAt]) : undefined;
          const col = entry ? columnOf(entry, parts[columnAt]!, names[columnAt]!) : undefined;
          if (col) return col;
          if (entry) {
            this.notes.add(`column "${names.join('.')}" not found in ${entry.alias}`);
            return undefined;
          }
        }
      }
      // Unqualified, or a struct column's field (`problem.code`).
      const name = parts[0]!;
      const known = s.entries.filter((e) => e.columns?.some((c) => c.name.toLowerCase() === name));
      if (known.length > 0) return merge(known.map((e) => columnOf(e, name, names[0]!)!), name);
      const lateral = s.lateral.get(name);
      if (lateral) return lateral;
      const unknown = s.entries.filter((e) => !e.columns || e.fallback);
      if (unknown.length === 1) return columnOf(unknown[0]!, name, names[0]!);
      if (unknown.length > 1) {
        this.notes.add(`"${name}" could come from several relations of unknown columns`);
        return undefined;
      }
    }
    this.notes.add(`column "${names.join('.')}" not found in its FROM clause`);
    return undefined;
  }
}

function entryOf(alias: string, columns: readonly Col[]): FromEntry {
  return { alias, columns, usingHidden: EMPTY_SET };
}

function baseColumn(base: { node?: string; relation: string }, column: string): Col {
  const source: ColumnSource = { ...(base.node ? { node: base.node } : {}), relation: base.relation, column };
  return { name: column, sources: new Map([[`${base.relation}.${column}`.toLowerCase(), source]]), transform: 'copy' };
}

/** Column `name` (lower case) of an entry; `spelled` is how the SQL wrote it, kept for columns of unknown relations. */
function columnOf(entry: FromEntry, name: string, spelled: string): Col | undefined {
  const known = entry.columns?.find((c) => c.name.toLowerCase() === name);
  if (known) return known;
  if (entry.fallback) return { ...entry.fallback, name: spelled };
  if (entry.columns) return undefined;
  return entry.base ? baseColumn(entry.base, spelled) : { name: spelled, sources: new Map(), transform: 'derived' };
}

function merge(cols: readonly Col[], name: string): Col {
  if (cols.length === 1) return cols[0]!;
  const sources = new Map<string, ColumnSource>();
  for (const col of cols) for (const [key, source] of col.sources) sources.set(key, source);
  return { name, sources, transform: cols.every((c) => c.transform === 'copy') ? 'copy' : 'derived' };
}

/** A value computed from every column of `cols`. */
function derivedFrom(cols: readonly Col[]): Col {
  const sources = new Map<string, ColumnSource>();
  for (const col of cols) for (const [key, source] of col.sources) sources.set(key, source);
  return { name: '', sources, transform: 'derived' };
}

function renamed(rel: Rel, aliases: unknown): Rel {
  if (!Array.isArray(aliases) || aliases.length === 0) return rel;
  return { ...rel, columns: rel.columns.map((c, i) => (i < aliases.length ? { ...c, name: String(aliases[i]) } : c)) };
}

/** UNION/EXCEPT/INTERSECT: names from the first branch, sources of every branch by position. */
function unionPositional(rels: readonly Rel[]): Rel {
  const [first, ...rest] = rels;
  if (!first) return { columns: [], complete: false };
  const columns = first.columns.map((col, i) => merge([col, ...rest.map((r) => r.columns[i]).filter((c): c is Col => c !== undefined)], col.name));
  return { columns, complete: rels.every((r) => r.complete && r.columns.length === first.columns.length) };
}

function collectNames(value: unknown, into: Set<string>): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collectNames(item, into);
    return;
  }
  const node = value as SqlAst;
  if (node.class === 'COLUMN_REF') into.add(String((node.column_names as string[]).at(-1)).toLowerCase());
  else collectNames(node.children, into);
}
