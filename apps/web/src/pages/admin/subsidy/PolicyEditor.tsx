import { useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Divider,
  Drawer,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Switch,
  Typography,
  message,
} from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../../api/client';
import type { components } from '../../../api/schema';
import { fenFromYuan, yuan } from '../../../lib/format';
import { namePath } from './area';
import { Explanation } from './Explanation';
import { OutlookPanel } from './OutlookPanel';
import { fromDocument, newPolicyForm, toDocument, type PolicyDocument, type PolicyForm } from './policyForm';

type Policy = components['schemas']['SubsidyPolicyDto'];
type Organization = components['schemas']['OrganizationDto'];

const SELLERS = ['any', 'university_or_institute', 'high_level_platform', 'out_of_province'] as const;
const CONTRACT_TYPES = ['transfer', 'license', 'equity', 'use_first', 'free_license'] as const;
const THROUGH = ['any', 'required', 'excluded'] as const;
const FUNDING = ['naming', 'donation', 'joint_fund'] as const;
const BASES = ['actual_paid', 'registered_value', 'equity_valuation', 'research_funding'] as const;

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}

const todayInBeijing = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

/**
 * The policy editor: the policy document as a form (money in 元, rates in %), with a live preview
 * beside it computed by the API's engine on the unsaved form. A saved change is a new version.
 */
