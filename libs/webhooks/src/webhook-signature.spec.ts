import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

describe('Parley-Signature', () => {
  const body = '{"id":"e1","type":"message.new"}';

  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const mac = createHmac('sha256', 'whsec_x').update(`1700000000.${body}`).digest('hex');
    expect(signWebhook('whsec_x', 1700000000, body)).toBe(`t=1700000000,v1=${mac}`);
  });

  it('verifies a fresh signature and refuses a changed body, another secret or an old timestamp', () => {
    const now = 1700000000;
    const header = signWebhook('whsec_x', now, body);
    expect(verifyWebhookSignature('whsec_x', header, body, { now })).toBe(true);
    expect(verifyWebhookSignature('whsec_x', header, body + ' ', { now })).toBe(false);
    expect(verifyWebhookSignature('whsec_y', header, body, { now })).toBe(false);
    expect(verifyWebhookSignature('whsec_x', header, body, { now: now + 301 })).toBe(false);
    expect(verifyWebhookSignature('whsec_x', 'garbage', body, { now })).toBe(false);
  });
});
