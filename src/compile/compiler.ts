import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CompileError, RevrecError } from '../errors.js';
import { mergeConfig, resolveConfig } from '../project/model-config.js';
import type { DataTestSpec, ModelDef, Project } from '../project/types.js';
import { topologicalOrder } from './dag.js';
import { genericTestSql, shortHash } from './generic-test-sql.js';
import type { RelationResolver } from './generic-test-sql.js';
import { MANIFEST_SCHEMA_VERSION } from './graph-types.js';
import type { CompiledGraph, GraphNode, ModelNode, SeedNode, SourceNode, TestNode } from './graph-types.js';
import { nodeId, quoteIdent, relationName } from './node-ids.js';
import { REF_TOKEN, TemplateEngine, THIS_TOKEN } from './template-engine.js';
import type { RenderOutput } from './template-engine.js';
import { TemplateSpecCache } from './template-spec-cache.js';

export interface CompileOptions {
  /** `--vars`, merged over `vars:` of pipeline.yml. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /**
   * Keep the templates' compiled form in the target folder for the next command (TemplateSpecCache, on by default;
   * false keeps it in this process only).
   */
  readonly templateCache?: boolean;
}

interface RenderedModel {
  readonly def: ModelDef;
  readonly full: RenderOutput;
  readonly incremental?: RenderOutput;
}

const EPHEMERAL_PREFIX = '__revrec_ephemeral__';

/**
 * Project → CompiledGraph, with no database I/O: renders every model, seed, source and test, resolves `ref()` to
 * relations (ephemeral models become CTEs), builds the DAG with a stable order and checks it for cycles. Every
 * error in every file is collected first and thrown as one CompileError. The templates' compiled form is read from
 * and saved to the target folder (TemplateSpecCache) unless `templateCache` is false.
 */
