import { CompileError, RevrecError } from '../errors.js';

/**
 * Stable topological order (Kahn's algorithm, ties broken by id so the order never depends on file system order)
 * and reverse edges. A cycle is reported with its path, e.g. `a → b → c → a`, naming every node on it.
 */
export function topologicalOrder(
  ids: readonly string[],
  dependsOn: (id: string) => readonly string[],
  pathOf: (id: string) => string,
  /** How a node is named in the cycle message (model names read better than ids). */
  labelOf: (id: string) => string = (id) => id,
): { order: string[]; children: Record<string, string[]> } {
  const children: Record<string, string[]> = {};
  const indegree = new Map<string, number>();
  for (const id of ids) {
    children[id] ??= [];
    indegree.set(id, 0);
  }
  for (const id of ids) {
    for (const parent of new Set(dependsOn(id))) {
      if (!indegree.has(parent)) continue;
      children[parent]!.push(id);
      indegree.set(id, indegree.get(id)! + 1);
    }
  }
  for (const list of Object.values(children)) list.sort();
  const ready = ids.filter((id) => indegree.get(id) === 0).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const child of children[id]!) {
      const left = indegree.get(child)! - 1;
      indegree.set(child, left);
      if (left === 0) insertSorted(ready, child);
    }
  }
  if (order.length < ids.length) {
    const cycle = findCycle(ids.filter((id) => indegree.get(id)! > 0), dependsOn);
    throw new CompileError([
      new RevrecError(`dependency cycle: ${cycle.map(labelOf).join(' → ')}`, {
        location: { file: pathOf(cycle[0]!), node: cycle[0]! },
        hint: 'remove one of these ref() calls',
      }),
    ]);
  }
  return { order, children };
}

function insertSorted(list: string[], value: string): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid]! < value) low = mid + 1;
    else high = mid;
  }
  list.splice(low, 0, value);
}

/** Depth-first search inside the unresolved nodes; returns a closed path `[a, b, …, a]`. */
function findCycle(remaining: string[], dependsOn: (id: string) => readonly string[]): string[] {
  const inSet = new Set(remaining);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const parent of [...dependsOn(id)].sort()) {
      if (!inSet.has(parent)) continue;
      if (state.get(parent) === 'visiting') return [...stack.slice(stack.indexOf(parent)), parent];
      if (!state.has(parent)) {
        const found = visit(parent);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of remaining.sort()) {
    if (!state.has(id)) {
      const found = visit(id);
      // Edges point from a node to what it depends on; reverse so the path reads in data-flow order.
      if (found) return found.reverse();
    }
  }
  return remaining;
}
