import { Client } from 'pg';
import { pgArrayLiteral } from '../../libs/database/src';
import { TEST_DATABASE_URL } from '../support/env';

/** pgArrayLiteral against PostgreSQL's own array input, and against node-postgres converting the same JS array. */
describe('pgArrayLiteral', () => {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  const awkward = [
    'plain',
    'bench-123',
    '',
    ' leading and trailing spaces ',
    'a,b',
    '{braces}',
    'quote " inside',
    'back\\slash',
    '\\"both\\"',
    'NULL',
    'null',
    'NuLl',
    '中文键',
    'tab\tnew\nline',
    "it's",
    'e̊mojī 🙂',
    '8f14e45f-ceea-467a-9575-b6d1a6c0a8e1',
  ];

  it('reads back every text exactly, NULL as null, and as node-postgres would send them', async () => {
    const values = [...awkward, null];
    const ours = (await client.query<{ a: (string | null)[] }>('SELECT $1::text[] AS a', [pgArrayLiteral(values)])).rows[0].a;
    const theirs = (await client.query<{ a: (string | null)[] }>('SELECT $1::text[] AS a', [values])).rows[0].a;
    expect(ours).toEqual(values);
    expect(ours).toEqual(theirs);
  });

  it('gives uuids, integers, bigints (strings or bigint) and nulls to typed arrays', async () => {
    const row = (
      await client.query('SELECT $1::uuid[] AS u, $2::int[] AS i, $3::bigint[] AS b, $4::bigint[] AS e', [
        pgArrayLiteral(['8f14e45f-ceea-467a-9575-b6d1a6c0a8e1', null, '8F14E45F-CEEA-467A-9575-B6D1A6C0A8E2']),
        pgArrayLiteral([1, null, -7]),
        pgArrayLiteral(['9007199254740993', null, 12n]),
        pgArrayLiteral([]),
      ])
    ).rows[0];
    expect(row.u).toEqual(['8f14e45f-ceea-467a-9575-b6d1a6c0a8e1', null, '8f14e45f-ceea-467a-9575-b6d1a6c0a8e2']);
    expect(row.i).toEqual([1, null, -7]);
    expect(row.b).toEqual(['9007199254740993', null, '12']);
    expect(row.e).toEqual([]);
  });

  it('cannot be turned into more elements or into SQL by what a client sends', async () => {
    const hostile = ['x","y', 'x},{y', "x'); DROP TABLE bids; --", '"NULL"', '\\'];
    const back = (await client.query<{ a: string[] }>('SELECT $1::text[] AS a', [pgArrayLiteral(hostile)])).rows[0].a;
    expect(back).toEqual(hostile);
  });
});
