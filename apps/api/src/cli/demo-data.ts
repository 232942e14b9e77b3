import type { CreateOrganizationDto } from '@zjp/identity';
import type { Role } from '@zjp/platform';
import type { PolicyDocument } from '@zjp/subsidies';

/** Every demo account uses this password (documented in the README). */
export const DEMO_PASSWORD = 'Demo-2026!';

export interface DemoOrganization extends CreateOrganizationDto {
  key: string;
}

export const DEMO_ORGANIZATIONS: DemoOrganization[] = [
  { key: 'operator', type: 'authority', name: '浙江省技术市场（浙江拍运营中心）', regionCode: '330000', authorityLevel: 'province' },
  { key: 'province', type: 'authority', name: '浙江省科学技术厅', regionCode: '330000', authorityLevel: 'province' },
  { key: 'shaoxing', type: 'authority', name: '绍兴市科学技术局', regionCode: '330600', authorityLevel: 'city' },
  { key: 'keqiao', type: 'authority', name: '绍兴市柯桥区科学技术局', regionCode: '330603', authorityLevel: 'county' },
  { key: 'zju', type: 'holder', name: '浙江大学', regionCode: '330106', holderCategory: 'university', highLevelPlatform: true },
  { key: 'zhejianglab', type: 'holder', name: '之江实验室', regionCode: '330110', holderCategory: 'institute', highLevelPlatform: true },
  { key: 'nimte', type: 'holder', name: '中国科学院宁波材料技术与工程研究所', regionCode: '330211', holderCategory: 'institute', highLevelPlatform: true },
  { key: 'zjut', type: 'holder', name: '浙江工业大学', regionCode: '330105', holderCategory: 'university', highLevelPlatform: false },
  { key: 'lab', type: 'holder', name: '浙江某集团中央研究院', regionCode: '330108', holderCategory: 'enterprise_lab', highLevelPlatform: false },
  { key: 'textile', type: 'enterprise', name: '绍兴柯桥示范纺织科技有限公司', regionCode: '330603', sme: true },
  { key: 'biotech', type: 'enterprise', name: '杭州示范生物医药有限公司', regionCode: '330106', sme: true },
  { key: 'materials', type: 'enterprise', name: '宁波示范新材料股份有限公司', regionCode: '330212', sme: false },
  { key: 'broker', type: 'broker', name: '浙江示范技术经纪有限公司', regionCode: '330100' },
];

export interface DemoUser {
  org: string;
  email: string;
  displayName: string;
  roles: Role[];
}

/** One account per role, plus the other authorities' administrators. */
export const DEMO_USERS: DemoUser[] = [
  { org: 'operator', email: 'admin@zjp.example', displayName: '平台管理员', roles: ['platform_admin'] },
  { org: 'province', email: 'province@kjt.example', displayName: '省科技厅管理员', roles: ['authority_admin'] },
  { org: 'shaoxing', email: 'city@shaoxing.example', displayName: '绍兴市科技局管理员', roles: ['authority_admin'] },
  { org: 'keqiao', email: 'county@keqiao.example', displayName: '柯桥区科技局管理员', roles: ['authority_admin'] },
  { org: 'zju', email: 'holder-admin@zju.example', displayName: '浙大成果管理员', roles: ['holder_admin'] },
  { org: 'zju', email: 'holder-member@zju.example', displayName: '浙大科研人员', roles: ['holder_member'] },
  { org: 'zhejianglab', email: 'holder-admin@zhejianglab.example', displayName: '之江实验室成果管理员', roles: ['holder_admin'] },
  { org: 'textile', email: 'enterprise-admin@textile.example', displayName: '纺织公司总经理', roles: ['enterprise_admin'] },
  { org: 'textile', email: 'enterprise-member@textile.example', displayName: '纺织公司竞买专员', roles: ['enterprise_member'] },
  { org: 'biotech', email: 'enterprise-admin@biotech.example', displayName: '生物医药公司总经理', roles: ['enterprise_admin'] },
  { org: 'materials', email: 'enterprise-admin@materials.example', displayName: '新材料公司总经理', roles: ['enterprise_admin'] },
  { org: 'broker', email: 'broker@broker.example', displayName: '技术经纪人', roles: ['broker'] },
];

