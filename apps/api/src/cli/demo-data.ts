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
