import { useEffect, useState } from 'react';
import { Alert, Button, Card, Empty, Progress, Space, Table, Tag, Tooltip, Typography, Upload, message } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call, errorText } from '../../api/client';
import type { components } from '../../api/schema';
import { RuleTag } from '../../components/RuleTag';
import { beijingDateTime } from '../../lib/format';
import { useServerTable } from '../../lib/useServerTable';
import { beijingToday } from './shared';
import './holder.css';

type ImportView = components['schemas']['RegistryImportViewDto'];
type ImportItem = components['schemas']['RegistryImportListItemDto'];
type CellError = components['schemas']['CellErrorDto'];
type Imported = components['schemas']['ImportedAchievementDto'];
const BUSY = ['validating', 'committing'];
const STATUS_COLORS: Record<string, string> = {
  validating: 'processing',
  invalid: 'error',
  validated: 'success',
  committing: 'processing',
  committed: 'success',
  failed: 'error',
};

/** Reads a CSV in the browser (quotes, doubled quotes, CR LF) so that the report can show the bad cells with what they held. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Importing the existing registry: template, upload, the dry-run report row by row, fix and upload again, commit with progress, the result. */
export function ImportTab({ canImport }: { canImport: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [sheet, setSheet] = useState<string[][] | null>(null);
  const [uploading, setUploading] = useState(false);
  const history = useServerTable(5);
  const list = useQuery({
    queryKey: ['registry-imports', history.query],
    queryFn: () => call(api.GET('/registry-imports', { params: { query: history.query } })),
  });
  const current = useQuery({
    queryKey: ['registry-import', currentId],
    enabled: !!currentId,
    queryFn: () => call(api.GET('/registry-imports/{id}', { params: { path: { id: currentId! } } })),
    refetchInterval: (q) => (q.state.data && BUSY.includes(q.state.data.status) ? 400 : false),
  });

  const download = async (format: 'xlsx' | 'csv') => {
    try {
      const blob = await call(api.GET('/registry-imports/template', { params: { query: { format } }, parseAs: 'blob' }));
      const url = URL.createObjectURL(blob as unknown as Blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `成果登记导入模板.${format}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      void message.error(errorText(err));
    }
  };

  const upload = async (file: File) => {
    setUploading(true);
    try {
      setSheet(/\.csv$/i.test(file.name) ? parseCsv(await file.text()) : null);
      const form = new FormData();
      form.append('file', file, file.name);
      const created = await call(api.POST('/registry-imports', { body: { file: '' } as never, bodySerializer: () => form }));
      setCurrentId((created as { id: string }).id);
      void qc.invalidateQueries({ queryKey: ['registry-imports'] });
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setUploading(false);
    }
  };

  const commit = async () => {
    try {
      await call(api.POST('/registry-imports/{id}/commit', { params: { path: { id: currentId! } } }));
      await current.refetch();
      void qc.invalidateQueries({ queryKey: ['registry-imports'] });
    } catch (err) {
      void message.error(errorText(err));
    }
  };

  const view = current.data;
  const shownStatus = view?.status;
  useEffect(() => {
    if (shownStatus) void qc.invalidateQueries({ queryKey: ['registry-imports'] }); // the list follows the import shown
  }, [shownStatus, qc]);
  return (
    <div>
      <Typography.Paragraph type="secondary">{t('holder.import.explain')}</Typography.Paragraph>
      <Space style={{ marginBottom: 16 }} wrap>
        <Button onClick={() => void download('xlsx')}>{t('holder.import.template')} (XLSX)</Button>
        <Button onClick={() => void download('csv')}>{t('holder.import.template')} (CSV)</Button>
        {canImport && (
          <Upload
            accept=".xlsx,.csv"
            showUploadList={false}
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <Button type="primary" loading={uploading} data-testid="import-upload">
              {view?.status === 'invalid' ? t('holder.import.again') : t('holder.import.upload')}
            </Button>
          </Upload>
        )}
      </Space>
      {view && <ImportReport view={view} sheet={sheet} onCommit={() => void commit()} canImport={canImport} />}
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('holder.import.history')}
      </Typography.Title>
      <Table<ImportItem>
        size="small"
        rowKey="id"
        {...history.tableProps(list.data)}
        columns={[
          { title: t('holder.import.file'), dataIndex: 'fileName' },
          { title: t('holder.import.at'), render: (_, i) => beijingDateTime(i.createdAt) },
          { title: t('holder.list.registration'), render: (_, i) => <Tag color={STATUS_COLORS[i.status]}>{t(`holder.import.status.${i.status}`)}</Tag> },
          {
            title: t('holder.import.validOfTotal'),
            render: (_, i) => `${i.rowsValid ?? '—'} / ${i.rowsTotal ?? '—'}`,
          },
          {
            title: '',
            render: (_, i) => (
              <Button
                size="small"
                type="link"
                onClick={() => {
                  setSheet(null);
                  setCurrentId(i.id);
                }}
              >
                {t('holder.import.open')}
              </Button>
            ),
          },
        ]}
      />
    </div>
  );
}

function ImportReport({ view, sheet, onCommit, canImport }: { view: ImportView; sheet: string[][] | null; onCommit: () => void; canImport: boolean }) {
  const { t } = useTranslation();
  const errors = view.report?.errors ?? [];
  const byRow = new Map<number, CellError[]>();
  for (const e of errors) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e]);
  const headers = sheet?.[0] ?? [...new Set(errors.map((e) => e.column))];
  const result = view.result;
  return (
    <Card
      size="small"
      data-testid="import-report"
      title={
        <Space>
          {view.fileName}
          <Tag color={STATUS_COLORS[view.status]} data-testid="import-status" data-status={view.status}>
            {t(`holder.import.status.${view.status}`)}
          </Tag>
          {view.rowsTotal !== null && <span className="muted">{t('holder.import.rows', { total: view.rowsTotal, valid: view.rowsValid ?? 0 })}</span>}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t(`holder.import.statusExplain.${view.status}`)}</Typography.Paragraph>
      {BUSY.includes(view.status) && (
        <Progress
          percent={view.progress?.percent ?? 0}
          status="active"
          data-testid="import-progress"
          format={(p) => `${t(`holder.import.${view.status}`)} ${p}%`}
        />
      )}
      {view.error && <Alert type="error" message={view.error} />}
      {!!view.report?.fileProblems.length && (
        <Alert
          type="error"
          message={t('holder.import.fileProblems')}
          description={view.report.fileProblems.map((p) => (
            <div key={`${p.field}-${p.code}`}>{p.message}</div>
          ))}
          style={{ marginBottom: 12 }}
        />
      )}
      {errors.length > 0 && (
        <>
          <Typography.Text strong>{t('holder.import.errorsTitle', { count: errors.length, rows: byRow.size })}</Typography.Text>
          <div style={{ overflowX: 'auto', marginTop: 8 }}>
            <table className="import-grid" data-testid="import-errors">
              <thead>
                <tr>
                  <th>{t('holder.import.row')}</th>
                  {headers.map((h) => (
                    <th key={h}>{h}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {[...byRow.entries()].map(([row, cells]) => (
                  <tr key={row} data-row={row}>
                    <td>{row}</td>
                    {headers.map((h, col) => {
                      const bad = cells.filter((c) => c.column === h || c.column === h.replace('*', '') || `${c.column}*` === h);
                      const value = sheet?.[row - 1]?.[col] ?? '';
                      return bad.length ? (
                        <td key={h} className="bad" data-testid="bad-cell">
                          <Tooltip title={bad.map((b) => b.message).join('；')}>
                            <div>{value || '（空）'}</div>
                            <div className="reason">{bad.map((b) => b.message).join('；')}</div>
                          </Tooltip>
                        </td>
                      ) : (
                        <td key={h}>{value}</td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {view.status === 'validated' && canImport && (
        <Button type="primary" style={{ marginTop: 12 }} onClick={onCommit} data-testid="import-commit">
          {t('holder.import.commit', { count: view.rowsValid ?? 0 })}
        </Button>
      )}
      {view.status === 'committed' && result && (
        <div data-testid="import-result" style={{ marginTop: 12 }}>
          <Typography.Title level={5}>{t('holder.import.result', { date: beijingToday() })}</Typography.Title>
          <Space wrap style={{ marginBottom: 8 }}>
            <Tag color="green">{t('holder.import.created', { count: result.created })}</Tag>
            {Object.entries(result.byRuleState).map(([state, n]) => (
              <span key={state}>
                <RuleTag state={state} /> {n}
              </span>
            ))}
          </Space>
          {result.achievements.length ? (
            <>
              <div className="muted">{t('holder.import.nowIdle')}</div>
              <Table
                size="small"
                rowKey="id"
                dataSource={result.achievements}
                pagination={{ pageSize: 10, showSizeChanger: false }}
                columns={[
                  { title: t('holder.list.title'), render: (_: unknown, a: Imported) => <Link to={`/achievement/${a.id}`}>{a.title}</Link> },
                  { title: t('holder.list.rule'), render: (_: unknown, a: Imported) => <RuleTag state={a.ruleState} /> },
                ]}
              />
            </>
          ) : (
            <Empty description={t('holder.common.none')} />
          )}
        </div>
      )}
    </Card>
  );
}
