import fc from 'fast-check';

const HUGE_STRING = 'x'.repeat(2_000_000);
const HUGE_ARRAY = Array.from({ length: 100_001 }, (_, i) => i);

function deep(levels: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i += 1) value = wrap(value);
  return value;
}

const DEEP_ARRAY = deep(10_000, (inner) => [inner]);
const DEEP_OBJECT = deep(10_000, (inner) => ({ a: inner }));
/** Own `__proto__` and `constructor` keys, as JSON.parse makes them (an object literal would set the prototype). */
const PROTO_KEYS = (): Record<string, unknown> =>
  JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":{}}') as Record<
    string,
    unknown
  >;

/** Values no schema of ours should take at face value. */
export const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    Number.MAX_VALUE,
    2 ** 53 + 1,
    null,
    undefined,
    true,
    '',
    '\uD800',
    'a\uDC00b\uD83D',
    '\u0000',
    HUGE_STRING,
    HUGE_ARRAY,
    DEEP_ARRAY,
    DEEP_OBJECT,
    [],
    {},
    new Date(Number.NaN),
    new Map([['k', 'v']]),
    10n ** 30n,
  ),
  fc.constant(null).map(PROTO_KEYS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.double(),
);

type Node = { parent: Record<string | number, unknown>; key: string | number };

function nodesOf(value: unknown, found: Node[] = []): Node[] {
  if (typeof value !== 'object' || value === null) return found;
  for (const [key, child] of Object.entries(value)) {
    found.push({ parent: value as Record<string, unknown>, key });
    nodesOf(child, found);
  }
  return found;
}

/** A valid input with one part (or the whole) replaced by a hostile value, or with prototype keys added. */
export function hostileInput(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostileLeaf,
    fc.tuple(valid, fc.nat(), hostileLeaf).map(([input, at, leaf]) => {
      const nodes = nodesOf(input);
      const node = nodes[at % Math.max(1, nodes.length)];
      if (!node) return leaf;
      node.parent[node.key] = leaf;
      return input;
    }),
    valid.map((input) =>
      typeof input === 'object' && input !== null && !Array.isArray(input) ? { ...input, ...PROTO_KEYS() } : input,
    ),
  );
}
