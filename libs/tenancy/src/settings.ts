import { PageSizeError } from './tenancy.errors.js';
import { TenantSettingsSchema, type TenantSettings, type UpdateTenantBody } from '@parley/protocol';

/** Stored settings hold only what was set; defaults (including ones added later) fill the rest on read. */
export function readSettings(stored: unknown): TenantSettings {
  const raw = (stored ?? {}) as Partial<Record<keyof TenantSettings, unknown>>;
  return TenantSettingsSchema.parse({
    allowedOrigins: raw.allowedOrigins ?? [],
    guestAccess: raw.guestAccess ?? false,
    limits: raw.limits ?? {},
    push: raw.push ?? {},
    uploads: raw.uploads ?? {},
  });
}

export function mergeSettings(
  current: TenantSettings,
  change: Omit<UpdateTenantBody, 'name'>,
): TenantSettings {
  return readSettings({
    allowedOrigins: change.allowedOrigins ?? current.allowedOrigins,
    guestAccess: change.guestAccess ?? current.guestAccess,
    limits: { ...current.limits, ...change.limits },
    push: { ...current.push, ...change.push },
    uploads: { ...current.uploads, ...change.uploads },
  });
}

/** A list's page size: the caller's `limit` within the tenant's `pageSize` limit, or the list's default. */
export function pageLimit(settings: TenantSettings, requested: number | undefined, fallback: number): number {
  const max = settings.limits.pageSize;
  if (requested === undefined) return Math.min(fallback, max);
  if (requested < 1 || requested > max) throw new PageSizeError(max);
  return requested;
}
