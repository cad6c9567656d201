import * as protocol from '@parley/protocol';
import { z } from 'zod';
import { protocolExamples } from './examples.js';

/** A JSON Schema object as the documents hold it. */
export type JsonSchema = Record<string, unknown>;

/** `draft-2020-12` for OpenAPI 3.1; `draft-07` for AsyncAPI 3 (its default schema format). */
export type JsonSchemaTarget = 'draft-2020-12' | 'draft-07';

export interface ConvertedSchema {
  schema: JsonSchema;
  /** The named schemas it refers to, by component name. */
  components: Record<string, JsonSchema>;
}

const isZodSchema = (value: unknown): value is z.ZodType =>
  typeof value === 'object' && value !== null && '_zod' in value;

/**
 * Every `…Schema` export of `@parley/protocol` becomes a named component (`MessageSchema` → `Message`),
 * so the documents say `Message` where the code says `MessageSchema`, with nothing listed by hand: a
 * schema added to the protocol is named as soon as a route or event uses it. Query schemas stay
 * unnamed, as their fields become separate query parameters. When two exports are the same schema
 * the shorter name wins (`IdSchema` over `ChatIdParamSchema`).
 */
function protocolSchemaNames(): Map<z.ZodType, string> {
  const names = new Map<z.ZodType, string>();
  for (const [exportName, value] of Object.entries(protocol)) {
    if (!isZodSchema(value) || !exportName.endsWith('Schema') || exportName.endsWith('QuerySchema')) continue;
    // A bare transform (`QueryIntSchema`: digits in, a number out) is two types; neither is the name.
    if (value instanceof z.ZodPipe) continue;
    const name = exportName.slice(0, -'Schema'.length);
    const known = names.get(value);
    if (known === undefined || name.length < known.length || (name.length === known.length && name < known))
      names.set(value, name);
  }
  return names;
}

/**
 * Names and examples for the documents, over what the protocol says with `.describe()` (kept in zod's
 * global registry, which a registry passed to `z.toJSONSchema` would otherwise hide).
 */
class OverGlobalRegistry extends z.core.$ZodRegistry<z.core.JSONSchemaMeta> {
  override get(schema: z.core.$ZodType): z.core.JSONSchemaMeta | undefined {
    const own = super.get(schema);
    const { id: _globalId, ...global } = z.globalRegistry.get(schema) ?? {};
    return own === undefined && Object.keys(global).length === 0 ? undefined : { ...global, ...own };
  }
}

/**
 * Converts protocol schemas to JSON Schema with `z.toJSONSchema`, the named ones as `$ref`s to
 * components. A schema whose request form differs from its response form (defaults make fields
 * optional in requests, transforms change types) gets a second component, `<Name>Input`.
 */
export class SchemaConverter {
  private readonly registries: Record<'input' | 'output', OverGlobalRegistry>;
  /** Examples by component name: zod leaves a transforming schema's out of its input form. */
  private readonly examples = new Map<string, unknown>();

  constructor(private readonly target: JsonSchemaTarget) {
    const input = new OverGlobalRegistry();
    const output = new OverGlobalRegistry();
    for (const [schema, name] of protocolSchemaNames()) {
      const example = protocolExamples().get(schema);
      const meta = example === undefined ? {} : { examples: [example] };
      const differs = this.inline(schema, 'input') !== this.inline(schema, 'output');
      input.add(schema, { ...meta, id: differs ? `${name}Input` : name });
      output.add(schema, { ...meta, id: name });
      if (example !== undefined) this.examples.set(differs ? `${name}Input` : name, example);
    }
    this.registries = { input, output };
  }

  /** `io: 'input'` for what clients send, `'output'` for what Parley answers. */
  convert(schema: z.ZodType, io: 'input' | 'output', refPrefix: string): ConvertedSchema {
    const json = z.toJSONSchema(schema, {
      target: this.target,
      io,
      metadata: this.registries[io],
      unrepresentable: 'any',
    }) as JsonSchema;
    const { $defs, definitions, $schema: _dialect, ...root } = json;
    return {
      schema: tidy(root, refPrefix),
      components: Object.fromEntries(
        Object.entries(($defs ?? definitions ?? {}) as Record<string, JsonSchema>).map(([name, def]) => {
          const example = this.examples.get(name);
          const withExample =
            example === undefined || 'examples' in def ? def : { ...def, examples: [example] };
          return [name, tidy(withExample, refPrefix)];
        }),
      ),
    };
  }

  private inline(schema: z.ZodType, io: 'input' | 'output'): string {
    return JSON.stringify(z.toJSONSchema(schema, { target: this.target, io, unrepresentable: 'any' }));
  }
}

/**
 * Points `$ref`s at the document's components (`#/components/schemas/` in both documents), and drops
 * the safe-integer range zod puts on every `.int()`, which says nothing to a reader.
 */
function tidy<T>(value: T, refPrefix: string): T {
  if (Array.isArray(value)) return value.map((item: unknown) => tidy(item, refPrefix)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).flatMap(([key, child]): [string, unknown][] => {
    if (key === 'minimum' && child === Number.MIN_SAFE_INTEGER) return [];
    if (key === 'maximum' && child === Number.MAX_SAFE_INTEGER) return [];
    if (key === '$ref' && typeof child === 'string')
      return [[key, child.replace(/^#\/(\$defs|definitions)\//, refPrefix)]];
    return [[key, tidy(child, refPrefix)]];
  });
  return Object.fromEntries(entries) as T;
}
