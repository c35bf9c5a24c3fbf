import picomatch from 'picomatch';
import { ConfigError } from '../errors.js';
import type { CompiledGraph, GraphNode } from './graph-types.js';

/**
 * dbt's node selection grammar:
 * - space-separated terms are a union, comma-separated atoms inside a term an intersection;
 * - an atom is `[N]+?` `@`? `method:value` or a bare name, then `+[N]?`: `+name` adds ancestors, `name+`
 *   descendants, `2+name` ancestors up to depth 2, `@name` the node, its descendants and their ancestors;
 * - methods: bare (node name or fqn, with `*` globs), `tag:`, `path:` (folder prefix or glob), `source:`
 *   (`raw` or `raw.orders`), `resource_type:` (model, seed, test, source), `config.<key>:` (e.g.
 *   `config.materialized:table`), `test_type:` (generic, singular).
 * Tests follow dbt's eager indirect selection: a test is selected when any node it tests is selected, and excluded
 * when any node it tests is excluded.
 */
export interface SelectionOptions {
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  /** Which kinds the command runs; others are dropped after graph expansion (tests are added indirectly). */
  readonly kinds: readonly GraphNode['kind'][];
}

interface Atom {
  readonly method: string;
  readonly value: string;
  readonly parents: number | undefined;
  readonly children: number | undefined;
  readonly at: boolean;
}

const ATOM = /^(?:(\d*)\+)?(@)?(?:([a-z_.]+):)?([^+]+?)(?:\+(\d*))?$/;

export function parseAtom(text: string): Atom {
  const match = ATOM.exec(text);
  if (!match) throw new ConfigError(`cannot parse selector "${text}"`, { hint: 'examples: stg_orders, +fct_revenue, tag:finance, path:models/marts, source:raw+' });
  const [, parentDepth, at, method, value, childDepth] = match;
  const hasParents = text.startsWith(`${parentDepth ?? ''}+`) && !at;
  const hasChildren = /\+\d*$/.test(text);
  if (at && (hasParents || hasChildren)) throw new ConfigError(`"@" cannot be combined with "+" in "${text}"`);
  return {
    method: method ?? 'fqn',
    value: value!,
    parents: hasParents ? (parentDepth ? Number(parentDepth) : Infinity) : undefined,
    children: hasChildren ? (childDepth ? Number(childDepth) : Infinity) : undefined,
    at: Boolean(at),
  };
}

/** Returns the selected node ids in graph order. With no `--select`, every node of the wanted kinds. */
export function selectNodes(graph: CompiledGraph, options: SelectionOptions): string[] {
  const all = new Set(graph.order);
  const selected = options.select?.length ? evaluate(graph, options.select) : new Set(all);
  const excluded = options.exclude?.length ? evaluate(graph, options.exclude) : new Set<string>();
  // Eager indirect selection applies to --exclude as well: a test of an excluded node goes with it (it would read a
  // relation this run does not build).
  if (excluded.size) {
    for (const id of graph.order) {
      const node = graph.nodes[id]!;
      if (node.kind === 'test' && node.dependsOn.some((parent) => excluded.has(parent))) excluded.add(id);
    }
  }
  const wanted = new Set(options.kinds);
  const chosen = new Set<string>();
  for (const id of selected) if (!excluded.has(id)) chosen.add(id);
  if (wanted.has('test')) {
    for (const id of graph.order) {
      const node = graph.nodes[id]!;
      if (node.kind !== 'test' || excluded.has(id)) continue;
      if (node.dependsOn.some((parent) => chosen.has(parent))) chosen.add(id);
    }
  }
  return graph.order.filter((id) => chosen.has(id) && wanted.has(graph.nodes[id]!.kind));
}

