import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { API_ROUTE_METADATA, type ApiRouteFacts } from '@parley/http';
import {
  ERROR_CODES,
  ERRORS,
  ProblemSchema,
  problemType,
  UserIdSchema,
  type ErrorCode,
} from '@parley/protocol';
import { ACCESS_METADATA, type AccessLevel } from '@parley/tenancy';
import type { z } from 'zod';
import { SchemaConverter, type JsonSchema } from './schemas.js';

const COMPONENTS = '#/components/schemas/';

const DESCRIPTION = `Parley's REST API. Everything is JSON; timestamps are ISO-8601 UTC; ids are opaque strings.

**Authorise** (the padlock) with one of:
- **secretKey**: your tenant's secret key \`sk_…\`, from your backend only. It may do everything in the
  tenant; fill \`X-On-Behalf-Of\` with a user id to act as that user (their chats, their read pointer).
- **publishableKey + userToken**: what an end user's client sends: \`X-Api-Key: pk_…\` and a user token
  (mint one with \`POST /v1/users/{userId}/tokens\`). Browsers must call from an allowed origin.
- **operatorToken**: \`PARLEY_ADMIN_TOKEN\`, to create and list tenants.

**Errors** are \`application/problem+json\` with a stable \`code\`; each operation lists the codes it may answer.
**Lists** are \`{ data, nextCursor }\`: pass \`nextCursor\` as \`cursor\` for the next page.
The realtime API (socket.io namespace \`/v1\`) is described by \`openapi/asyncapi.yaml\`.`;

type Operation = Record<string, unknown> & {
  operationId: string;
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
};

const SECURITY_SCHEMES = {
  secretKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'sk_…',
    description: "The tenant's secret key (`Authorization: Bearer sk_…`), for its backend only.",
  },
  publishableKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description: "The tenant's publishable key `pk_…`; goes with a user token.",
  },
  userToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A user token: HS256 JWT signed with the secret key, `sub` = the user id, `exp` required. Goes with the publishable key.',
  },
  operatorToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The operator token, `PARLEY_ADMIN_TOKEN`.',
  },
} as const;

/** The console's sections in reading order (a controller's name is its tag); others follow, sorted. */
const TAGS: Record<string, string> = {
  Tenants: "Create tenants (operator); a tenant's settings and secret keys",
  Users: "The tenant's users and their tokens",
  Chats: 'Direct chats and groups, by latest activity',
  Members: "A chat's members and their roles",
  Messages: 'Send, page through, catch up, edit, delete, react',
  Receipts: 'Read and delivered pointers',
  Search: 'Full-text search in my chats',
  Presence: 'Online state and last seen',
  Uploads: 'Files to send in messages',
  Files: 'Downloads',
  Devices: 'Push targets: FCM tokens and Web Push subscriptions',
  Push: "Web Push key and the tenant's FCM credentials",
  Webhooks: "The tenant's webhooks and their deliveries",
  Health: 'Liveness and readiness',
  Metrics: 'Prometheus',
  Widget: 'The embeddable chat widget, served to browsers',
};

interface AccessDocs {
  security: Record<string, string[]>[];
  /** What a route can answer because of who may call it, beside what it does itself. */
  errors: ErrorCode[];
  /** The secret key may act as a user (`X-On-Behalf-Of`), which is checked (400) and looked up (404). */
  onBehalfOf: boolean;
}

const TENANT: AccessDocs = {
  security: [{ secretKey: [] }, { publishableKey: [], userToken: [] }],
  errors: ['validation_failed', 'unauthenticated', 'origin_not_allowed', 'not_found', 'rate_limited'],
  onBehalfOf: true,
};

/** By `@Access` level (`AccessLevel`); a level missing here fails the build of the document. */
const ACCESS: Record<AccessLevel, AccessDocs> = {
  public: { security: [], errors: [], onBehalfOf: false },
  operator: { security: [{ operatorToken: [] }], errors: ['unauthenticated'], onBehalfOf: false },
  server: {
    security: [{ secretKey: [] }],
    errors: ['validation_failed', 'unauthenticated', 'forbidden', 'not_found', 'rate_limited'],
    onBehalfOf: true,
  },
  tenant: TENANT,
  // A signed URL (`sig` in its query) is its own credential; without a signature it is a tenant route.
  signed: { ...TENANT, security: [...TENANT.security, {}] },
  publishable: {
    security: [{ publishableKey: [] }],
    errors: ['validation_failed', 'unauthenticated', 'origin_not_allowed', 'forbidden', 'rate_limited'],
    onBehalfOf: false,
  },
};

function accessDocs(access: AccessLevel): AccessDocs {
  return ACCESS[access];
}

const INPUT_ERRORS: ErrorCode[] = ['validation_failed'];
const BODY_ERRORS: ErrorCode[] = ['validation_failed', 'payload_too_large', 'unsupported_media_type'];

interface RouteFacts extends ApiRouteFacts {
  access: AccessLevel;
}

const operationIdOf = (controller: string, method: string): string =>
  `${controller.replace(/Controller$/, '').replace(/^./, (first) => first.toLowerCase())}.${method}`;

