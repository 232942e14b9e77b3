import { useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Form, Input, InputNumber, Modal, Row, Select, Space, Switch, message } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import type { Achievement } from '../../api/types';
import { fenFromYuan, yuanNumber } from '../../lib/format';
import { checkPatentNumber, PATENT_TYPES, patentTypeMatches } from './patent';
import { type Doc, DocumentsInput, showFieldErrors } from './shared';

const FIELDS = ['internet_plus', 'life_health', 'new_materials', 'other'] as const;
const MATURITIES = ['lab', 'prototype', 'pilot', 'industrialised'] as const;
const IP_TYPES = ['invention_patent', 'utility_model', 'design_patent', 'software_copyright', 'plant_variety', 'ic_layout', 'technical_secret'] as const;
const IP_STATUSES = ['valid', 'lapsed', 'invalidated'] as const;
const IPC = /^[A-H]\d{2}[A-Z](\s?\d{1,4}\/\d{1,6})?$/;

interface RightValues {
  type: (typeof IP_TYPES)[number];
  number?: string;
  grantedOn?: string;
  status?: (typeof IP_STATUSES)[number];
}
interface Values {
  title: string;
  abstract?: string;
  technicalField: (typeof FIELDS)[number];
  ipcClasses?: string[];
  keywords?: string[];
  inventors?: string[];
  kind: 'applied' | 'basic';
  publiclyFunded: boolean;
  obtainedOn: string;
  maturity?: (typeof MATURITIES)[number];
  askingPrice?: number | null;
  attachments?: Doc[];
  ipRights?: RightValues[];
  rightStatus?: Record<string, string>;
  submit?: boolean;
}

/** A patent number as the holder types it: the check character checked at once, the ZL form shown. */
function PatentHint({ type, number }: { type?: string; number?: string }) {
  const { t } = useTranslation();
  if (!type || !PATENT_TYPES.includes(type) || !number) return null;
  const c = checkPatentNumber(number);
  return c.ok ? <span data-testid="patent-normalized">{t('holder.form.normalized', { value: c.normalized })}</span> : null;
}

