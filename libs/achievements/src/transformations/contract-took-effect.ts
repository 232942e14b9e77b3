/** What the contracts context publishes when a contract takes effect. */
export interface ContractTookEffect {
  contractId: string;
  achievementId: string;
  kind: 'transfer' | 'license' | 'equity';
  licenseType?: 'exclusive' | 'sole' | 'ordinary';
  tookEffectOn: string;
}