/**
 * The OpenAPI 3.1 document of the application's routes, built from Nest's metadata only: it needs no
 * database and no listening server (`npm run openapi` builds it from an app created in preview mode).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const converter = new SchemaConverter('draft-2020-12');
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Parley API')
    .setDescription(DESCRIPTION)
    .setVersion('v1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: operationIdOf,
    standardSchemaConverter: (schema, { schemaType }) =>
      converter.convert(schema as z.ZodType, schemaType, COMPONENTS),
  });
  return finish(document, routeFacts(app), converter);
}

/** Who may call each route (`@Access`) and what `@ApiRoute` says beyond swagger's metadata, by operation id. */
function routeFacts(app: INestApplication): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      const prototype = metatype.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const id = operationIdOf(metatype.name, name);
        if (facts.has(id)) throw new Error(`Two routes would share the OpenAPI operation id ${id}`);
        const access =
          (Reflect.getMetadata(ACCESS_METADATA, handler) as AccessLevel | undefined) ??
          (Reflect.getMetadata(ACCESS_METADATA, metatype) as AccessLevel | undefined) ??
          'tenant';
        const described = Reflect.getMetadata(API_ROUTE_METADATA, handler) as ApiRouteFacts | undefined;
        facts.set(id, { errors: [], ...described, access });
      }
    }
  }
  return facts;
}

function finish(document: OpenAPIObject, facts: Map<string, RouteFacts>, converter: SchemaConverter) {
  const components = document.components as Record<string, Record<string, unknown>>;
  const onBehalfOf = converter.convert(UserIdSchema, 'input', COMPONENTS);
  const problem = converter.convert(ProblemSchema, 'output', COMPONENTS);
  Object.assign((components.schemas ??= {}), onBehalfOf.components, problem.components);
  components.parameters = {
    OnBehalfOf: {
      name: 'X-On-Behalf-Of',
      in: 'header',
      required: false,
      description:
        'With the secret key: act as this user of the tenant (their chats, their read pointer). Not with a user token.',
      schema: onBehalfOf.schema,
    },
  };
  components.securitySchemes = SECURITY_SCHEMES;
  components.responses = {};

  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(item as Record<string, Operation>)) {
      const operation = value;
      const route = facts.get(operation.operationId);
      if (!route) throw new Error(`No route behind ${method.toUpperCase()} ${path}`);
      if (operation.parameters?.length === 0) delete operation.parameters;
      const access = accessDocs(route.access);
      if (access.security.length) operation.security = access.security;
      if (route.upload) {
        const fields = converter.convert(route.upload.fields, 'input', COMPONENTS);
        Object.assign(components.schemas!, fields.components);
        const named =
          typeof fields.schema.$ref === 'string' ? fields.schema.$ref.slice(COMPONENTS.length) : null;
        operation.requestBody = multipartBody(
          named ? fields.components[named]! : fields.schema,
          route.upload.file,
        );
      }
      if (access.onBehalfOf) {
        operation.parameters = [
          ...(operation.parameters ?? []),
          { $ref: '#/components/parameters/OnBehalfOf' },
        ];
      }
      const codes = new Set<ErrorCode>([
        ...access.errors,
        ...(operation.parameters?.length ? INPUT_ERRORS : []),
        ...(operation.requestBody ? BODY_ERRORS : []),
        ...route.errors,
        'internal',
      ]);
      for (const [status, group] of byStatus(codes)) {
        if (operation.responses[status]) continue; // The route describes this status itself.
        const name = group.join('_or_');
        components.responses[name] ??= problemResponse(status, group);
        operation.responses[status] = { $ref: `#/components/responses/${name}` };
      }
    }
  }
  const used = new Set(
    Object.values(document.paths).flatMap((item) =>
      Object.values(item as Record<string, Operation>).flatMap(
        (operation) => (operation.tags as string[]) ?? [],
      ),
    ),
  );
  document.tags = [...Object.keys(TAGS).filter((tag) => used.delete(tag)), ...[...used].sort()].map((name) =>
    TAGS[name] ? { name, description: TAGS[name] } : { name },
  );
  if (document.servers?.length === 0) delete document.servers;
  document.paths = sortKeys(document.paths);
  components.schemas = sortKeys(components.schemas);
  components.responses = sortKeys(components.responses);
  // In the order a reader looks for them.
  const { openapi, info, tags, paths, ...rest } = document;
  return { openapi, info, tags, paths, ...rest };
}

/** A form with the route's text fields and one file (fields first: a refusal then comes before the file). */
function multipartBody(fields: JsonSchema, file: string): Record<string, unknown> {
  const properties = (fields.properties ?? {}) as Record<string, unknown>;
  const required = (fields.required ?? []) as string[];
  return {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          ...fields,
          properties: {
            ...properties,
            [file]: { type: 'string', contentMediaType: 'application/octet-stream' },
          },
          required: [...required, file],
        },
      },
    },
  };
}

/** Error codes by HTTP status, statuses ascending, codes in the protocol's order. */
function byStatus(codes: Set<ErrorCode>): [number, ErrorCode[]][] {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of ERROR_CODES.filter((known) => codes.has(known)))
    groups.set(ERRORS[code].status, [...(groups.get(ERRORS[code].status) ?? []), code]);
  return [...groups].sort(([a], [b]) => a - b);
}

/** A problem+json answer whose `code` is one of these (all of one status), with an example of each. */
function problemResponse(status: number, codes: ErrorCode[]): Record<string, unknown> {
  const example = (code: ErrorCode) => ({
    value: {
      type: problemType(code),
      title: ERRORS[code].title,
      status,
      detail: 'What went wrong, in words for people',
      code,
      requestId: '3f1c9a70-5d2e-4b8f-9c61-0e7a2b4d8f13',
    },
  });
  return {
    description: codes.map((code) => `\`${code}\``).join(' or '),
    ...(status === 429
      ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
      : {}),
    content: {
      'application/problem+json': {
        schema: { allOf: [{ $ref: `${COMPONENTS}Problem` }], properties: { code: { enum: codes } } },
        examples: Object.fromEntries(codes.map((code) => [code, example(code)])),
      },
    },
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
