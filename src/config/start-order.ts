/**
 * Start order: dependencies first, ties in the order the services are written. A cycle makes an
 * order impossible; each one is reported in full (`api -> worker -> api`).
 */

/** Service name → the services it depends on (known services only, no self-dependencies). */
export type DependencyGraph = ReadonlyMap<string, readonly string[]>;

export type StartOrder =
  | { readonly ok: true; readonly order: string[] }
  | { readonly ok: false; readonly cycles: string[][] };

/** `graph` keys are in written order. */
export function startOrder(graph: DependencyGraph): StartOrder {
  const cycles = findCycles(graph);
  if (cycles.length > 0) return { ok: false, cycles };
  const order: string[] = [];
  const placed = new Set<string>();
  // Each pass places the first service (in written order) whose dependencies are all placed.
  while (order.length < graph.size) {
    for (const [name, deps] of graph) {
      if (!placed.has(name) && deps.every((dep) => placed.has(dep))) {
        order.push(name);
        placed.add(name);
        break;
      }
    }
  }
  return { ok: true, order };
}

/**
 * Every cycle reachable by a depth-first walk, each once, written from its earliest-written
 * service and closed: `['api', 'worker', 'api']`.
 */
export function findCycles(graph: DependencyGraph): string[][] {
  const index = new Map([...graph.keys()].map((name, i) => [name, i]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const seen = new Set<string>();
  const cycles: string[][] = [];

  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of graph.get(name) ?? []) {
      if (state.get(dep) === 'visiting') {
        const cycle = rotate(stack.slice(stack.indexOf(dep)), index);
        const key = cycle.join('\0');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...cycle, cycle[0]!]);
        }
      } else if (!state.has(dep) && graph.has(dep)) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of graph.keys()) if (!state.has(name)) visit(name);
  return cycles;
}

/** The same cycle always reads the same way: from its earliest-written service. */
function rotate(cycle: string[], index: ReadonlyMap<string, number>): string[] {
  let start = 0;
  cycle.forEach((name, i) => {
    if ((index.get(name) ?? 0) < (index.get(cycle[start]!) ?? 0)) start = i;
  });
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}
