import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { countdown } from '../lib/format';
import { serverNow } from '../lib/live';

/** Time left until `until` by the server's clock (lib/live: measured offset), updated four times a second. */
export function Countdown({ until, onZero }: { until: string; onZero?: () => void }) {
  const { i18n } = useTranslation();
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), 250);
    return () => clearInterval(timer);
  }, []);
  const left = Date.parse(until) - now;
  useEffect(() => {
    if (left <= 0) onZero?.();
  }, [left <= 0]);
  return (
    <span className="countdown" data-testid="countdown" data-ms-left={Math.max(0, left)}>
      {countdown(left, i18n.language === 'en' ? 'd' : '天')}
    </span>
  );
}
