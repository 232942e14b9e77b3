/** 资产评估 (P-PRICE): the appraisal report shown beside a price — shared by the public pages and the holder desk. */
export const appraisalZh = {
  label: '资产评估',
  value: '评估价值',
  appraiser: '评估机构',
  appraisedOn: '评估基准日',
  document: '评估报告',
  ratio: '标价为评估价值的 {{percent}}%',
  rule: 'P-PRICE：价格可由协议定价、挂牌、拍卖或资产评估形成。评估价值仅供参考，成交价以挂牌或竞价结果为准；报告的 SHA-256 可用于核对报告原件。',
  none: '未提供资产评估报告',
};
