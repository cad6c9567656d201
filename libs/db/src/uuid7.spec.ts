import { describe, expect, it } from 'vitest';
import { uuid7 } from './uuid7.js';

describe('uuid7', () => {
  it('is a version 7, variant 1 UUID', () => {
    expect(uuid7()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts by creation time', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((t) => uuid7(t));
    expect([...ids].sort()).toEqual(ids);
  });

  it('never repeats within one millisecond, across refills of its random pool', () => {
    const ids = Array.from({ length: 10_000 }, () => uuid7(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
