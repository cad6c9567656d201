import { mapLimit } from './load.js';

/**
 * A tenant created the documented way (`POST /v1/tenants` with the operator token), with helpers for
 * the two kinds of caller: its backend (secret key) and its end users (publishable key + user token).
 */
export async function createTenant(client, server, name) {
  const tenant = await client.call('POST', '/v1/tenants', {
    headers: { authorization: `Bearer ${server.adminToken}` },
    body: { name },
  });
  const backend = { authorization: `Bearer ${tenant.secretKey}` };
  return {
    ...tenant,
    backend,
    /** Headers of an end user's client holding `token`. */
    userHeaders: (token) => ({ 'x-api-key': tenant.publishableKey, authorization: `Bearer ${token}` }),
    /** Users created or updated through `PUT /v1/users/:id`, named `User <id>`. */
    upsertUsers: (userIds, concurrency = 16) =>
      mapLimit(userIds, concurrency, (userId) =>
        client.call('PUT', `/v1/users/${encodeURIComponent(userId)}`, {
          headers: backend,
          body: { name: `User ${userId}` },
        }),
      ),
    /** User tokens minted through `POST /v1/users/:id/tokens`, one per user id, in order. */
    mintTokens: (userIds, concurrency = 16) =>
      mapLimit(userIds, concurrency, async (userId) => {
        const minted = await client.call('POST', `/v1/users/${encodeURIComponent(userId)}/tokens`, {
          headers: backend,
          body: { expiresIn: 86_400 },
        });
        return minted.token;
      }),
  };
}