export function PolicyEditor({
  open,
  policy,
  authority,
  onClose,
  onSaved,
}: {
  open: boolean;
  policy: Policy | null;
  authority: Organization | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PolicyForm>();
  const [draft, setDraft] = useState<PolicyForm | null>(null);
  const [valueYuan, setValueYuan] = useState<string>('2000000');
  const [year, setYear] = useState<number | null>(null);

  useEffect(() => {
    if (!open) return;
    const initial = policy ? fromDocument(policy.document) : newPolicyForm(todayInBeijing());
    form.resetFields();
    form.setFieldsValue(initial);
    setDraft(initial);
  }, [open, policy, form]);

  const debounced = useDebounced(draft, 300);
  const valueFen = fenFromYuan(valueYuan);
  const preview = useQuery({
    queryKey: ['policy-preview', debounced, valueFen?.toString(), year, policy?.id],
    enabled: open && debounced !== null && valueFen !== null,
    retry: false,
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const { changeReason: _omit, ...document } = toDocument(debounced as PolicyForm);
      return call(
        api.POST('/subsidy-policies/preview', {
          body: {
            policy: document as PolicyDocument,
            valueFen: (valueFen as bigint).toString(),
            ...(year ? { year } : {}),
            ...(policy ? { policyId: policy.id } : {}),
          },
        }),
      );
    },
  });

  const save = useMutation({
    mutationFn: async (values: PolicyForm) => {
      const body = toDocument(values);
      return policy ? call(api.PUT('/subsidy-policies/{id}', { params: { path: { id: policy.id } }, body })) : call(api.POST('/subsidy-policies', { body }));
    },
    onSuccess: (saved) => {
      void message.success(t('authority.policy.saved', { version: saved.version }));
      onSaved();
    },
    onError: (err) => {
      if (err instanceof ApiError) {
        if (err.code === 'POLICY_UNCHANGED') {
          void message.info(t('authority.policy.unchanged'));
          return;
        }
        const details = err.body.details ?? [];
        form.setFields(details.map((d) => ({ name: namePath(d.field) as never, errors: [d.message] })));
        void message.error(err.message);
      }
    },
  });

  const kind = Form.useWatch('kind', form);
  const rateKind = Form.useWatch(['rate', 'kind'], form);
  const previewError = preview.error instanceof ApiError ? preview.error : null;
  const issuer = policy?.authority ?? authority;
  const issuerLevel = policy?.authority.level ?? authority?.authorityLevel ?? undefined;

  return (
    <Drawer
      open={open}
      onClose={onClose}
      width={1180}
      title={policy ? `${t('authority.policy.edit')} · ${policy.name}（${t('authority.policy.version')} ${policy.version}）` : t('authority.policy.new')}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('authority.common.cancel')}</Button>
          <Button type="primary" data-testid="policy-save" loading={save.isPending} onClick={() => form.submit()}>
            {t('authority.common.save')}
          </Button>
        </Space>
      }
    >
      <Row gutter={24}>
        <Col xs={24} lg={14}>
          <Form<PolicyForm>
            form={form}
            layout="vertical"
            data-testid="policy-form"
            onValuesChange={() => setDraft(form.getFieldsValue(true) as PolicyForm)}
            onFinish={(values) => save.mutate({ ...(form.getFieldsValue(true) as PolicyForm), ...values })}
          >
            {issuer && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 12 }}
                message={t('authority.policy.issuerHelp', {
                  name: issuer.name,
                  level: issuerLevel ? t(`authority.policy.levels.${issuerLevel}`) : '—',
                  region: issuer.regionCode,
                })}
              />
            )}
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="kind" label={t('authority.policy.kind')} rules={[{ required: true }]}>
                  <Select
                    disabled={!!policy}
                    data-testid="policy-kind"
                    options={(['contract', 'research_funding'] as const).map((k) => ({ value: k, label: t(`authority.policy.kinds.${k}`) }))}
                  />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="documentNumber" label={t('authority.policy.documentNumber')} rules={[{ required: true }]}>
                  <Input data-testid="policy-document-number" placeholder="柯科〔2026〕12号" />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="name" label={t('authority.policy.name')} rules={[{ required: true }]}>
              <Input data-testid="policy-name" placeholder="柯桥区技术交易补助" />
            </Form.Item>
            <Row gutter={12}>
              <Col span={8}>
                <Form.Item name="effectiveFrom" label={t('authority.policy.effectiveFrom')} rules={[{ required: true }]}>
                  <Input type="date" data-testid="policy-from" />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="effectiveTo" label={t('authority.policy.effectiveTo')} extra={t('authority.policy.effectiveToHelp')}>
                  <Input type="date" data-testid="policy-to" />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="budgetFen" label={t('authority.policy.budget')} rules={[{ required: true }]}>
                  <Input data-testid="policy-budget" inputMode="decimal" placeholder="5000000" />
                </Form.Item>
              </Col>
            </Row>

            <Divider titlePlacement="start">{t('authority.policy.eligibility')}</Divider>
            {kind !== 'research_funding' ? (
              <>
                <Row gutter={12}>
                  <Col span={12}>
                    <Form.Item name={['eligibility', 'sellerCategory']} label={t('authority.policy.sellerCategory')}>
                      <Select options={SELLERS.map((s) => ({ value: s, label: t(`authority.policy.sellers.${s}`) }))} />
                    </Form.Item>
                  </Col>
                  <Col span={12}>
                    <Form.Item name={['eligibility', 'throughPlatform']} label={t('authority.policy.throughPlatform')}>
                      <Select options={THROUGH.map((s) => ({ value: s, label: t(`authority.policy.through.${s}`) }))} />
                    </Form.Item>
                  </Col>
                </Row>
                <Form.Item name={['eligibility', 'contractTypes']} label={t('authority.policy.contractTypes')}>
                  <Checkbox.Group options={CONTRACT_TYPES.map((c) => ({ value: c, label: t(`authority.policy.contractKinds.${c}`) }))} />
                </Form.Item>
                <Row gutter={12}>
                  <Col span={8}>
                    <Form.Item name={['eligibility', 'registration', 'required']} label={t('authority.policy.registrationRequired')} valuePropName="checked">
                      <Switch />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item name={['eligibility', 'registration', 'onOrBefore']} label={t('authority.policy.registrationOnOrBefore')}>
                      <Input type="date" />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item name={['eligibility', 'registration', 'withinDaysOfSigning']} label={t('authority.policy.withinDaysOfSigning')}>
                      <InputNumber min={0} max={3660} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                </Row>
                <Form.Item name={['eligibility', 'minContractValueFen']} label={t('authority.policy.minContractValue')}>
                  <Input inputMode="decimal" />
                </Form.Item>
              </>
            ) : (
              <Form.Item name={['eligibility', 'fundingModes']} label={t('authority.policy.fundingModes')}>
                <Checkbox.Group options={FUNDING.map((c) => ({ value: c, label: t(`authority.policy.funding.${c}`) }))} />
              </Form.Item>
            )}
            <Space size="large">
              <Form.Item name={['eligibility', 'buyerMustBeSme']} valuePropName="checked">
                <Checkbox>{t('authority.policy.buyerMustBeSme')}</Checkbox>
              </Form.Item>
              <Form.Item name={['eligibility', 'buyerMustBeHighTech']} valuePropName="checked">
                <Checkbox>{t('authority.policy.buyerMustBeHighTech')}</Checkbox>
              </Form.Item>
            </Space>

            <Divider titlePlacement="start">{t('authority.policy.rateKind')}</Divider>
            <Form.Item name="base" label={t('authority.policy.base')}>
              <Select
                data-testid="policy-base"
                options={BASES.filter((b) => (kind === 'research_funding' ? b === 'research_funding' : b !== 'research_funding')).map((b) => ({
                  value: b,
                  label: t(`authority.policy.bases.${b}`),
                }))}
              />
            </Form.Item>
            <Form.Item name={['rate', 'kind']}>
              <Radio.Group data-testid="rate-kind">
                {(['single', 'progressive', 'banded'] as const).map((k) => (
                  <Radio.Button key={k} value={k} data-testid={`rate-kind-${k}`}>
                    {t(`authority.policy.rateKinds.${k}`)}
                  </Radio.Button>
                ))}
              </Radio.Group>
            </Form.Item>
            {rateKind === 'single' || !rateKind ? (
              <Form.Item name={['rate', 'rate']} label={t('authority.policy.rate')}>
                <Input suffix="%" style={{ width: 160 }} data-testid="rate-single" />
              </Form.Item>
            ) : (
              <Form.List name={['rate', 'tiers']}>
                {(fields, { add, remove }) => (
                  <div data-testid="tiers">
                    {fields.map((field, i) => (
                      <Row gutter={8} key={field.key} align="top" data-testid={`tier-${i}`}>
                        <Col span={5}>
                          <Form.Item name={[field.name, 'fromFen']} label={i === 0 ? t('authority.policy.tierFrom') : undefined}>
                            <Input inputMode="decimal" data-testid={`tier-${i}-from`} />
                          </Form.Item>
                        </Col>
                        <Col span={4}>
                          <Form.Item name={[field.name, 'rate']} label={i === 0 ? t('authority.policy.tierRate') : undefined}>
                            <Input suffix="%" data-testid={`tier-${i}-rate`} />
                          </Form.Item>
                        </Col>
                        <Col span={6}>
                          <Form.Item name={[field.name, 'caps', 'perContractFen']} label={i === 0 ? t('authority.policy.tierCapContract') : undefined}>
                            <Input inputMode="decimal" placeholder={t('authority.common.unlimited')} />
                          </Form.Item>
                        </Col>
                        <Col span={7}>
                          <Form.Item name={[field.name, 'caps', 'perEnterprisePerYearFen']} label={i === 0 ? t('authority.policy.tierCapYear') : undefined}>
                            <Input inputMode="decimal" placeholder={t('authority.common.unlimited')} />
                          </Form.Item>
                        </Col>
                        <Col span={2} style={{ paddingTop: i === 0 ? 30 : 0 }}>
                          <Button
                            type="text"
                            danger
                            onClick={() => {
                              remove(field.name);
                              setDraft(form.getFieldsValue(true) as PolicyForm);
                            }}
                          >
                            ×
                          </Button>
                        </Col>
                      </Row>
                    ))}
                    <Button
                      data-testid="add-tier"
                      onClick={() => {
                        add({ fromFen: fields.length ? '' : '0', rate: '' });
                        setDraft(form.getFieldsValue(true) as PolicyForm);
                      }}
                    >
                      + {t('authority.policy.addTier')}
                    </Button>
                  </div>
                )}
              </Form.List>
            )}

            <Divider titlePlacement="start">{t('authority.policy.caps')}</Divider>
            <Row gutter={12}>
              <Col span={8}>
                <Form.Item name={['caps', 'perContractFen']} label={t('authority.policy.capPerContract')}>
                  <Input inputMode="decimal" placeholder={t('authority.common.unlimited')} data-testid="cap-contract" />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name={['caps', 'perEnterprisePerYearFen']} label={t('authority.policy.capPerEnterprisePerYear')}>
                  <Input inputMode="decimal" placeholder={t('authority.common.unlimited')} />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="stacking" label={t('authority.policy.stacking')}>
                  <Select options={(['combinable', 'exclusive'] as const).map((s) => ({ value: s, label: t(`authority.policy.stackings.${s}`) }))} />
                </Form.Item>
              </Col>
            </Row>
            {policy && (
              <Form.Item name="changeReason" label={t('authority.policy.changeReason')}>
                <Input.TextArea rows={2} />
              </Form.Item>
            )}
          </Form>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('authority.policy.preview')} size="small" data-testid="policy-preview" style={{ position: 'sticky', top: 0 }}>
            <Typography.Paragraph type="secondary">{t('authority.policy.previewHint')}</Typography.Paragraph>
            <Space wrap>
              <span>{t('authority.policy.previewValue')}</span>
              <Input
                data-testid="preview-value"
                value={valueYuan}
                onChange={(e) => setValueYuan(e.target.value)}
                style={{ width: 160 }}
                status={valueFen === null ? 'error' : undefined}
                suffix="元"
              />
              <span>{t('authority.policy.previewYear')}</span>
              <InputNumber data-testid="preview-year" min={2000} max={2999} value={year} onChange={(v) => setYear(v)} placeholder="—" />
            </Space>
            <Divider />
            {previewError ? (
              <Alert
                type="warning"
                data-testid="preview-errors"
                message={t('authority.policy.previewInvalid')}
                description={
                  <ul style={{ margin: 0, paddingLeft: 18 }}>
                    {(previewError.body.details ?? [{ field: '', message: previewError.message }]).map((d, i) => (
                      <li key={i}>
                        {d.field.replace(/^policy\./, '')} {d.message}
                      </li>
                    ))}
                  </ul>
                }
              />
            ) : preview.data ? (
              <Spin spinning={preview.isFetching}>
                <Statistic title={t('authority.policy.previewAmount')} value={yuan(preview.data.amountFen, t('money.yuan'))} data-testid="preview-amount" />
                <Explanation explanation={preview.data.explanation} />
                <Divider />
                <div data-testid="preview-outlook">
                  <Typography.Title level={5}>{t('outlook.preview.title')}</Typography.Title>
                  <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                    {t('outlook.preview.hint')}
                  </Typography.Paragraph>
                  <OutlookPanel outlook={preview.data.outlook} compact />
                </div>
              </Spin>
            ) : (
              <Spin />
            )}
          </Card>
        </Col>
      </Row>
    </Drawer>
  );
}