/** Register (all registry fields, IP rights, documents) or edit an achievement; the API's field errors go next to the fields. */
export function AchievementForm({ editing, open, onClose, onSaved }: { editing: Achievement | null; open: boolean; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rights = Form.useWatch('ipRights', form);

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    if (editing)
      form.setFieldsValue({
        title: editing.title,
        abstract: editing.abstract,
        technicalField: editing.technicalField as Values['technicalField'],
        ipcClasses: editing.ipcClasses,
        keywords: editing.keywords,
        inventors: editing.inventors,
        maturity: editing.maturity as Values['maturity'],
        askingPrice: yuanNumber(editing.askingPriceFen),
        attachments: editing.attachments,
        ipRights: [],
        rightStatus: Object.fromEntries(editing.ipRights.map((r) => [r.id, r.status])),
      });
    else
      form.setFieldsValue({
        kind: 'applied',
        publiclyFunded: true,
        technicalField: 'new_materials',
        maturity: 'lab',
        submit: true,
        ipRights: [{ type: 'invention_patent', status: 'valid' }],
      });
  }, [open, editing, form]);

  const numberRule = (index: number) => ({
    validator: async (_: unknown, value?: string) => {
      const type = form.getFieldValue(['ipRights', index, 'type']) as string | undefined;
      if (!value) {
        if (type && type !== 'technical_secret') throw new Error(t('holder.form.numberRequired'));
        return;
      }
      if (!type || !PATENT_TYPES.includes(type)) return;
      const c = checkPatentNumber(value);
      if (!c.ok && c.code === 'patentNumberFormat') throw new Error(t('holder.form.badNumber'));
      if (!c.ok && c.code === 'patentCheckDigit') throw new Error(t('holder.form.badCheck', { digits: c.digits, expected: c.expected, got: c.got }));
      if (c.ok && !patentTypeMatches(type, c.typeDigit)) throw new Error(t('holder.form.typeMismatch'));
    },
  });

  const save = async (v: Values) => {
    setBusy(true);
    setError(null);
    const priceFen = v.askingPrice === undefined || v.askingPrice === null ? null : fenFromYuan(v.askingPrice);
    const newRights = (v.ipRights ?? []).map((r) => ({
      type: r.type,
      ...(r.number ? { number: r.number.trim() } : {}),
      ...(r.grantedOn ? { grantedOn: r.grantedOn } : {}),
      status: r.status ?? ('valid' as const),
    }));
    try {
      if (!editing) {
        await call(
          api.POST('/achievements', {
            body: {
              title: v.title,
              abstract: v.abstract ?? '',
              technicalField: v.technicalField,
              ipcClasses: v.ipcClasses ?? [],
              keywords: v.keywords ?? [],
              inventors: v.inventors ?? [],
              kind: v.kind,
              publiclyFunded: v.publiclyFunded,
              obtainedOn: v.obtainedOn,
              maturity: v.maturity ?? 'lab',
              ...(priceFen !== null ? { askingPriceFen: priceFen.toString() } : {}),
              attachments: v.attachments ?? [],
              ipRights: newRights,
              submit: v.submit ?? true,
            },
          }),
        );
      } else {
        await call(
          api.PATCH('/achievements/{id}', {
            params: { path: { id: editing.id } },
            body: {
              title: v.title,
              abstract: v.abstract ?? '',
              technicalField: v.technicalField,
              ipcClasses: v.ipcClasses ?? [],
              keywords: v.keywords ?? [],
              inventors: v.inventors ?? [],
              maturity: v.maturity,
              askingPriceFen: priceFen === null ? null : priceFen.toString(),
              attachments: v.attachments ?? [],
            },
          }),
        );
        for (const r of editing.ipRights) {
          const status = v.rightStatus?.[r.id];
          if (status && status !== r.status)
            await call(api.PATCH('/ip-rights/{id}', { params: { path: { id: r.id } }, body: { status: status as (typeof IP_STATUSES)[number] } }));
        }
        for (const [i, r] of newRights.entries()) {
          try {
            await call(api.POST('/achievements/{id}/ip-rights', { params: { path: { id: editing.id } }, body: r }));
          } catch (err) {
            // the API names the right's own fields (number, grantedOn): put them on row i
            if (err instanceof Error && 'body' in err) {
              const e = err as unknown as { body: { details?: { field: string; message: string }[] } };
              if (e.body.details?.length) {
                form.setFields(e.body.details.map((d) => ({ name: ['ipRights', i, d.field.replace(/^.*\./, '')] as never, errors: [d.message] })));
                throw new Error('shown', { cause: err });
              }
            }
            throw err;
          }
        }
      }
      void message.success(editing ? t('holder.form.saved') : v.submit === false ? t('holder.form.saved') : t('holder.form.registered'));
      onSaved();
    } catch (err) {
      if (err instanceof Error && err.message === 'shown') setError(null);
      else setError(showFieldErrors(form, err));
    } finally {
      setBusy(false);
    }
  };

  const isNew = !editing;
  return (
    <Modal
      open={open}
      title={isNew ? t('holder.form.titleNew') : t('holder.form.titleEdit')}
      width={860}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="c" onClick={onClose}>
          {t('holder.common.cancel')}
        </Button>,
        <Button key="s" type="primary" loading={busy} onClick={() => form.submit()} data-testid="achievement-save">
          {t('holder.common.save')}
        </Button>,
      ]}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="form-error" />}
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)} data-testid="achievement-form">
        <Form.Item name="title" label={t('holder.form.title')} rules={[{ required: true, message: t('holder.form.required') }, { max: 300 }]}>
          <Input data-testid="f-title" />
        </Form.Item>
        <Form.Item name="abstract" label={t('holder.form.abstract')} rules={[{ max: 5000 }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="technicalField" label={t('holder.form.technicalField')} rules={[{ required: true }]}>
              <Select options={FIELDS.map((f) => ({ value: f, label: t(`enums.field.${f}`) }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="maturity" label={t('holder.form.maturity')}>
              <Select options={MATURITIES.map((m) => ({ value: m, label: t(`enums.maturity.${m}`) }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="askingPrice"
              label={t('holder.form.askingPrice')}
              rules={[
                {
                  validator: async (_, v) =>
                    v === null || v === undefined || fenFromYuan(v) !== null ? undefined : Promise.reject(new Error(t('holder.form.badPrice'))),
                },
              ]}
            >
              <InputNumber min={0} precision={2} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        {isNew && (
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item name="kind" label={t('holder.form.kind')} rules={[{ required: true }]}>
                <Select options={(['applied', 'basic'] as const).map((k) => ({ value: k, label: t(`holder.form.kinds.${k}`) }))} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="obtainedOn"
                label={t('holder.form.obtainedOn')}
                extra={t('holder.form.obtainedOnHelp')}
                rules={[{ required: true, message: t('holder.form.required') }]}
              >
                <Input type="date" data-testid="f-obtainedOn" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="publiclyFunded" label={t('holder.form.publiclyFunded')} valuePropName="checked" extra={t('holder.form.publiclyFundedHelp')}>
                <Switch />
              </Form.Item>
            </Col>
          </Row>
        )}
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item
              name="ipcClasses"
              label={t('holder.form.ipcClasses')}
              extra={t('holder.form.ipcHelp')}
              rules={[
                {
                  validator: async (_, v?: string[]) => ((v ?? []).every((c) => IPC.test(c)) ? undefined : Promise.reject(new Error(t('holder.form.badIpc')))),
                },
              ]}
            >
              <Select mode="tags" open={false} tokenSeparators={[',', '，']} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="keywords" label={t('holder.form.keywords')}>
              <Select mode="tags" open={false} tokenSeparators={[',', '，']} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="inventors" label={t('holder.form.inventors')}>
              <Select mode="tags" open={false} tokenSeparators={[',', '，', '、']} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="attachments" label={t('holder.form.documents')}>
          <DocumentsInput testId="achievement-documents" />
        </Form.Item>
        <Card size="small" title={t('holder.form.ipRights')} style={{ marginBottom: 12 }}>
          {editing?.ipRights.map((r) => (
            <Row key={r.id} gutter={12} align="middle">
              <Col span={6}>{t(`enums.ipType.${r.type}`)}</Col>
              <Col span={8}>{r.number ?? '—'}</Col>
              <Col span={4}>{r.grantedOn ?? '—'}</Col>
              <Col span={6}>
                <Form.Item name={['rightStatus', r.id]} style={{ marginBottom: 8 }}>
                  <Select size="small" options={IP_STATUSES.map((s) => ({ value: s, label: t(`status.ipRight.${s}`) }))} />
                </Form.Item>
              </Col>
            </Row>
          ))}
          {editing && (
            <div className="muted" style={{ marginBottom: 8 }}>
              {t('holder.form.newRights')}
            </div>
          )}
          <Form.List name="ipRights">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Row key={f.key} gutter={8} align="top">
                    <Col span={5}>
                      <Form.Item name={[f.name, 'type']} label={t('holder.form.ipType')} rules={[{ required: true }]}>
                        <Select
                          options={IP_TYPES.map((x) => ({ value: x, label: t(`enums.ipType.${x}`) }))}
                          onChange={() => void form.validateFields([['ipRights', f.name, 'number']]).catch(() => undefined)}
                        />
                      </Form.Item>
                    </Col>
                    <Col span={9}>
                      <Form.Item
                        name={[f.name, 'number']}
                        label={t('holder.form.number')}
                        validateTrigger={['onChange', 'onBlur']}
                        rules={[numberRule(f.name)]}
                        extra={<PatentHint type={rights?.[f.name]?.type} number={rights?.[f.name]?.number} />}
                        tooltip={t('holder.form.numberHelp')}
                      >
                        <Input placeholder="ZL202310123456.6" data-testid={`f-ip-number-${f.name}`} />
                      </Form.Item>
                    </Col>
                    <Col span={5}>
                      <Form.Item name={[f.name, 'grantedOn']} label={t('holder.form.grantedOn')}>
                        <Input type="date" data-testid={`f-ip-granted-${f.name}`} />
                      </Form.Item>
                    </Col>
                    <Col span={4}>
                      <Form.Item name={[f.name, 'status']} label={t('holder.form.ipStatus')}>
                        <Select options={IP_STATUSES.map((s) => ({ value: s, label: t(`status.ipRight.${s}`) }))} />
                      </Form.Item>
                    </Col>
                    <Col span={1} style={{ paddingTop: 30 }}>
                      <Button size="small" type="text" onClick={() => remove(f.name)}>
                        ✕
                      </Button>
                    </Col>
                  </Row>
                ))}
                <Button size="small" onClick={() => add({ type: 'invention_patent', status: 'valid' })}>
                  {t('holder.form.addIpRight')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
        {isNew && (
          <Form.Item name="submit" valuePropName="checked">
            <Checkbox>{t('holder.form.submit')}</Checkbox>
          </Form.Item>
        )}
        <Space />
      </Form>
    </Modal>
  );
}