export interface DemoAchievement {
  holder: string;
  title: string;
  abstract: string;
  technicalField: 'internet_plus' | 'life_health' | 'new_materials' | 'other';
  kind: 'applied' | 'basic';
  publiclyFunded: boolean;
  obtainedOn: string;
  keywords: string[];
  askingPriceFen: bigint | null;
  ipcClasses: string[];
  /** 12 application digits (the 5th is the patent type) and the grant date; the check digit is computed. */
  patents: { digits: string; grantedOn: string }[];
}

export const DEMO_ACHIEVEMENTS: DemoAchievement[] = [
  {
    holder: 'nimte',
    title: '一种石墨烯复合材料的制备方法',
    abstract: '以氧化石墨烯为前驱体，经原位还原制备高导热石墨烯/聚合物复合材料，适用于电子器件散热。',
    technicalField: 'new_materials',
    kind: 'applied',
    publiclyFunded: true,
    obtainedOn: '2023-05-10',
    keywords: ['石墨烯', '复合材料', '导热'],
    askingPriceFen: 150_000_000n,
    ipcClasses: ['C01B 32/184'],
    patents: [{ digits: '202110000011', grantedOn: '2023-05-10' }],
  },
  {
    holder: 'zju',
    title: '基于深度学习的纺织品瑕疵在线检测系统',
    abstract: '面向织造产线的视觉检测系统，瑕疵识别准确率超过98%，可与现有织机联动停机。',
    technicalField: 'internet_plus',
    kind: 'applied',
    publiclyFunded: true,
    obtainedOn: '2024-02-29',
    keywords: ['深度学习', '纺织', '机器视觉'],
    askingPriceFen: 80_000_000n,
    ipcClasses: ['G06T 7/00'],
    patents: [{ digits: '202210000021', grantedOn: '2024-02-29' }],
  },
  {
    holder: 'zju',
    title: '一种重组蛋白疫苗佐剂及其应用',
    abstract: '新型铝盐-皂苷复合佐剂，显著提升重组蛋白疫苗的体液免疫应答。',
    technicalField: 'life_health',
    kind: 'applied',
    publiclyFunded: true,
    obtainedOn: '2022-11-01',
    keywords: ['疫苗', '佐剂', '重组蛋白'],
    askingPriceFen: null,
    ipcClasses: ['A61K 39/39'],
    patents: [
      { digits: '202010000031', grantedOn: '2022-11-01' },
      { digits: '202120000041', grantedOn: '2023-03-15' },
    ],
  },
  {
    holder: 'zhejianglab',
    title: '存算一体芯片架构的基础理论研究',
    abstract: '研究存内计算阵列的误差模型与可扩展架构，为后续芯片设计提供理论基础。',
    technicalField: 'internet_plus',
    kind: 'basic',
    publiclyFunded: true,
    obtainedOn: '2025-06-18',
    keywords: ['芯片', '存算一体'],
    askingPriceFen: null,
    ipcClasses: ['G06N 3/063'],
    patents: [],
  },
  {
    holder: 'zjut',
    title: '高镍三元锂电池正极材料表面包覆技术',
    abstract: '通过原子层沉积包覆改善高镍正极循环稳定性，容量保持率提升15%。',
    technicalField: 'new_materials',
    kind: 'applied',
    publiclyFunded: false,
    obtainedOn: '2024-09-30',
    keywords: ['电池', '正极材料', '包覆'],
    askingPriceFen: 45_000_000n,
    ipcClasses: ['H01M 4/36'],
    patents: [{ digits: '202310000051', grantedOn: '2025-01-20' }],
  },
  // Auctioned in the demo market (see demo-market.ts): registered on time in 2025, applied, with one invention patent each.
  ...[
    [
      'nimte',
      '高性能碳纤维复合材料低成本快速成型工艺',
      '采用快速固化环氧体系与高压树脂传递模塑，成型周期缩短至 5 分钟，适用于新能源汽车轻量化部件。',
      'new_materials',
      ['碳纤维', '复合材料', '轻量化'],
      'B29C 70/48',
      '202510000061',
      120_000_000n,
    ],
    [
      'zjut',
      '工业机器人视觉引导精密装配系统',
      '基于双目结构光与力位混合控制，实现 0.02 mm 级精密装配，已在电机产线中试验证。',
      'internet_plus',
      ['工业机器人', '机器视觉', '精密装配'],
      'B25J 9/16',
      '202510000071',
      60_000_000n,
    ],
    [
      'zju',
      '可降解镁合金心血管支架及其表面改性方法',
      '通过微弧氧化与载药涂层控制镁合金支架降解速率，6 个月内保持径向支撑力。',
      'life_health',
      ['镁合金', '可降解支架', '表面改性'],
      'A61L 31/02',
      '202510000081',
      200_000_000n,
    ],
    [
      'lab',
      '锂电池隔膜涂覆用高纯纳米氧化铝浆料',
      '以醇盐水解法制备 99.99% 纳米氧化铝并配制水性浆料，提升隔膜耐热收缩性能。',
      'new_materials',
      ['锂电池', '隔膜', '纳米氧化铝'],
      'H01M 50/449',
      '202510000091',
      35_000_000n,
    ],
    [
      'zju',
      '单克隆抗体连续流纯化工艺',
      '多柱连续层析与在线病毒灭活串联，抗体收率提升 15%，树脂用量减少 60%。',
      'life_health',
      ['单克隆抗体', '连续流', '纯化'],
      'C07K 1/22',
      '202510000101',
      150_000_000n,
    ],
    [
      'zhejianglab',
      '工业互联网边缘计算安全网关',
      '面向工厂现场的轻量级可信执行环境与协议深度解析，支持 Modbus、OPC UA 等 20 余种工业协议。',
      'internet_plus',
      ['工业互联网', '边缘计算', '网络安全'],
      'H04L 9/40',
      '202510000111',
      80_000_000n,
    ],
    [
      'zjut',
      '印染废水高效生物脱色菌剂及其制备方法',
      '筛选复合脱色菌群并固定化，对活性染料废水脱色率达 95% 以上，适用于柯桥印染集聚区。',
      'other',
      ['印染废水', '生物脱色', '菌剂'],
      'C02F 3/34',
      '202510000121',
      30_000_000n,
    ],
    [
      'nimte',
      '钕铁硼永磁体晶界扩散重稀土减量技术',
      '以低熔点合金为扩散源，重稀土用量降低 50%，矫顽力提升 8 kOe。',
      'new_materials',
      ['稀土永磁', '晶界扩散', '钕铁硼'],
      'H01F 41/02',
      '202510000131',
      180_000_000n,
    ],
    [
      'zju',
      '织物智能配色与数码印花色彩管理系统',
      '基于光谱测量与深度学习的配色模型，一次配色成功率 92%，已适配主流数码印花机。',
      'internet_plus',
      ['智能配色', '数码印花', '色彩管理'],
      'G06T 7/90',
      '202510000141',
      50_000_000n,
    ],
    [
      'zjut',
      '高效低噪永磁同步电机电磁优化设计',
      '多目标拓扑优化定转子结构，效率提升 2 个百分点，噪声降低 6 dB。',
      'other',
      ['永磁同步电机', '电磁设计', '降噪'],
      'H02K 1/27',
      '202510000151',
      40_000_000n,
    ],
    [
      'nimte',
      '海洋工程用耐蚀合金防护涂层',
      '超音速火焰喷涂制备非晶合金涂层，盐雾试验 5000 小时无锈蚀。',
      'new_materials',
      ['海洋工程', '耐蚀涂层', '非晶合金'],
      'C23C 4/06',
      '202510000161',
      90_000_000n,
    ],
  ].map(([holder, title, abstract, technicalField, keywords, ipc, digits, askingPriceFen], i): DemoAchievement => ({
    holder: holder as string,
    title: title as string,
    abstract: abstract as string,
    technicalField: technicalField as DemoAchievement['technicalField'],
    kind: 'applied',
    publiclyFunded: true,
    obtainedOn: `2025-${String(3 + (i % 9)).padStart(2, '0')}-15`,
    keywords: keywords as string[],
    askingPriceFen: askingPriceFen as bigint,
    ipcClasses: [ipc as string],
    patents: [{ digits: digits as string, grantedOn: `2025-${String(3 + (i % 9)).padStart(2, '0')}-15` }],
  })),
];

