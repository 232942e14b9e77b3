/** Zhejiang's cities (GB/T 2260): the catalogue's region filter covers a city's counties. */
export const ZHEJIANG_CITIES: { code: string; zh: string; en: string }[] = [
  { code: '330100', zh: '杭州市', en: 'Hangzhou' },
  { code: '330200', zh: '宁波市', en: 'Ningbo' },
  { code: '330300', zh: '温州市', en: 'Wenzhou' },
  { code: '330400', zh: '嘉兴市', en: 'Jiaxing' },
  { code: '330500', zh: '湖州市', en: 'Huzhou' },
  { code: '330600', zh: '绍兴市', en: 'Shaoxing' },
  { code: '330700', zh: '金华市', en: 'Jinhua' },
  { code: '330800', zh: '衢州市', en: 'Quzhou' },
  { code: '330900', zh: '舟山市', en: 'Zhoushan' },
  { code: '331000', zh: '台州市', en: 'Taizhou' },
  { code: '331100', zh: '丽水市', en: 'Lishui' },
];
