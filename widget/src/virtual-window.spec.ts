import { describe, expect, it } from 'vitest';
import { VirtualWindow } from './virtual-window.js';

const keys = (n: number): string[] => Array.from({ length: n }, (_, i) => `m${i}`);

describe('VirtualWindow', () => {
  it('renders only the viewport and its overscan out of 10,000 rows', () => {
    const window = new VirtualWindow(50, 200);
    window.setKeys(keys(10_000));
    const range = window.range(250_000, 600);
    expect(range.total).toBe(500_000);
    expect(range.start).toBe((250_000 - 200) / 50);
    expect(range.end - range.start).toBeLessThanOrEqual((600 + 400) / 50 + 1);
    expect(range.before).toBe(range.start * 50);
    expect(range.before + (range.end - range.start) * 50 + range.after).toBe(range.total);
  });

  it('uses measured heights for offsets and an estimate for the rest', () => {
    const window = new VirtualWindow(40, 0);
    window.setKeys(keys(5));
    expect(window.offsetOf(5)).toBe(200);
    expect(window.measure('m0', 40)).toBe(true);
    expect(window.measure('m1', 100)).toBe(true);
    expect(window.measure('m1', 100)).toBe(false);
    expect(window.offsetOf(2)).toBe(140);
    expect(window.offsetOf(5)).toBe(140 + 3 * 70);
    expect(window.indexAt(139)).toBe(1);
    expect(window.indexAt(140)).toBe(2);
  });

  it('keeps measurements by key when rows are prepended (older messages loaded)', () => {
    const window = new VirtualWindow(40, 0);
    window.setKeys(['a', 'b']);
    window.measure('a', 10);
    window.setKeys(['x', 'y', 'a', 'b']);
    expect(window.offsetOf(window.indexOf('b'))).toBe(10 + 10 + 10);
  });

  it('answers an empty range for no rows and at least one row at the very end', () => {
    const window = new VirtualWindow(40, 0);
    window.setKeys([]);
    expect(window.range(0, 500)).toEqual({ start: 0, end: 0, before: 0, after: 0, total: 0 });
    window.setKeys(keys(3));
    const range = window.range(10_000, 500);
    expect(range.end).toBe(3);
    expect(range.start).toBe(2);
  });

  it('estimates unmeasured rows by the average of the measured ones', () => {
    const window = new VirtualWindow(100, 0);
    window.setKeys(keys(4));
    window.measure('m0', 30);
    window.measure('m1', 50);
    expect(window.offsetOf(4)).toBe(30 + 50 + 40 + 40);
  });

  it('forgets measurements on reset', () => {
    const window = new VirtualWindow(40, 0);
    window.setKeys(keys(2));
    window.measure('m0', 5);
    window.reset();
    expect(window.offsetOf(2)).toBe(80);
  });
});
