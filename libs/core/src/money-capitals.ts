/*
 * An amount in Chinese capital numerals (大写金额), as contracts, invoices and bank forms write it
 * beside the figures, following the People's Bank of China's rules for filling in instruments
 * (《正确填写票据和结算凭证的基本规定》): 壹贰叁…, 拾佰仟万亿 units, one 零 for a run of zeros
 * inside the number, 整 after 元 when there are no 角 or 分, 零 between 元 and 分 when 角 is zero.
 */

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const UNITS = ['', '拾', '佰', '仟'];
const GROUPS = ['', '万', '亿', '万亿'];

/** One group of up to four digits (0 < n < 10000), with 零 for its inner zeros but none leading or trailing. */
function group(n: number): string {
  let out = '';
  let zero = false;
  for (let i = 3; i >= 0; i--) {
    const d = Math.floor(n / 10 ** i) % 10;
    if (d === 0) {
      if (out) zero = true;
      continue;
    }
    if (zero) out += '零';
    out += DIGITS[d] + UNITS[i];
    zero = false;
  }
  return out;
}

/** The whole-yuan part in capitals, without 元 (empty for 0). */
function yuanPart(yuan: bigint): string {
  const groups: number[] = [];
  for (let rest = yuan; rest > 0n; rest /= 10000n) groups.push(Number(rest % 10000n));
  if (groups.length > GROUPS.length) throw new RangeError('amount too large for Chinese capitals');
  let out = '';
  let pendingZero = false;
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i];
    if (g === 0) {
      if (out) pendingZero = true;
      continue;
    }
    if (out && (pendingZero || g < 1000)) out += '零';
    out += group(g) + GROUPS[i];
    pendingZero = false;
  }
  return out;
}

/**
 * `fen` (integer fen) in Chinese capitals: 120000000n → 壹佰贰拾万元整, 168032n → 壹仟陆佰捌拾元叁角贰分,
 * 32504n → 叁佰贰拾伍元零肆分, 0n → 零元整. Negative amounts are prefixed with 负.
 */
export function chineseCapitals(fen: bigint | string | number): string {
  const value = BigInt(fen);
  if (value < 0n) return `负${chineseCapitals(-value)}`;
  const yuan = value / 100n;
  const jiao = Number((value / 10n) % 10n);
  const cents = Number(value % 10n);
  const whole = yuanPart(yuan);
  if (jiao === 0 && cents === 0) return `${whole || '零'}元整`;
  let out = whole ? `${whole}元` : '';
  if (jiao > 0) out += `${DIGITS[jiao]}角`;
  else if (whole) out += '零';
  if (cents > 0) out += `${DIGITS[cents]}分`;
  return out;
}
