/** Chinese labels of the report's breakdown keys (the PDF, the XLSX and the JSON `label`). */
export const FIELD_LABELS: Record<string, string> = { internet_plus: '互联网+', life_health: '生命健康', new_materials: '新材料', other: '其他' };
export const HOLDER_TYPE_LABELS: Record<string, string> = {
  university: '高校',
  institute: '科研院所',
  enterprise_lab: '企业研发机构',
  '': '无持有方（科研经费等）',
};
export const THEME_LABELS: Record<string, string> = {
  regular: '常规专场',
  yangtze_delta: '长三角拍',
  three_highlands: '三大高地拍',
  corridor: '大走廊拍',
  hightech_zone: '高新区拍',
  other: '其他专场',
  '': '非专场（挂牌、协议）',
};
export const KIND_LABELS = { monthly: '月监测', quarterly: '季分析', annual: '年评价' } as const;
