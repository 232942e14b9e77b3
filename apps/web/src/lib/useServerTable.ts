import { useState } from 'react';
import type { TablePaginationConfig } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import i18n from '../i18n';

/** The list shape every paged endpoint answers with. */
export interface ServerPage<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface ServerTableState {
  limit: number;
  offset: number;
  /** the column key sorted on, when the user sorted; the endpoint decides which keys it accepts */
  sort?: string;
  order?: 'asc' | 'desc';
}

/**
 * Paging and sorting of an antd Table done by the server: keep `state` in the query key, pass
 * `query` to the endpoint, and spread `tableProps(page)` on the Table.
 */
export function useServerTable(pageSize = 20) {
  const [state, setState] = useState<ServerTableState>({ limit: pageSize, offset: 0 });
  const query = {
    limit: state.limit,
    offset: state.offset,
    ...(state.sort ? { sort: state.sort, order: state.order } : {}),
  };
  const tableProps = <T>(page: ServerPage<T> | undefined) => ({
    dataSource: page?.items ?? [],
    pagination: {
      current: Math.floor(state.offset / state.limit) + 1,
      pageSize: state.limit,
      total: page?.total ?? 0,
      showSizeChanger: false,
      showTotal: (total: number) => (i18n.language === 'en' ? `${total.toLocaleString('en')} in all` : `共 ${total.toLocaleString('zh-CN')} 条`),
    } satisfies TablePaginationConfig,
    onChange: (pagination: TablePaginationConfig, _filters: unknown, sorter: SorterResult<T> | SorterResult<T>[]) => {
      const one = Array.isArray(sorter) ? sorter[0] : sorter;
      const current = pagination.current ?? 1;
      setState({
        limit: state.limit,
        offset: (current - 1) * state.limit,
        ...(one?.order && one.columnKey ? { sort: String(one.columnKey), order: one.order === 'ascend' ? ('asc' as const) : ('desc' as const) } : {}),
      });
    },
  });
  /** back to the first page, e.g. when a filter changes */
  const reset = () => setState((s) => ({ ...s, offset: 0 }));
  return { state, query, tableProps, reset };
}