export function compileProject(project: Project, options: CompileOptions = {}): CompiledGraph {
  const projectName = project.settings.name;
  const userVars = { ...project.settings.vars, ...(options.vars ?? {}) };
  // What the built tables depend on besides the data: settings, model/macro code and seed contents. Incremental
  // models recompute everything when it changes (exposed to them as var revrec_state_hash).
  const vars = { ...userVars, revrec_state_hash: projectStateHash(project, userVars) };
  const errors: RevrecError[] = [];
  const nodes: Record<string, GraphNode> = {};

  const sourceNodes = buildSourceNodes(project);
  const seedNodes = buildSeedNodes(project);
  for (const node of [...sourceNodes, ...seedNodes]) nodes[node.id] = node;

  const sourceRelations = new Map(sourceNodes.map((s) => [`${s.sourceName}.${s.tableName}`, s.relation]));
  const refNames = new Set([...project.models.map((m) => m.name), ...project.seeds.map((s) => s.name)]);
  const specs = TemplateSpecCache.open(options.templateCache === false ? undefined : resolve(project.root, project.settings.targetPath));
  const engine = new TemplateEngine({ vars, macros: project.macros, refNames, sources: sourceRelations }, specs);

  // Pass 1: render every model; ref() leaves a token because the target's final schema/alias may be set by its own
  // inline {{config}}, which is only known once every model has been rendered.
  const rendered: RenderedModel[] = [];
  for (const def of project.models) {
    const attempt = (isIncremental: boolean) => {
      try {
        // {{this}} leaves a token too: an inline {{config alias/schema}} may still change the model's relation.
        return engine.render({ file: def.path, template: def.rawSql, isIncremental, thisRelation: THIS_TOKEN });
      } catch (error) {
        if (error instanceof CompileError) errors.push(...error.errors);
        else throw error;
        return undefined;
      }
    };
    const full = attempt(false);
    if (!full) continue;
    const materialized = full.config.materialized ?? def.config.materialized;
    const incremental = materialized === 'incremental' ? attempt(true) : undefined;
    rendered.push({ def, full, ...(incremental ? { incremental } : {}) });
  }

  const modelNodes = new Map<string, ModelNode>();
  for (const { def, full, incremental } of rendered) {
    const config = resolveConfig(mergeConfig(def.rawConfig, full.config), def.config.schema);
    const location = { file: def.yamlPath ?? def.path, node: nodeId.model(projectName, def.name) };
    const replaceWhere = config.materialized === 'incremental' && config.incrementalStrategy === 'replace_where';
    if (replaceWhere && !config.replaceWhere) {
      errors.push(new RevrecError(`incremental_strategy replace_where needs a replace_where predicate`, { location, hint: "e.g. {{config materialized='incremental' incremental_strategy='replace_where' replace_where='period >= 202401'}}" }));
    } else if (config.materialized === 'incremental' && !replaceWhere && config.incrementalStrategy !== 'append' && config.uniqueKey.length === 0) {
      errors.push(new RevrecError(`incremental_strategy ${config.incrementalStrategy} needs a unique_key`, { location }));
    }
    if (config.keepUnchangedRows && !replaceWhere) {
      errors.push(new RevrecError(`keep_unchanged_rows works with incremental_strategy replace_where only`, { location, hint: "remove keep_unchanged_rows, or make the model materialized='incremental' incremental_strategy='replace_where'" }));
    }
    if (config.computeInTemp && config.materialized !== 'table' && config.materialized !== 'incremental') {
      errors.push(new RevrecError(`compute_in_temp applies to table and incremental models, not to ${config.materialized} models`, { location, hint: 'remove compute_in_temp' }));
    }
    const identifier = config.alias ?? def.name;
    const id = nodeId.model(projectName, def.name);
    const dependsOn = [
      ...full.refs.map((name) => refId(project, name)),
      ...full.sources.map((s) => nodeId.source(projectName, s.source, s.table)),
      ...(incremental?.refs.map((name) => refId(project, name)) ?? []),
      ...(incremental?.sources.map((s) => nodeId.source(projectName, s.source, s.table)) ?? []),
    ];
    modelNodes.set(def.name, {
      id,
      kind: 'model',
      name: def.name,
      path: def.path,
      fqn: [projectName, ...def.path.split('/').slice(1, -1), def.name],
      tags: config.tags,
      description: def.description,
      dependsOn: [...new Set(dependsOn)].sort(),
      schema: config.schema,
      identifier,
      relation: relationName(config.schema, identifier),
      config,
      columns: def.columns,
      compiledSql: full.sql,
      ...(incremental ? { incrementalSql: incremental.sql } : {}),
      checksum: sha256(def.rawSql),
    });
  }
  for (const node of modelNodes.values()) nodes[node.id] = node;
  if (errors.length) throw new CompileError(errors);

  const { order: modelOrder } = topologicalOrder(
    Object.keys(nodes),
    (id) => nodes[id]!.dependsOn,
    (id) => nodes[id]!.path,
    (id) => nodes[id]!.name,
  );

  // Pass 2, in dependency order: replace ref tokens by relations, inlining ephemeral models as CTEs.
  for (const id of modelOrder) {
    const node = nodes[id];
    if (node?.kind !== 'model') continue;
    const resolve = (sql: string) => stripTrailingSemicolon(resolveRefs(sql.replaceAll(THIS_TOKEN, node.relation), project, modelNodes, seedNodes));
    const resolved = {
      ...node,
      compiledSql: resolve(node.compiledSql),
      ...(node.incrementalSql ? { incrementalSql: resolve(node.incrementalSql) } : {}),
      config: {
        ...node.config,
        ...(node.config.fullRefreshIf ? { fullRefreshIf: resolve(node.config.fullRefreshIf) } : {}),
        ...(node.config.replaceWhere ? { replaceWhere: resolve(node.config.replaceWhere) } : {}),
      },
    };
    modelNodes.set(node.name, resolved);
    nodes[id] = resolved;
  }

  const resolver: RelationResolver = (target) => {
    const model = modelNodes.get(target);
    if (model && model.config.materialized !== 'ephemeral') return { relation: model.relation, id: model.id };
    const seed = seedNodes.find((s) => s.name === target);
    if (seed) return { relation: seed.relation, id: seed.id };
    const source = sourceNodes.find((s) => `${s.sourceName}.${s.tableName}` === target);
    return source ? { relation: source.relation, id: source.id } : undefined;
  };
  for (const test of buildTestNodes(project, modelNodes, seedNodes, sourceNodes, resolver, engine, errors)) {
    if (nodes[test.id]) {
      errors.push(new RevrecError(`two data tests are named "${test.name}"`, { location: { file: test.path }, hint: 'give one of them a name: in its YAML' }));
      continue;
    }
    nodes[test.id] = test;
  }
  if (errors.length) throw new CompileError(errors);
  specs.save();

  const { order, children } = topologicalOrder(Object.keys(nodes), (id) => nodes[id]!.dependsOn, (id) => nodes[id]!.path, (id) => nodes[id]!.name);
  return { schemaVersion: MANIFEST_SCHEMA_VERSION, projectName, nodes, order, children, vars };
}

