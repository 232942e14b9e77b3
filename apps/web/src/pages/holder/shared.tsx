import { Button, Space, Tag, Tooltip, Typography, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, errorText } from '../../api/client';
import type { Achievement } from '../../api/types';
import { registerArea } from '../../i18n/area';
import { holderEn } from '../../i18n/holder.en';
import { holderZh } from '../../i18n/holder.zh';

registerArea('holder', holderZh, holderEn);

export interface Doc {
  name: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

async function sha256(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Documents as the API records them (name, type, size, SHA-256 computed here); a Form.Item's value. */
export function DocumentsInput({ value, onChange, testId }: { value?: Doc[]; onChange?: (docs: Doc[]) => void; testId?: string }) {
  const { t } = useTranslation();
  const docs = value ?? [];
  return (
    <div>
      <Space wrap>
        {docs.map((d, i) => (
          <Tag key={`${d.sha256}-${i}`} closable onClose={() => onChange?.(docs.filter((_, j) => j !== i))}>
            {d.name} · {Math.max(1, Math.round(d.sizeBytes / 1024))} KB
          </Tag>
        ))}
        <label className="ant-btn ant-btn-default ant-btn-sm" style={{ cursor: 'pointer' }}>
          {t('holder.docs.add')}
          <input
            type="file"
            multiple
            style={{ display: 'none' }}
            data-testid={testId ?? 'documents-input'}
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              void Promise.all(
                files.map(async (f) => ({
                  name: f.name.slice(0, 200),
                  mediaType: f.type || 'application/octet-stream',
                  sizeBytes: f.size,
                  sha256: await sha256(f),
                })),
              ).then((added) => onChange?.([...docs, ...added]));
            }}
          />
        </label>
      </Space>
      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
        {t('holder.docs.hint')}
      </Typography.Text>
    </div>
  );
}

/** "ipRights[0].number" → ['ipRights', 0, 'number'] */
export function fieldPath(field: string): (string | number)[] {
  return field
    .split(/[.[\]]+/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Shows the API's field errors next to the form's fields; returns the message of an error that names no field of the form. */
export function showFieldErrors(form: FormInstance, err: unknown, known?: (path: (string | number)[]) => boolean): string | null {
  if (!(err instanceof ApiError) || !err.body.details?.length) return errorText(err);
  const fields = (err.body.details ?? []).map((d) => ({ name: fieldPath(d.field), errors: [d.message] }));
  const shown = fields.filter((f) => (known ? known(f.name) : true));
  form.setFields(shown);
  return shown.length === fields.length ? null : errorText(err);
}

/** Today in Beijing, as YYYY-MM-DD. */
export function beijingToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** P-REG: registered on time / late / due in N days / overdue, with the rule in a tooltip. */
export function RegistrationTag({ a }: { a: Achievement }) {
  const { t } = useTranslation();
  const r = a.registration;
  const days = daysBetween(beijingToday(), r.deadline);
  const [color, text] =
    r.status === 'withdrawn'
      ? ['default', t('holder.reg.withdrawn')]
      : r.timeliness === 'on_time'
        ? ['green', t('holder.reg.on_time')]
        : r.timeliness === 'late'
          ? ['orange', t('holder.reg.late')]
          : r.timeliness === 'overdue_unregistered'
            ? ['red', t('holder.reg.overdue', { days: -days })]
            : days === 0
              ? ['volcano', t('holder.reg.dueToday')]
              : [days <= 7 ? 'gold' : 'blue', t('holder.reg.dueIn', { days })];
  return (
    <Tooltip title={t('holder.reg.rule', { deadline: r.deadline })}>
      <Tag color={color} data-testid="registration-tag">
        {text}
      </Tag>
    </Tooltip>
  );
}

export function LinkButton(props: Parameters<typeof Button>[0]) {
  return <Button type="link" size="small" {...props} />;
}
