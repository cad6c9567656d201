import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseConfig } from '@parley/config';
import { buildAsyncApiDocument, buildOpenApiDocument } from '@parley/openapi';
import { stringify } from 'yaml';
import { AppModule } from './app.module.js';

/** Where `npm run openapi` writes the contract files, relative to the repository root. */
export const CONTRACT_DIR = 'openapi';

/**
 * `openapi/openapi.json` as the code describes it now. Built from Nest's metadata on an app created
 * in preview mode, which instantiates no provider: no database, Redis or server is needed.
 */
export async function renderOpenApi(): Promise<string> {
  // Never connected to: preview mode makes no connection. The values only satisfy the parser.
  const config = parseConfig({
    DATABASE_URL: 'postgres://unused.invalid/parley',
    PARLEY_MASTER_KEY: '0'.repeat(64),
    LOG_LEVEL: 'silent',
  });
  // Not closed: nothing was started, and shutdown hooks would run on providers that were never made.
  const app = await NestFactory.create(AppModule.forRoot(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
}

/** `openapi/asyncapi.yaml`: the socket.io namespace, from the protocol's event maps. */
export function renderAsyncApi(): string {
  const header =
    '# Generated from @parley/protocol by `npm run openapi`: edit the protocol, not this file.\n';
  return header + stringify(buildAsyncApiDocument(), { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Every contract file by name. */
export async function renderContract(): Promise<Record<string, string>> {
  return { 'openapi.json': await renderOpenApi(), 'asyncapi.yaml': renderAsyncApi() };
}
