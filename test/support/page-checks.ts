import request from 'supertest';

type Get = (query: Record<string, string | number>) => request.Test;

/**
 * A list answers `{ items, total, limit, offset }`: the whole list with a large limit, the same
 * items one at a time with limit 1 and growing offsets, an empty page past the end with the same
 * total, and 400 naming `limit` / `offset` for values out of range. Returns the whole list.
 */
export async function expectPagedList(get: Get, minimum = 2): Promise<{ id: string }[]> {
  const all = await get({ limit: 100 });
  expect(all.status).toBe(200);
  expect(Object.keys(all.body).sort()).toEqual(['items', 'limit', 'offset', 'total']);
  const items = all.body.items as { id: string }[];
  expect(all.body).toMatchObject({ total: items.length, limit: 100, offset: 0 });
  expect(items.length).toBeGreaterThanOrEqual(minimum);
  const defaults = await get({});
  expect(defaults.body).toMatchObject({ total: items.length, limit: 20, offset: 0 });
  for (let offset = 0; offset < Math.min(items.length, 3); offset++) {
    const one = await get({ limit: 1, offset });
    expect(one.body).toEqual({ items: [items[offset]], total: items.length, limit: 1, offset });
  }
  expect((await get({ limit: 5, offset: items.length })).body).toEqual({ items: [], total: items.length, limit: 5, offset: items.length });
  for (const [query, field] of [
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ limit: 'all' }, 'limit'],
    [{ offset: -1 }, 'offset'],
  ] as const) {
    const bad = await get(query);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(new Set((bad.body.details as { field: string }[]).map((d) => d.field))).toEqual(new Set([field]));
  }
  return items;
}
