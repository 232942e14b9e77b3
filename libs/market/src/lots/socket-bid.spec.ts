import 'reflect-metadata';
import { ValidationError } from '@zjp/core';
import { createValidationPipe } from '@zjp/platform';
import { SocketBidDto } from './lots.dto';
import { parseSocketBid } from './socket-bid';

const LOT = '0193a3f0-7c4e-7a1b-9c2d-3e4f5a6b7c8d';

/** What the class-validator pipe says of a body: the (field, code) pairs, or 'ok'. */
async function byPipe(body: unknown): Promise<string[] | 'ok'> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: SocketBidDto });
    return 'ok';
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.details.map((d) => `${d.field}:${d.code}`).sort();
  }
}

function byParser(body: unknown): string[] | 'ok' {
  try {
    parseSocketBid(body);
    return 'ok';
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.details.map((d) => `${d.field}:${d.code}`).sort();
  }
}

describe('parseSocketBid: the hot-path check of lot.bid agrees with SocketBidDto', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['a plain bid', { lotId: LOT, amountFen: '1000000', idempotencyKey: 'k-0' }],
    ['a bid without a key', { lotId: LOT, amountFen: '1000000' }],
    ['a key with a NUL character', { lotId: LOT, amountFen: '100', idempotencyKey: 'k\u0000' }],
    ['a key with a lone surrogate', { lotId: LOT, amountFen: '100', idempotencyKey: 'k\ud800' }],
    ['an unknown field named with a NUL character', { lotId: LOT, amountFen: '100', idempotencyKey: 'k', ['x\u0000']: 1 }],
    ['a bid with every field', { lotId: LOT, amountFen: '1000000', maxFen: '2000000', idempotencyKey: 'k-1' }],
    ['zero fen', { lotId: LOT, amountFen: '0', idempotencyKey: 'k' }],
    ['the largest fen', { lotId: LOT, amountFen: '9999999999999999', idempotencyKey: 'k' }],
    ['17 digits', { lotId: LOT, amountFen: '10000000000000000' }],
    ['a leading zero', { lotId: LOT, amountFen: '0100' }],
    ['a number, not a string', { lotId: LOT, amountFen: 1000000 }],
    ['a decimal', { lotId: LOT, amountFen: '100.5' }],
    ['a negative amount', { lotId: LOT, amountFen: '-100' }],
    ['a missing amount', { lotId: LOT }],
    ['a missing lot', { amountFen: '100' }],
    ['a lot that is not a UUID', { lotId: 'lot-1', amountFen: '100' }],
    ['a UUID of an unknown version', { lotId: '0193a3f0-7c4e-9a1b-9c2d-3e4f5a6b7c8d', amountFen: '100' }],
    ['an upper-case UUID', { lotId: LOT.toUpperCase(), amountFen: '100' }],
    ['the nil UUID', { lotId: '00000000-0000-0000-0000-000000000000', amountFen: '100' }],
    ['a numeric lot', { lotId: 12, amountFen: '100' }],
    ['a null maximum', { lotId: LOT, amountFen: '100', maxFen: null }],
    ['a bad maximum', { lotId: LOT, amountFen: '100', maxFen: 'lots' }],
    ['an empty key', { lotId: LOT, amountFen: '100', idempotencyKey: '' }],
    ['a numeric key', { lotId: LOT, amountFen: '100', idempotencyKey: 7 }],
    ['a null key', { lotId: LOT, amountFen: '100', idempotencyKey: null }],
    ['a 100-character key', { lotId: LOT, amountFen: '100', idempotencyKey: 'k'.repeat(100) }],
    ['a 101-character key', { lotId: LOT, amountFen: '100', idempotencyKey: 'k'.repeat(101) }],
    ['a key of 100 emoji', { lotId: LOT, amountFen: '100', idempotencyKey: '😀'.repeat(100) }],
    ['a key of 101 emoji', { lotId: LOT, amountFen: '100', idempotencyKey: '😀'.repeat(101) }],
    ['an unknown field', { lotId: LOT, amountFen: '100', organizationId: LOT }],
    ['everything wrong', { lotId: 1, amountFen: 1, maxFen: 1, idempotencyKey: '', extra: true }],
    // what the flat fast path (isFlatAndStorable) hands to inspectInput
    [
      'a prototype key, as JSON.parse makes it',
      JSON.parse(`{"lotId":"${LOT}","amountFen":"100","idempotencyKey":"k","__proto__":{"x":1}}`) as Record<string, unknown>,
    ],
    ['a nested value hiding a NUL', { lotId: LOT, amountFen: { deep: 'x\u0000' }, idempotencyKey: 'k' }],
    ['an array value', { lotId: LOT, amountFen: ['100'], idempotencyKey: 'k' }],
    ['a field named with a lone low surrogate', { lotId: LOT, amountFen: '100', idempotencyKey: 'k', ['\udc00']: 'x' }],
    ['a lone surrogate in the amount', { lotId: LOT, amountFen: '10\ud800', idempotencyKey: 'k' }],
  ];

  it.each(cases)('%s', async (_name, body) => {
    const expected = await byPipe(body);
    expect(byParser(body)).toEqual(expected);
  });

  it('returns the amounts as bigint fen and leaves out what was not sent', () => {
    expect(parseSocketBid({ lotId: LOT, amountFen: '9999999999999999', idempotencyKey: 'k' })).toEqual({
      lotId: LOT,
      amountFen: 9999999999999999n,
      maxFen: undefined,
      idempotencyKey: 'k',
    });
    expect(parseSocketBid({ lotId: LOT, amountFen: '5', maxFen: '7', idempotencyKey: 'a' })).toEqual({
      lotId: LOT,
      amountFen: 5n,
      maxFen: 7n,
      idempotencyKey: 'a',
    });
  });

  it('refuses a payload nested too deep as MALFORMED_JSON, as the pipe does, without overflowing the stack', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i++) deep = [deep];
    const body = { lotId: deep, amountFen: '100', idempotencyKey: 'k' };
    expect(() => parseSocketBid(body)).toThrow(expect.objectContaining({ code: 'MALFORMED_JSON' }));
    await expect(createValidationPipe().transform(body, { type: 'body', metatype: SocketBidDto })).rejects.toMatchObject({ code: 'MALFORMED_JSON' });
  });

  it.each([[null], ['bid'], [[1, 2]], [undefined], [42]])('refuses a body that is not an object (%p) with VALIDATION_FAILED', (body) => {
    expect(() => parseSocketBid(body)).toThrow(ValidationError);
  });
});
