import { registerArea } from '../../../i18n/area';
import { authorityEn } from '../../../i18n/authority.en';
import { authorityZh } from '../../../i18n/authority.zh';
import { outlookEn } from '../../../i18n/outlook.en';
import { outlookZh } from '../../../i18n/outlook.zh';

registerArea('authority', authorityZh, authorityEn);
registerArea('outlook', outlookZh, outlookEn);

/** Moves the decimal point of a non-negative decimal string `places` to the left: ("1234.5", 2) → "12.345". */
export function shiftLeft(value: string, places: number): string {
  const negative = value.startsWith('-');
  const [whole, fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const digits = (whole + fraction).padStart(whole.length + places + 1, '0');
  const point = digits.length - fraction.length - places;
  const int = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const frac = digits.slice(point).replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Moves the decimal point to the right: ("0.125", 2) → "12.5". */
export function shiftRight(value: string, places: number): string {
  const [whole, fraction = ''] = value.split('.');
  const padded = fraction.padEnd(places, '0');
  const int = (whole + padded.slice(0, places)).replace(/^0+(?=\d)/, '');
  const frac = padded.slice(places).replace(/0+$/, '');
  return `${int}${frac ? `.${frac}` : ''}`;
}

const grouping = new Intl.NumberFormat('en-US');

/** An exact amount of fen (possibly with a decimal fraction, as the engine writes it) in 元 with separators. */
export function exactYuan(fen: string | null | undefined, unit: string): string {
  if (fen === null || fen === undefined) return '—';
  const yuan = shiftLeft(fen, 2);
  const [whole, fraction] = yuan.replace('-', '').split('.');
  return `${yuan.startsWith('-') ? '-' : ''}${grouping.format(BigInt(whole))}${fraction ? `.${fraction}` : ''} ${unit}`;
}

/** A rate as the API writes it ("0.1", "5%") in percent for a person: "10%". */
export function percent(rate: string): string {
  return rate.endsWith('%') ? rate : `${shiftRight(rate, 2)}%`;
}

/** "rate.tiers[0].fromFen" → ['rate', 'tiers', 0, 'fromFen'] (an antd Form name path). */
export function namePath(field: string): (string | number)[] {
  return field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}
