import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_SCHEMA } from '@parley/config';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown> | string[];
  ports?: string[];
}

/** No Docker engine runs here, so the deployment files are checked by reading them. */
describe('deployment files', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const parley = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

  it('has the production topology: Postgres, Redis, Elasticsearch, two API nodes, a worker and a proxy', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'api1',
      'api2',
      'elasticsearch',
      'postgres',
      'proxy',
      'redis',
      'worker',
    ]);
    expect(parley.map(([name]) => name).sort()).toEqual(['api1', 'api2', 'worker']);
    expect(compose.services.worker!.command).toEqual(['node', 'dist/apps/worker/src/main.js']);
    // Only the proxy is published; API nodes are reached through it.
    for (const [, service] of parley) expect(service.ports).toBeUndefined();
    expect(compose.services.proxy!.depends_on).toEqual(['api1', 'api2']);
  });

  it('configures Parley only with variables the configuration schema knows', () => {
    const known = new Set(Object.keys(ENV_SCHEMA.shape));
    for (const [name, service] of parley) {
      const variables = Object.keys(service.environment ?? {});
      expect(
        variables.filter((v) => !known.has(v)),
        name,
      ).toEqual([]);
      for (const required of ['DATABASE_URL', 'REDIS_URL', 'PARLEY_MASTER_KEY'])
        expect(variables, name).toContain(required);
    }
  });

  it('balances every API node in the proxy, with websocket upgrades and no sticky sessions', () => {
    const nginx = read('deploy/nginx.conf');
    for (const name of ['api1', 'api2']) expect(nginx).toContain(`server ${name}:3000`);
    expect(nginx).toContain('proxy_set_header Upgrade $http_upgrade');
    expect(nginx).not.toMatch(/ip_hash|sticky/);
  });

  it('builds the image with the README’s commands and runs it unprivileged with production dependencies only', () => {
    const dockerfile = read('Dockerfile');
    const readme = read('README.md');
    expect(readme).toContain('npm ci && npm start');
    expect(dockerfile).toMatch(/^RUN npm ci$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    const start = /^npm run build --silent && node ((?:--\S+ )*)dist\/apps\/api\/src\/main\.js$/.exec(
      JSON.parse(read('package.json')).scripts.start as string,
    );
    expect(start).not.toBeNull();
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev$/m);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toContain('CMD ["node", "dist/apps/api/src/main.js"]');
    // The image runs node with the flags `npm start` gives it.
    expect(runtime).toContain(`NODE_OPTIONS=${start![1]!.trim()}`);
    // `npm ci` needs every workspace's manifest before the sources are copied.
    for (const workspace of JSON.parse(read('package.json')).workspaces as string[]) {
      expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`);
    }
  });
});