function evaluate(graph: CompiledGraph, expressions: readonly string[]): Set<string> {
  const union = new Set<string>();
  for (const term of expressions.flatMap((e) => e.split(/\s+/)).filter(Boolean)) {
    let intersection: Set<string> | undefined;
    for (const atomText of term.split(',').filter(Boolean)) {
      const ids = evaluateAtom(graph, parseAtom(atomText));
      intersection = intersection ? new Set([...intersection].filter((id) => ids.has(id))) : ids;
    }
    for (const id of intersection ?? []) union.add(id);
  }
  return union;
}

function evaluateAtom(graph: CompiledGraph, atom: Atom): Set<string> {
  const matcher = methodMatcher(atom);
  const seeds = graph.order.filter((id) => matcher(graph.nodes[id]!));
  if (seeds.length === 0) {
    throw new ConfigError(`selector "${atom.method === 'fqn' ? '' : `${atom.method}:`}${atom.value}" matches no node`, {
      hint: 'check the spelling; `revrec ls` lists every node',
    });
  }
  const out = new Set(seeds);
  if (atom.at) {
    const descendants = walk(graph, seeds, Infinity, 'children');
    for (const id of descendants) out.add(id);
    for (const id of walk(graph, [...descendants], Infinity, 'parents')) out.add(id);
  }
  if (atom.parents !== undefined) for (const id of walk(graph, seeds, atom.parents, 'parents')) out.add(id);
  if (atom.children !== undefined) for (const id of walk(graph, seeds, atom.children, 'children')) out.add(id);
  return out;
}

function walk(graph: CompiledGraph, start: readonly string[], depth: number, direction: 'parents' | 'children'): Set<string> {
  const seen = new Set<string>(start);
  let frontier = [...start];
  for (let level = 0; level < depth && frontier.length; level++) {
    const next: string[] = [];
    for (const id of frontier) {
      const neighbours = direction === 'parents' ? graph.nodes[id]!.dependsOn : (graph.children[id] ?? []);
      for (const n of neighbours) {
        if (seen.has(n) || !graph.nodes[n]) continue;
        // Walking down never passes through tests: they are leaves added by indirect selection.
        if (direction === 'children' && graph.nodes[n]!.kind === 'test') continue;
        seen.add(n);
        next.push(n);
      }
    }
    frontier = next;
  }
  return seen;
}

function methodMatcher(atom: Atom): (node: GraphNode) => boolean {
  const glob = (pattern: string) => picomatch(pattern, { nocase: false, dot: true });
  const value = atom.value;
  switch (true) {
    case atom.method === 'fqn': {
      const isMatch = glob(value);
      return (node) => isMatch(node.name) || isMatch(node.fqn.join('.')) || node.fqn.slice(1).join('.') === value;
    }
    case atom.method === 'tag': {
      const isMatch = glob(value);
      return (node) => node.tags.some((tag) => isMatch(tag));
    }
    case atom.method === 'path': {
      const clean = value.replace(/\/+$/, '');
      const isMatch = glob(clean);
      return (node) => node.path === clean || node.path.startsWith(`${clean}/`) || isMatch(node.path);
    }
    case atom.method === 'source': {
      const isMatch = glob(value);
      return (node) => node.kind === 'source' && (isMatch(node.sourceName) || isMatch(`${node.sourceName}.${node.tableName}`));
    }
    case atom.method === 'resource_type':
      return (node) => node.kind === value;
    case atom.method === 'test_type':
      return (node) => node.kind === 'test' && node.testType === value;
    case atom.method.startsWith('config.'): {
      const key = atom.method.slice('config.'.length);
      return (node) => {
        if (node.kind !== 'model') return false;
        const config = node.config as unknown as Record<string, unknown>;
        const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
        const actual = config[key] ?? config[camel];
        return Array.isArray(actual) ? actual.map(String).includes(value) : String(actual) === value;
      };
    }
    default:
      throw new ConfigError(`unknown selector method "${atom.method}:"`, {
        hint: 'use tag:, path:, source:, resource_type:, test_type: or config.<key>:',
      });
  }
}
