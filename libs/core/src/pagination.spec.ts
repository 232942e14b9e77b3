import { ValidationError } from './errors';
import { decodeCursor, encodeCursor, parsePageRequest, toPage } from './pagination';

describe('parsePageRequest', () => {
  it.each`
    input                           | expected
    ${{}}                           | ${{ limit: 20 }}
    ${{ limit: '' }}                | ${{ limit: 20 }}
    ${{ limit: null }}              | ${{ limit: 20 }}
    ${{ limit: '50' }}              | ${{ limit: 50 }}
    ${{ limit: 50 }}                | ${{ limit: 50 }}
    ${{ limit: '1' }}               | ${{ limit: 1 }}
    ${{ limit: '100' }}             | ${{ limit: 100 }}
    ${{ limit: '101' }}             | ${{ limit: 100 }}
    ${{ limit: 5000 }}              | ${{ limit: 100 }}
    ${{ limit: '0' }}               | ${{ limit: 1 }}
    ${{ limit: -5 }}                | ${{ limit: 1 }}
    ${{ offset: '40' }}             | ${{ limit: 20, offset: 40 }}
    ${{ offset: 0 }}                | ${{ limit: 20, offset: 0 }}
    ${{ limit: 10, cursor: 'abc' }} | ${{ limit: 10, cursor: 'abc' }}
  `('reads $input as $expected', ({ input, expected }) => {
    expect(parsePageRequest(input)).toEqual(expected);
  });

  it('defaults when called with nothing', () => {
    expect(parsePageRequest()).toEqual({ limit: 20 });
  });

  it.each`
    input                             | field       | code
    ${{ limit: 'abc' }}               | ${'limit'}  | ${'INVALID_LIMIT'}
    ${{ limit: '1.5' }}               | ${'limit'}  | ${'INVALID_LIMIT'}
    ${{ limit: 2.5 }}                 | ${'limit'}  | ${'INVALID_LIMIT'}
    ${{ limit: Number.NaN }}          | ${'limit'}  | ${'INVALID_LIMIT'}
    ${{ limit: '1e2' }}               | ${'limit'}  | ${'INVALID_LIMIT'}
    ${{ limit: ['10'] }}              | ${'limit'}  | ${'INVALID_LIMIT'}
    ${{ offset: '-1' }}               | ${'offset'} | ${'INVALID_OFFSET'}
    ${{ offset: 'x' }}                | ${'offset'} | ${'INVALID_OFFSET'}
    ${{ cursor: 42 }}                 | ${'cursor'} | ${'INVALID_CURSOR'}
    ${{ cursor: 'x'.repeat(513) }}    | ${'cursor'} | ${'INVALID_CURSOR'}
    ${{ cursor: 'abc', offset: '0' }} | ${'offset'} | ${'CURSOR_WITH_OFFSET'}
  `('refuses $input with $code on $field', ({ input, field, code }) => {
    expect(() => parsePageRequest(input)).toThrow(ValidationError);
    try {
      parsePageRequest(input);
    } catch (err) {
      expect((err as ValidationError).details).toEqual([expect.objectContaining({ field, code })]);
    }
  });

  it('reports every bad field at once', () => {
    expect(() => parsePageRequest({ limit: 'x', offset: '-1' })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field: 'limit' }), expect.objectContaining({ field: 'offset' })],
      }),
    );
  });
});

describe('cursors', () => {
  it('round-trips a sort key', () => {
    const position = { createdAt: '2026-01-01T00:00:00.000Z', id: '0190a6e2-7b3c-7def-8abc-0123456789ab', title: '芯片' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([['not-a-cursor'], ['%%%'], ['']])('refuses the tampered cursor %p', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('toPage', () => {
  const cursorOf = (n: number) => `after-${n}`;

  it.each`
    rows            | limit | items        | nextCursor
    ${[1, 2, 3, 4]} | ${3}  | ${[1, 2, 3]} | ${'after-3'}
    ${[1, 2, 3]}    | ${3}  | ${[1, 2, 3]} | ${undefined}
    ${[1]}          | ${3}  | ${[1]}       | ${undefined}
    ${[]}           | ${3}  | ${[]}        | ${undefined}
  `('serves $items from $rows with limit $limit, next cursor $nextCursor', ({ rows, limit, items, nextCursor }) => {
    const page = toPage(rows, limit, cursorOf);
    expect(page.items).toEqual(items);
    expect(page.nextCursor).toBe(nextCursor);
    expect('total' in page).toBe(false);
  });

  it('includes a total when given one', () => {
    expect(toPage([1], 20, cursorOf, 1)).toEqual({ items: [1], total: 1 });
  });
});
