import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { Config } from '@parley/config';
import type { TenantCreated } from '@parley/protocol';
import { trustTenantId } from '@parley/db';
import { TenantNotFoundError, TenantsService } from '@parley/tenancy';

/**
 * The embedded default's first start creates a demo tenant whose browser origins are this server's
 * own (localhost and 127.0.0.1 on PORT, and PUBLIC_URL's), and keeps its keys in the data dir (beside the master key, which already unlocks them) so that
 * later starts can print them again.
 */
export async function ensureDemoTenant(
  app: INestApplicationContext,
  config: Config,
): Promise<TenantCreated | null> {
  const file = join(config.dataDir, 'demo-tenant.json');
  const tenants = app.get(TenantsService);
  const ownOrigins = [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`];
  // Reached through PUBLIC_URL (a proxy, another host name), the demo page has that origin too.
  if (config.publicUrl && !ownOrigins.includes(new URL(config.publicUrl).origin))
    ownOrigins.push(new URL(config.publicUrl).origin);
  if (existsSync(file)) {
    const demo = JSON.parse(readFileSync(file, 'utf8')) as TenantCreated;
    await allowOwnOrigins(tenants, demo, ownOrigins);
    return demo;
  }
  if ((await tenants.list()).length > 0) return null;
  const demo = await tenants.create({ name: 'Demo', allowedOrigins: ownOrigins, guestAccess: true });
  writeFileSync(file, JSON.stringify(demo, null, 2) + '\n', { mode: 0o600 });
  return demo;
}

/**
 * A restart on another `PORT` serves the demo page from a new origin: the demo tenant allows it too
 * (origins added, none removed). A demo tenant deleted meanwhile is left alone.
 */
async function allowOwnOrigins(
  tenants: TenantsService,
  demo: TenantCreated,
  origins: string[],
): Promise<void> {
  let allowed: string[];
  try {
    allowed = (await tenants.get(trustTenantId(demo.id))).settings.allowedOrigins;
  } catch (error) {
    if (error instanceof TenantNotFoundError) return;
    throw error;
  }
  const missing = origins.filter((origin) => !allowed.includes(origin));
  if (missing.length > 0)
    await tenants.update(trustTenantId(demo.id), { allowedOrigins: [...allowed, ...missing] });
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
