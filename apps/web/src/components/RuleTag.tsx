import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const COLORS: Record<string, string> = { clear: 'default', use_first: 'orange', free_license_eligible: 'green', suspended: 'blue' };

/** The P-2Y / P-3Y state of an achievement, with the rule behind it in one sentence. */
export function RuleTag({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLORS[state] ?? 'default'} title={t(`status.ruleExplain.${state}`)}>
      {t(`status.rule.${state}`)}
    </Tag>
  );
}