/** Subsidy policies (P-SUB, P-DON) of the demo authorities; documents as the API takes them. */
export const DEMO_SUBSIDY_POLICIES: { authority: string; document: PolicyDocument }[] = [
  {
    authority: 'keqiao',
    document: {
      kind: 'contract',
      name: '柯桥区承接高能级科创平台科技成果转化补助',
      documentNumber: '柯科〔2026〕12号',
      effectiveFrom: '2026-01-01',
      effectiveTo: '2028-12-31',
      eligibility: {
        sellerCategory: 'high_level_platform',
        contractTypes: ['transfer', 'license', 'equity'],
        registration: { withinDaysOfSigning: 30 },
        throughPlatform: 'any',
        buyerMustBeSme: false,
      },
      base: 'actual_paid',
      rate: {
        kind: 'progressive',
        tiers: [
          { fromFen: '0', rate: '0.1' },
          { fromFen: '100000000', rate: '0.05' },
        ],
      },
      caps: { perContractFen: '50000000', perEnterprisePerYearFen: '100000000' },
      budgetFen: '2000000000',
      stacking: 'exclusive',
    },
  },
  {
    authority: 'shaoxing',
    document: {
      kind: 'contract',
      name: '绍兴市网上技术市场成交项目补助',
      documentNumber: '绍市科〔2026〕8号',
      effectiveFrom: '2026-01-01',
      effectiveTo: '2027-12-31',
      eligibility: {
        sellerCategory: 'university_or_institute',
        contractTypes: ['transfer', 'license'],
        registration: { required: true },
        throughPlatform: 'required',
        minContractValueFen: '10000000',
      },
      base: 'actual_paid',
      rate: {
        kind: 'banded',
        tiers: [
          { fromFen: '0', rate: '0.03' },
          { fromFen: '50000000', rate: '0.05' },
        ],
      },
      caps: { perContractFen: '30000000' },
      budgetFen: '5000000000',
      stacking: 'combinable',
    },
  },
  {
    authority: 'province',
    document: {
      kind: 'research_funding',
      name: '企业投入高能级科创平台基础研究省级补助',
      documentNumber: '浙科发〔2026〕5号',
      effectiveFrom: '2026-01-01',
      effectiveTo: null,
      base: 'research_funding',
      rate: { kind: 'single', rate: '0.1' },
      caps: { perEnterprisePerYearFen: '1000000000' },
      budgetFen: '20000000000',
      stacking: 'combinable',
    },
  },
];

