import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { Config } from '@parley/config';
import type { TenantCreated } from '@parley/protocol';
import { TenantsService } from '@parley/tenancy';

/**
 * The embedded default's first start creates a demo tenant whose browser origins are this server's
 * own, and keeps its keys in the data dir (beside the master key, which already unlocks them) so that
 * later starts can print them again.
 */
export async function ensureDemoTenant(
  app: INestApplicationContext,
  config: Config,
): Promise<TenantCreated | null> {
  const file = join(config.dataDir, 'demo-tenant.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as TenantCreated;
  const tenants = app.get(TenantsService);
  if ((await tenants.list()).length > 0) return null;
  const demo = await tenants.create({
    name: 'Demo',
    allowedOrigins: [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`],
    guestAccess: true,
  });
  writeFileSync(file, JSON.stringify(demo, null, 2) + '\n', { mode: 0o600 });
  return demo;
}

export function demoBanner(demo: TenantCreated, baseUrl: string): string {
  return [
    '',
    `  Parley is running at ${baseUrl}`,
    '',
    `  Demo page        ${baseUrl}/   (Alice and Bob side by side, in the widget)`,
    `  API console      ${baseUrl}/docs`,
    '',
    `  Demo tenant "${demo.name}" (${demo.id})`,
    `    publishable key  ${demo.publishableKey}`,
    `    secret key       ${demo.secretKey}`,
    '',
    '  Try it:',
    `    curl -X PUT ${baseUrl}/v1/users/alice -H 'Authorization: Bearer ${demo.secretKey}' \\`,
    `      -H 'Content-Type: application/json' -d '{"name":"Alice"}'`,
    '',
  ].join('\n');
}