/** Model names per project, so resolving a ref is a lookup rather than a scan (1,000 models × 3,000 refs). */
const modelNamesOf = new WeakMap<Project, ReadonlySet<string>>();

function refId(project: Project, name: string): string {
  let names = modelNamesOf.get(project);
  if (!names) modelNamesOf.set(project, (names = new Set(project.models.map((m) => m.name))));
  return names.has(name) ? nodeId.model(project.settings.name, name) : nodeId.seed(project.settings.name, name);
}

function resolveRefs(sql: string, project: Project, models: Map<string, ModelNode>, seeds: SeedNode[]): string {
  const ephemerals: ModelNode[] = [];
  const body = stripTrailingSemicolon(sql).replace(REF_TOKEN, (_match, name: string) => {
    const model = models.get(name);
    if (model?.config.materialized === 'ephemeral') {
      if (!ephemerals.includes(model)) ephemerals.push(model);
      return quoteIdent(`${EPHEMERAL_PREFIX}${name}`);
    }
    if (model) return model.relation;
    const seed = seeds.find((s) => s.name === name);
    if (seed) return seed.relation;
    throw new Error(`Unexpected unresolved ref ${name} in ${project.settings.name}`);
  });
  if (ephemerals.length === 0) return body;
  // Ephemeral SQL was resolved earlier in topological order, so nested ephemerals are already inlined inside it.
  const ctes = ephemerals.map((e) => `${quoteIdent(`${EPHEMERAL_PREFIX}${e.name}`)} AS (\n${e.compiledSql}\n)`);
  return `WITH ${ctes.join(',\n')}\nSELECT * FROM (\n${body}\n) AS ${quoteIdent('__revrec_model')}`;
}

function buildSourceNodes(project: Project): SourceNode[] {
  const name = project.settings.name;
  return project.sources.flatMap((source) =>
    source.tables.map((table) => ({
      id: nodeId.source(name, source.name, table.name),
      kind: 'source' as const,
      name: `${source.name}.${table.name}`,
      path: source.path,
      fqn: [name, source.name, table.name],
      tags: source.tags,
      description: table.description || source.description,
      dependsOn: [],
      sourceName: source.name,
      tableName: table.name,
      schema: source.schema,
      identifier: table.identifier,
      relation: relationName(source.schema, table.identifier),
      columns: table.columns,
    })),
  );
}

function buildSeedNodes(project: Project): SeedNode[] {
  const name = project.settings.name;
  return project.seeds.map((seed) => ({
    id: nodeId.seed(name, seed.name),
    kind: 'seed' as const,
    name: seed.name,
    path: seed.path,
    fqn: [name, seed.name],
    tags: seed.tags,
    description: seed.description,
    dependsOn: [],
    schema: seed.schema,
    identifier: seed.name,
    relation: relationName(seed.schema, seed.name),
    columnTypes: seed.columnTypes,
    delimiter: seed.delimiter,
    columns: seed.columns,
    checksum: sha256(`${seed.path}:${JSON.stringify(seed.columnTypes)}`),
  }));
}

