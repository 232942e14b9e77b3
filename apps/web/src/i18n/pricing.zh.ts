/** 初始化定价 (P-PRICE): the price-guidance panel of the holder's listing form. */
export const pricingZh = {
  title: '初始化定价参考',
  range: '建议价格区间',
  point: '参考价',
  use: '采用参考价',
  basedOn: '依据 {{count}} 笔可比成交（有效样本 {{effective}} 笔），{{dealType}}，截至 {{asOf}}',
  method:
    '方法：取同一技术领域、同一交易方式的已成交项目，按 IPC 分类号（大组 1、小类 0.7、大类 0.35、部 0.2）× 知识产权类型（相同 1、不同 0.6）× 成熟度（每差一级递减）计算相似度，相似度不低于 {{minSimilarity}} 的最多 {{max}} 笔为可比成交；各成交价按剩余专利保护期折算（价格 ∝ 剩余年限^{{beta}}），以相似度加权，取对数价格的第 {{low}}–{{high}} 百分位为区间、加权中位数为参考价。',
  insufficient: '可比成交不足',
  insufficientDetail: '只找到 {{count}} 笔可比成交，少于给出区间所需的 {{min}} 笔，因此不给出价格区间。可参考资产评估或以协议定价、拍卖方式发现价格。',
  noComparables: '暂无可比成交',
  backtest:
    '回测（按已知价格模型生成的 2,000 笔历史成交，逐笔留出）：参考价与实际成交价的误差中位数约 28%（模型噪声本身造成约 21%，只用技术领域中位价约 60%）；实际成交价落在区间内约一半（区间为中间 50% 的可比成交）。',
  columns: {
    title: '成果名称',
    concludedOn: '成交日期',
    price: '成交价',
    adjusted: '按剩余期限折算',
    similarity: '相似度',
    ipc: 'IPC 相同层级',
    remaining: '成交时剩余保护期',
  },
  ipcMatch: { main_group: '大组', subclass: '小类', class: '大类', section: '部', none: '无' },
  years: '{{years}} 年',
  noTerm: '无期限',
  subjectTerm: '本成果剩余保护期：{{years}}',
  pickAchievement: '选择成果后显示依据可比成交的价格参考。',
};
