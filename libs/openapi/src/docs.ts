import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi-document.js';

/**
 * The console at `/docs` (Swagger UI from the `swagger-ui-dist` package, served from this server: no
 * CDN) and the raw document at `/openapi.json`. Both are public: they describe the API and hold no
 * data. The document is built on the first request, so a server that nobody asks pays nothing.
 */
export function serveApiDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: 'Parley API console',
    swaggerOptions: {
      // Keys typed into the console stay in the page: a secret key is never written to localStorage.
      persistAuthorization: false,
      tryItOutEnabled: true,
      displayRequestDuration: true,
      docExpansion: 'list',
      defaultModelsExpandDepth: 0,
    },
  });
}
