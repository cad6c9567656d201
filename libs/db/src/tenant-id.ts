declare const tenantIdBrand: unique symbol;

/**
 * A tenant id that came from an authenticated caller or a freshly created tenant. Every repository
 * method takes one first and puts it in every WHERE, so a query without a tenant does not compile.
 */
export type TenantId = string & { readonly [tenantIdBrand]: true };

/** Only authentication and tenant creation may call this: they are where a tenant id becomes trusted. */
export const trustTenantId = (id: string): TenantId => id as TenantId;
