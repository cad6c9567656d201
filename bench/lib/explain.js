import 'reflect-metadata';
import { prepareValue } from 'pg/lib/utils.js';
import { ChatsRepository } from '../../dist/libs/chats/src/chats.repository.js';
import { MessagesRepository } from '../../dist/libs/messages/src/messages.repository.js';
import { ReceiptsRepository } from '../../dist/libs/receipts/src/receipts.repository.js';
import { UserAuthRepository } from '../../dist/libs/tenancy/src/user-auth.repository.js';

/**
 * The plans of the read path's queries, taken from the server's own repositories (not copies of their
 * SQL): each repository gets a `Database` that runs `EXPLAIN (ANALYZE, BUFFERS)` of every statement
 * before running it for real, a prepared one with its generic plan, the one the server runs. Only read
 * paths are explained: EXPLAIN ANALYZE executes what it explains.
 */
export async function explainReadPath(pgClient, { tenantId, chatId, userId, otherChatIds }) {
  const plans = [];
  let label = '';
  const record = (explained) => {
    const [{ Plan: plan, 'Planning Time': planningMs, 'Execution Time': executionMs }] =
      explained.rows[0]['QUERY PLAN'];
    plans.push({
      query: label,
      executionMs: Number(executionMs.toFixed(3)),
      planningMs: Number(planningMs.toFixed(3)),
      sharedHit: plan['Shared Hit Blocks'],
      sharedRead: plan['Shared Read Blocks'],
      plan: describe(plan),
    });
  };
  const db = {
    async query(sql, params = []) {
      record(await pgClient.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params));
      return (await pgClient.query(sql, params)).rows;
    },
    /** A prepared statement runs on the plan Postgres keeps for every run: the generic one. */
    async prepared(_name, sql, params) {
      const args = params
        .map((param) => (param === null ? 'NULL' : pgClient.escapeLiteral(prepareValue(param))))
        .join(', ');
      await pgClient.query(`PREPARE explained AS ${sql}`);
      try {
        await pgClient.query('SET plan_cache_mode = force_generic_plan');
        record(await pgClient.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE explained(${args})`));
        return (await pgClient.query(`EXECUTE explained(${args})`)).rows;
      } finally {
        await pgClient.query('RESET plan_cache_mode');
        await pgClient.query('DEALLOCATE explained');
      }
    },
  };
  // The repositories change with the server; a query that no longer exists is reported, not fatal.
  const as = async (name, work) => {
    label = name;
    try {
      await work();
    } catch (error) {
      plans.push({ query: name, error: error instanceof Error ? error.message : String(error) });
    }
  };
  const chats = new ChatsRepository(db);
  const messages = new MessagesRepository(db);
  const receipts = new ReceiptsRepository(db);
  const users = new UserAuthRepository(db);

  await as('auth: user state', () => users.stateOfTokenSubject(tenantId, userId));
  await as('authorize: access row', () => chats.accessRow(tenantId, chatId, userId));
  await as('history: newest 50', () => messages.history(tenantId, chatId, { limit: 51 }));
  await as('history: before', () => messages.history(tenantId, chatId, { before: 75, limit: 51 }));
  await as('changes: since 50', () => messages.changes(tenantId, chatId, 50, 101));
  await as('chat list', () => chats.listForUser(tenantId, userId, null, 31));
  await as('chat list: unread', () =>
    receipts.unreadCounts(
      tenantId,
      userId,
      otherChatIds.map((id) => ({ chatId: id, readSeq: 60 })),
    ),
  );
  return plans;
}

/** `Limit(Index Scan Backward using messages_chat_seq_uq on messages)`: node types, indexes, nesting. */
function describe(node) {
  let text = node['Node Type'];
  if (node['Scan Direction'] === 'Backward') text += ' Backward';
  if (node['Index Name']) text += ` using ${node['Index Name']}`;
  if (node['Relation Name']) text += ` on ${node['Relation Name']}`;
  if (node['Function Name']) text += ` on ${node['Function Name']}`;
  if (node['Actual Loops'] > 1) text += ` x${node['Actual Loops']}`;
  const children = node.Plans ?? [];
  return children.length > 0 ? `${text}(${children.map(describe).join(', ')})` : text;
}
