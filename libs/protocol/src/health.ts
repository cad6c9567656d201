import { z } from 'zod';

/** `GET /healthz`: the process answers. */
export const LivenessSchema = z.object({ status: z.literal('ok') });
export type Liveness = z.infer<typeof LivenessSchema>;

const CheckSchema = z.enum(['up', 'down', 'disabled']);

/** `GET /readyz`: 200 when `ready`, 503 when `unready`. Redis is `disabled` when REDIS_URL is unset. */
export const ReadinessSchema = z.object({
  status: z.enum(['ready', 'unready']),
  checks: z.object({
    database: CheckSchema,
    migrations: z.enum(['applied', 'pending', 'unknown']),
    redis: CheckSchema,
  }),
});
export type Readiness = z.infer<typeof ReadinessSchema>;
