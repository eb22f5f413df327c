import fc from 'fast-check';
import type { z } from 'zod';

/** Where a generated string goes, for hints: the object key it sits under (`path`, `id`, ...). */
export type StringHint = (key: string | undefined) => fc.Arbitrary<string> | undefined;

export interface ArbitraryOptions {
  /** Strings that mean something to the app (paths in the sandbox, known ids), chosen by key. */
  strings?: StringHint;
  /** `z.custom` cannot be looked into: the schema it stands for, if there is one. */
  custom?: z.ZodType;
  /** Longest generated string; the contract allows up to 64 MB, the fuzz wants many calls. */
  maxStringLength?: number;
}

interface Check {
  check: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  pattern?: RegExp;
}

interface Def {
  type: string;
  checks?: { _zod: { def: Check } }[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  in?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def): Check[] => (def.checks ?? []).map((c) => c._zod.def);

function stringArbitrary(def: Def, options: ArbitraryOptions, key: string | undefined): fc.Arbitrary<string> {
  const hinted = options.strings?.(key);
  if (hinted) return hinted;
  const cap = options.maxStringLength ?? 64;
  let minLength = 0;
  let maxLength = cap;
  let pattern: RegExp | undefined;
  for (const check of checksOf(def)) {
    if (check.check === 'min_length') minLength = check.minimum ?? 0;
    if (check.check === 'max_length') maxLength = Math.min(cap, check.maximum ?? cap);
    if (check.check === 'string_format' && check.format === 'regex') pattern = check.pattern;
  }
  if (pattern) return fc.stringMatching(pattern);
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength), unit: 'grapheme' });
}

function numberArbitrary(def: Def): fc.Arbitrary<number> {
  let min = -1e9;
  let max = 1e9;
  let minExcluded = false;
  let maxExcluded = false;
  let integer = false;
  for (const check of checksOf(def)) {
    if (check.check === 'greater_than') [min, minExcluded] = [check.value ?? min, check.inclusive === false];
    if (check.check === 'less_than') [max, maxExcluded] = [check.value ?? max, check.inclusive === false];
    if (check.check === 'number_format') integer = check.format === 'safeint' || check.format === 'int32';
  }
  if (integer) return fc.integer({ min: Math.ceil(min + (minExcluded ? 1 : 0)), max: Math.floor(max) });
  return fc.double({ min, max, minExcluded, maxExcluded, noNaN: true, noDefaultInfinity: true });
}

/** A fast-check arbitrary of values `schema` should accept, read from zod 4's definitions (the types the contract uses). */
export function arbitraryFor(schema: z.ZodType, options: ArbitraryOptions = {}, key?: string): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'undefined':
      return fc.constant(undefined);
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'string':
      return stringArbitrary(def, options, key);
    case 'number':
      return numberArbitrary(def);
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'optional':
      return fc.option(arbitraryFor(def.innerType as z.ZodType, options, key), { nil: undefined });
    case 'nullable':
      return fc.option(arbitraryFor(def.innerType as z.ZodType, options, key), { nil: null });
    case 'array': {
      const checks = checksOf(def);
      const minLength = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
      const maxLength = Math.min(8, checks.find((c) => c.check === 'max_length')?.maximum ?? 8);
      return fc.array(arbitraryFor(def.element as z.ZodType, options, key), {
        minLength,
        maxLength: Math.max(minLength, maxLength),
      });
    }
    case 'object': {
      const shape = def.shape ?? {};
      const requiredKeys = Object.keys(shape).filter((name) => defOf(shape[name] as z.ZodType).type !== 'optional');
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, field] of Object.entries(shape)) {
        const inner = defOf(field).type === 'optional' ? (defOf(field).innerType as z.ZodType) : field;
        record[name] = arbitraryFor(inner, options, name);
      }
      return fc.record(record, { requiredKeys });
    }
    case 'union':
      return fc.oneof(...(def.options ?? []).map((option) => arbitraryFor(option, options, key)));
    case 'pipe':
      return arbitraryFor(def.in as z.ZodType, options, key);
    case 'custom':
      return options.custom ? arbitraryFor(options.custom, { ...options, custom: undefined }, key) : fc.anything();
    default:
      throw new Error(`zod-arbitrary: no arbitrary for zod type "${def.type}"; add one here`);
  }
}
