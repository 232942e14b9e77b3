import { useTranslation } from 'react-i18next';
import { yuan } from '../lib/format';

/** An amount in fen shown in 元 with thousands separators. */
export function Money({ fen, strong }: { fen: string | bigint | null | undefined; strong?: boolean }) {
  const { t } = useTranslation();
  const text = yuan(fen, t('money.yuan'));
  return strong ? <strong className="money">{text}</strong> : <span className="money">{text}</span>;
}
