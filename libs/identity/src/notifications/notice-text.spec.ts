import { beijingTime, yuanText } from './notice-text';

describe('notice text', () => {
  it('writes fen as yuan with separators', () => {
    expect(yuanText(1060000n)).toBe('10,600.00');
    expect(yuanText('5')).toBe('0.05');
    expect(yuanText(123456789012)).toBe('1,234,567,890.12');
    expect(yuanText(-250n)).toBe('-2.50');
  });
  it('writes a moment in Beijing time', () => {
    expect(beijingTime(new Date('2026-12-06T02:30:00Z'))).toBe('2026-12-06 10:30');
    expect(beijingTime(new Date('2026-12-06T20:05:00Z'))).toBe('2026-12-07 04:05');
  });
});
