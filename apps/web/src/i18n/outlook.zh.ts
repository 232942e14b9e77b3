/** 补助预算展望 (the subsidy budget outlook): Chinese. */
export const outlookZh = {
  tab: '预算展望',
  title: '补助预算展望',
  intro: '按月展示每项政策从本月到年底的预算占用：已承诺、审核中和预计将产生的补助，累计后与预算比较。',
  policy: '政策',
  open: '预算展望',
  none: '本机构暂无有效的补助政策。',
  asOf: '截至 {{today}}（北京时间），{{year}} 年',
  sentence: {
    within_year: '按当前节奏，预算预计于 {{year}}年{{month}}月 用尽。',
    not_within_year: '按当前节奏，预算在 {{year}} 年内不会用尽，年底预计剩余 {{left}}。',
    already_exhausted: '预算已用尽：已承诺的补助已达到预算。',
  },
  figures: {
    budget: '预算',
    committed: '已承诺',
    pending: '审核中',
    expected: '预计',
    projected: '年底累计',
    remaining: '当前剩余',
    projectedRemaining: '年底预计剩余',
    cumulative: '累计',
    month: '月份',
    budgetLine: '预算线',
  },
  rules: {
    budget: '预算是政策当前版本中填写的补助资金总额。',
    committed: '已承诺 = 已批准、已纳入结算批次和已拨付的申请金额之和（共 {{count}} 笔，其中已拨付 {{paid}}），全部计入本月。',
    pending: '审核中 = 已提交或已初审、尚未决定的申请金额之和（有初审建议金额的按建议金额，共 {{count}} 笔），全部计入本月。',
    expected:
      '预计 = 辖区内履行中的技术合同按付款计划在各月到期的款项，用本政策自己的费率、分档和封顶计算出的新增补助，计入到期月份（逾期未付的计入本月）；其中 {{earned}} 是已付款项已可申请但尚未申请的补助。',
    projected: '年底累计 = 已承诺 + 审核中 + 年内各月预计之和。',
    remaining: '当前剩余 = 预算 − 已承诺。',
    projectedRemaining: '年底预计剩余 = 预算 − 年底累计；为负数时即预计缺口。',
    cumulative: '累计 = 从本月起到该月为止已承诺、审核中与预计之和；第一个达到预算的月份即为预算用尽的月份。',
    contracts: '共读取 {{count}} 份履行中合同的付款计划（来自合同的公开付款计划视图）。',
  },
  preview: {
    title: '预算展望（按本草稿计算）',
    hint: '用草稿中的费率、分档、封顶和预算重新计算全年预计；已承诺和审核中的金额来自本政策已有的申请。',
  },
};
