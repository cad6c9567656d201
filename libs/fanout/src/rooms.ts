import type { TenantId } from '@parley/db';

// Every room name starts with the tenant id: no emit can reach another tenant's sockets.
export const userRoom = (tenantId: TenantId, userId: string): string => `t:${tenantId}:u:${userId}`;
export const chatRoom = (tenantId: TenantId, chatId: string): string => `t:${tenantId}:c:${chatId}`;
