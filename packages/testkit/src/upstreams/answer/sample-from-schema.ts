type Schema = Record<string, unknown>;

const asSchema = (value: unknown): Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : {};

function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (Array.isArray(type)) return type.find((entry) => entry !== 'null') as string | undefined;
  if (typeof type === 'string') return type;
  return schema.properties ? 'object' : undefined;
}

/**
 * A small deterministic value matching a JSON Schema: the first enum value, `"Paris"` for
 * strings, 1 for numbers, true for booleans, one item for arrays, and every property for objects.
 * Tool-call arguments and structured-output answers are built with it.
 */
export function sampleFromSchema(value: unknown, depth = 0): unknown {
  const schema = asSchema(value);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const variants = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(variants) && variants.length > 0) return sampleFromSchema(variants[0], depth);
  if (depth > 6) return null;
  switch (typeOf(schema)) {
    case 'string':
      return 'Paris';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return [sampleFromSchema(schema.items, depth + 1)];
    case 'object': {
      const properties = asSchema(schema.properties);
      return Object.fromEntries(
        Object.entries(properties).map(([name, inner]) => [
          name,
          sampleFromSchema(inner, depth + 1),
        ]),
      );
    }
    default:
      return {};
  }
}
