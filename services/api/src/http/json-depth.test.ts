import { jsonNestsDeeperThan } from './json-depth';

const deeper = (text: string, limit: number): boolean => jsonNestsDeeperThan(Buffer.from(text, 'utf8'), limit);

describe('jsonNestsDeeperThan', () => {
  it('counts arrays and objects together', () => {
    expect(deeper('[{"a":[1]}]', 3)).toBe(false);
    expect(deeper('[{"a":[[1]]}]', 3)).toBe(true);
  });

  it('measures the deepest branch, not the total', () => {
    expect(deeper('[[1],[2],[3],{"a":1}]', 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(deeper('["[[[[", "\\"[[[[", {"k[[[": "]]]"}]', 2)).toBe(false);
    expect(deeper('["\\\\", [[1]]]', 2)).toBe(true);
  });

  it('finds 100,000 levels in one pass', () => {
    expect(deeper('['.repeat(100_000) + ']'.repeat(100_000), 64)).toBe(true);
  });
});
