import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';

/** What repositories run SQL through: the pool itself, or one transaction's connection. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** Thrown inside a transaction to roll it back on purpose; `transaction` then answers `fallback`. */
export class Rollback<T> extends Error {
  constructor(readonly fallback: T) {
    super('rollback');
  }
}

/**
 * Parameterised SQL on TypeORM's connection pool. TypeORM keeps the schema (entities, migrations);
 * queries go straight to `pg`, which answers rows for every statement, `UPDATE … RETURNING` included,
 * and skips a query-runner per call on the hot paths.
 */
@Injectable()
export class Database implements Queryable {
  private readonly pool: Pool;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  /** Connections of the pool, for metrics. */
  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.pool.query(sql, params);
    return result.rows as Row[];
  }

  /**
   * `query` as a named prepared statement: each connection parses and plans it once, instead of on
   * every call (planning was a third of a one-message write). For hot statements whose text is fixed.
   * The plan is made for the tables as they were and kept until the connection is replaced (after ten
   * minutes, see data-source.ts) or the statement is asked for under a new name (as MessageWriter does).
   *
   * Postgres keeps one plan only if it does not expect a better one from the values: after five runs it
   * compares that generic plan's cost with that of the plans it made for the values it was given. The
   * message write batch unnests array parameters, which showed the planner their lengths, and with
   * batches of one or two it planned every run again (`pg_prepared_statements.custom_plans`): half the
   * Postgres CPU of a one-message write. Such a statement can read each array through a scalar
   * subquery, `unnest((SELECT $1::uuid[]))`, whose value the planner does not look into: every batch
   * then gets the same plan, made once. test/integration/write-plans.test.ts checks the hot ones.
   */
  async prepared<Row = Record<string, unknown>>(
    name: string,
    sql: string,
    params: unknown[],
  ): Promise<Row[]> {
    const result = await this.pool.query({ name, text: sql, values: params });
    return result.rows as Row[];
  }

  /** Runs `work` in one transaction (READ COMMITTED); it commits unless `work` throws. */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(transactional(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      if (error instanceof Rollback) return error.fallback as T;
      throw error;
    } finally {
      // A connection that could not roll back is destroyed rather than handed to the next caller.
      client.release(broken);
    }
  }
}

function transactional(client: PoolClient): Queryable {
  return {
    query: async <Row>(sql: string, params: unknown[] = []) =>
      (await client.query(sql, params)).rows as Row[],
  };
}
