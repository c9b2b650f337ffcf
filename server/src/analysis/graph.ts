/**
 * Graph algorithms shared by the rules (relation cycles in the Prisma schema, foreign-key cycles in
 * the replayed migrations).
 */

/**
 * Tarjan's strongly connected components: every node of `nodes` (and every node reachable from them)
 * in exactly one component. Nodes are visited in the given order and successors in the order
 * `successors` lists them; a component is emitted when its root finishes, members in stack-pop order.
 * Recursive: fine for schemas (a few hundred models or tables).
 */
export function stronglyConnectedComponents<T>(nodes: Iterable<T>, successors: (node: T) => Iterable<T>): T[][] {
  let counter = 0;
  const index = new Map<T, number>();
  const low = new Map<T, number>();
  const stack: T[] = [];
  const onStack = new Set<T>();
  const out: T[][] = [];
  const visit = (v: T): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of successors(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: T[] = [];
      let w: T;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      out.push(comp);
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}
