import { bidderPseudonym } from './pseudonym';

describe('bidderPseudonym', () => {
  it.each`
    paddleNumber | expected          | behaviour
    ${1}         | ${'竞买人 01'}    | ${'pads a one-digit paddle number to two digits'}
    ${7}         | ${'竞买人 07'}    | ${'writes paddle 7 as in the live view'}
    ${10}        | ${'竞买人 10'}    | ${'keeps two digits as they are'}
    ${99}        | ${'竞买人 99'}    | ${'keeps the largest two-digit number'}
    ${100}       | ${'竞买人 100'}   | ${'does not truncate three digits'}
    ${12_345}    | ${'竞买人 12345'} | ${'does not truncate long numbers'}
  `('$behaviour', ({ paddleNumber, expected }: { paddleNumber: number; expected: string }) => {
    expect(bidderPseudonym(paddleNumber)).toBe(expected);
  });

  it.each`
    paddleNumber | behaviour
    ${0}         | ${'refuses paddle 0'}
    ${-3}        | ${'refuses a negative paddle number'}
    ${1.5}       | ${'refuses a fractional paddle number'}
    ${NaN}       | ${'refuses NaN'}
  `('$behaviour', ({ paddleNumber }: { paddleNumber: number }) => {
    expect(() => bidderPseudonym(paddleNumber)).toThrow(RangeError);
  });
});
