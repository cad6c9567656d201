import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The committed document: what clients are promised (`npm run openapi` regenerates it). */
export const OPENAPI_PATH = new URL('../../openapi/openapi.json', import.meta.url);

type Json = Record<string, any>;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  /** Path parameters in the template: a literal segment matches before a parameter does. */
  parameters: number;
  operation: Json;
}

/** `application/json`, `application/problem+json`… */
const isJson = (mediaType: string): boolean => /^application\/([\w.-]+\+)?json$/.test(mediaType);

const pointer = (...segments: string[]): string =>
  '#' + segments.map((s) => '/' + encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('');

/**
 * Checks answers against `openapi/openapi.json`: the status must be one the operation documents, the
 * media type one it lists, and a JSON body must match that response's schema. Every e2e call goes
 * through `request()`, which runs this, so the document cannot promise what the server does not do.
 */
export class ResponseContract {
  private readonly ajv: Ajv2020;
  private readonly routes: Route[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly spec: Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    // ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
    const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv2020) => void;
    addFormats(this.ajv);
    this.ajv.addSchema(spec, 'openapi.json');
    for (const [template, item] of Object.entries<Json>(spec.paths)) {
      for (const [method, operation] of Object.entries<Json>(item)) {
        const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
        this.routes.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}$`),
          parameters: (template.match(/\{/g) ?? []).length,
          operation,
        });
      }
    }
  }

  /** The documented operation that serves this request, if any. */
  route(method: string, path: string): Route | undefined {
    const pathname = new URL(path, 'http://x').pathname;
    return this.routes
      .filter((route) => route.method === method.toUpperCase() && route.pattern.test(pathname))
      .sort((a, b) => a.parameters - b.parameters)[0];
  }

  /**
   * Throws, naming the operation and what differs, when the answer is not one the document allows.
   * Requests to paths the document does not describe (the console, unknown paths) are not checked;
   * `test/contract/openapi.test.ts` proves every route of the app is in the document.
   */
  check(method: string, path: string, status: number, contentType: string | null, body: unknown): void {
    const route = this.route(method, path);
    if (!route) return;
    const where = `${route.method} ${route.template} (${method} ${path}) answered ${status}`;
    const responses = route.operation.responses as Json;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
    if (key === undefined) {
      throw new Error(
        `${where}, a status openapi/openapi.json does not document for it (documented: ${Object.keys(responses).join(', ')}). ` +
          `Body: ${preview(body)}. Describe it in the route's @ApiRoute (or its errors) and run \`npm run openapi\`.`,
      );
    }
    const responsePointer = this.resolvePointer(
      pointer('paths', route.template, method.toLowerCase(), 'responses', key),
    );
    const response = this.at(responsePointer);
    const content = response.content as Json | undefined;
    if (!content) {
      if (body !== '' && body !== undefined)
        throw new Error(`${where} with a body, but the document says it has none. Body: ${preview(body)}`);
      return;
    }
    const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const listed = [mediaType, `${mediaType.split('/')[0]}/*`, '*/*'].find((range) => range in content);
    if (listed === undefined) {
      throw new Error(
        `${where} with ${mediaType || 'no content type'}, but the document lists ${Object.keys(content).join(', ')}`,
      );
    }
    // Bytes (files, text) are not checked further than their media type.
    if (!isJson(listed)) return;
    const validate = this.validator(
      `openapi.json${responsePointer}${pointer('content', listed, 'schema').slice(1)}`,
    );
    if (!validate(body)) {
      throw new Error(
        `${where} with a body that does not match openapi/openapi.json: ` +
          `${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}. Body: ${preview(body)}. ` +
          'If the protocol changed on purpose, run `npm run openapi`.',
      );
    }
  }

  /** Follows a response `$ref` (`#/components/responses/…`) to the pointer of what it names. */
  private resolvePointer(at: string): string {
    const value = this.at(at);
    return typeof value.$ref === 'string' ? this.resolvePointer(value.$ref) : at;
  }

  private at(at: string): Json {
    let value: any = this.spec;
    for (const segment of at.slice(2).split('/'))
      value = value?.[decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~')];
    if (value === undefined) throw new Error(`openapi/openapi.json has nothing at ${at}`);
    return value as Json;
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }
}

function preview(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

let contract: ResponseContract | undefined;

/** The contract of the committed document, read once per test file. */
export function responseContract(): ResponseContract {
  if (!contract) {
    let text: string;
    try {
      text = readFileSync(OPENAPI_PATH, 'utf8');
    } catch (error) {
      throw new Error(
        `openapi/openapi.json is missing: run \`npm run openapi\` (${(error as Error).message})`,
        {
          cause: error,
        },
      );
    }
    contract = new ResponseContract(JSON.parse(text) as Json);
  }
  return contract;
}
