/**
 * Writes a migration holding the SQL that brings a database migrated to the current head up to the
 * entities: `npm run migration:generate -- add-thing`. Read the SQL before committing it.
 */
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { createDataSource } from '../src/data-source.js';

const verbNoun = process.argv[2];
if (!verbNoun || !/^[a-z]+(-[a-z0-9]+)+$/.test(verbNoun)) {
  console.error('usage: npm run migration:generate -- <verb-noun>, e.g. add-message-index');
  process.exit(2);
}
const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const scratch = `parley_migration_${process.pid}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE ${scratch}`);
const url = new URL(base);
url.pathname = `/${scratch}`;
const dataSource = createDataSource({ url: url.toString(), poolSize: 2 });
try {
  await dataSource.initialize();
  await dataSource.runMigrations();
  const sql = await dataSource.driver.createSchemaBuilder().log();
  if (sql.upQueries.length === 0) {
    console.log('Entities and migrations agree; nothing to generate.');
  } else {
    const timestamp = Date.now();
    const className = verbNoun.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()) + timestamp;
    const lines = (queries: { query: string }[]) =>
      queries.map((q) => `    await runner.query(${JSON.stringify(q.query)});`).join('\n');
    const file = `libs/db/src/migrations/${timestamp}-${verbNoun}.ts`;
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(runner: QueryRunner): Promise<void> {
${lines(sql.upQueries)}
  }

  async down(runner: QueryRunner): Promise<void> {
${lines(sql.downQueries.reverse())}
  }
}
`,
    );
    console.log(`Wrote ${file}; add it to libs/db/src/migrations/index.ts.`);
  }
} finally {
  await dataSource.destroy().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${scratch}`);
  await admin.end();
}
