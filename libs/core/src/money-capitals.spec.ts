import { chineseCapitals } from './money-capitals';

describe('chineseCapitals (大写金额)', () => {
  it.each([
    [0n, '零元整'],
    [100n, '壹元整'],
    [1000n, '壹拾元整'],
    [120_000_000n, '壹佰贰拾万元整'],
    [168_032n, '壹仟陆佰捌拾元叁角贰分'],
    [32_504n, '叁佰贰拾伍元零肆分'],
    [10_700_053n, '壹拾万柒仟元伍角叁分'],
    [10_000_500n, '壹拾万零伍元整'],
    [10_000_000_100n, '壹亿零壹元整'],
    [100_000_000_000n, '壹拾亿元整'],
    [140_950n, '壹仟肆佰零玖元伍角'],
    [5n, '伍分'],
    [50n, '伍角'],
    [1_000_010_000n, '壹仟万零壹佰元整'],
    [-150n, '负壹元伍角'],
  ])('%s fen → %s', (fen, expected) => {
    expect(chineseCapitals(fen)).toBe(expected);
  });

  it('accepts the decimal strings the API carries', () => {
    expect(chineseCapitals('250000000')).toBe('贰佰伍拾万元整');
  });
});