function buildTestNodes(
  project: Project,
  models: Map<string, ModelNode>,
  seeds: SeedNode[],
  sources: SourceNode[],
  resolve: RelationResolver,
  engine: TemplateEngine,
  errors: RevrecError[],
): TestNode[] {
  const projectName = project.settings.name;
  const tests: TestNode[] = [];
  const attach = (owner: { id: string; name: string; relation: string; path: string; tags: readonly string[]; fqn: readonly string[] }, specs: readonly DataTestSpec[]) => {
    for (const spec of specs) {
      const result = genericTestSql(spec, owner.name.replaceAll('.', '_'), owner.relation, resolve);
      if ('error' in result) {
        errors.push(new RevrecError(result.error, { location: { file: spec.file, ...(spec.line ? { line: spec.line } : {}), node: owner.id } }));
        continue;
      }
      const name = result.name.length > 120 ? `${result.name.slice(0, 100)}_${shortHash(result.name)}` : result.name;
      tests.push({
        id: nodeId.test(projectName, name),
        kind: 'test',
        name,
        path: spec.file,
        fqn: [...owner.fqn.slice(0, -1), name],
        tags: owner.tags,
        description: `${spec.kind}${spec.column ? ` on ${spec.column}` : ''} of ${owner.name}`,
        dependsOn: [owner.id, ...result.alsoDependsOn].sort(),
        testType: 'generic',
        spec,
        attachedTo: owner.id,
        severity: spec.severity,
        compiledSql: result.sql,
      });
    }
  };
  const defs = new Map(project.models.map((m) => [m.name, m]));
  for (const model of models.values()) {
    const def = defs.get(model.name)!;
    const specs = [...def.columns.flatMap((c) => c.tests), ...def.tests];
    if (model.config.materialized === 'ephemeral' && specs.length) {
      errors.push(new RevrecError(`ephemeral model "${model.name}" cannot have data tests (it is never materialized)`, { location: { file: def.yamlPath ?? def.path, node: model.id } }));
      continue;
    }
    attach(model, specs);
  }
  for (const seed of seeds) {
    const def = project.seeds.find((s) => s.name === seed.name)!;
    attach(seed, [...def.columns.flatMap((c) => c.tests), ...def.tests]);
  }
  for (const source of sources) {
    const table = project.sources.find((s) => s.name === source.sourceName)!.tables.find((t) => t.name === source.tableName)!;
    attach(source, [...table.columns.flatMap((c) => c.tests), ...table.tests]);
  }
  for (const singular of project.singularTests) {
    let out: RenderOutput;
    try {
      out = engine.render({ file: singular.path, template: singular.rawSql, isIncremental: false, thisRelation: '' });
    } catch (error) {
      if (error instanceof CompileError) errors.push(...error.errors);
      else throw error;
      continue;
    }
    const sql = resolveRefs(out.sql, project, models, seeds);
    tests.push({
      id: nodeId.test(projectName, singular.name),
      kind: 'test',
      name: singular.name,
      path: singular.path,
      fqn: [projectName, singular.name],
      tags: singular.tags,
      description: `singular test ${singular.path}`,
      dependsOn: [
        ...out.refs.map((name) => refId(project, name)),
        ...out.sources.map((s) => nodeId.source(projectName, s.source, s.table)),
      ].sort(),
      testType: 'singular',
      severity: singular.severity,
      compiledSql: stripTrailingSemicolon(sql),
    });
  }
  return tests;
}

function stripTrailingSemicolon(sql: string): string {
  return sql.trim().replace(/;+\s*$/, '');
}

function projectStateHash(project: Project, vars: Readonly<Record<string, unknown>>): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(vars));
  for (const m of project.models) hash.update(`${m.path}\0${m.rawSql}\0${JSON.stringify(m.rawConfig)}\0`);
  for (const m of project.macros) hash.update(`${m.path}\0${m.template}\0`);
  for (const s of project.seeds) {
    hash.update(`${s.path}\0${JSON.stringify(s.columnTypes)}\0`);
    try {
      hash.update(readFileSync(join(project.root, s.path)));
    } catch {
      /* a seed that cannot be read fails at load time with a clear error */
    }
  }
  return hash.digest('hex').slice(0, 16);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