/** Sessions and lots by achievement title (see DEMO_ACHIEVEMENTS). */
export const DEMO_LIVE_SESSION = {
  name: '长三角拍·新材料与智能制造专场',
  theme: 'yangtze_delta',
  lots: [
    '高性能碳纤维复合材料低成本快速成型工艺',
    '工业机器人视觉引导精密装配系统',
    '可降解镁合金心血管支架及其表面改性方法',
    '锂电池隔膜涂覆用高纯纳米氧化铝浆料',
  ],
} as const;
export const DEMO_TOMORROW_SESSION = {
  name: '三大高地拍·生命健康与数字经济专场',
  theme: 'three_highlands',
  lots: ['单克隆抗体连续流纯化工艺', '工业互联网边缘计算安全网关'],
} as const;
export const DEMO_NEXT_WEEK_SESSION = {
  name: '大走廊拍·绿色制造专场',
  theme: 'corridor',
  lots: ['印染废水高效生物脱色菌剂及其制备方法', '钕铁硼永磁体晶界扩散重稀土减量技术'],
} as const;
export const DEMO_CLOSING_SESSION = {
  name: '高新区拍·首发专场',
  theme: 'hightech_zone',
  /** sold to the textile enterprise (its contract awaits its signature), sold to the materials enterprise, unsold (reserve not met) */
  lots: ['织物智能配色与数码印花色彩管理系统', '高效低噪永磁同步电机电磁优化设计', '海洋工程用耐蚀合金防护涂层'],
} as const;

/** Fixed-price listings (挂牌) the demo lists, in their public notice. */
export const DEMO_FIXED_PRICE_LISTINGS: { title: string; dealType: 'transfer' | 'license'; licenseType?: 'ordinary'; priceYuan: number }[] = [
  { title: '高镍三元锂电池正极材料表面包覆技术', dealType: 'transfer', priceYuan: 450_000 },
  { title: '存算一体芯片架构的基础理论研究', dealType: 'license', licenseType: 'ordinary', priceYuan: 300_000 },
];
