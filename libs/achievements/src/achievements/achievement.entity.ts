import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintTransformer } from '@zjp/database';

export const TECHNICAL_FIELDS = ['internet_plus', 'life_health', 'new_materials', 'other'] as const;
export type TechnicalField = (typeof TECHNICAL_FIELDS)[number];
export const ACHIEVEMENT_KINDS = ['applied', 'basic'] as const;
export type AchievementKind = (typeof ACHIEVEMENT_KINDS)[number];
export const MATURITIES = ['lab', 'prototype', 'pilot', 'industrialised'] as const;
export type Maturity = (typeof MATURITIES)[number];
export type RegistrationStatus = 'draft' | 'registered' | 'withdrawn';
export const RULE_STATES = ['clear', 'use_first', 'free_license_eligible', 'suspended'] as const;
export type RuleStateName = (typeof RULE_STATES)[number];

export interface AttachmentMeta {
  name: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

@Entity({ name: 'achievements' })
export class Achievement {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'holder_id' }) holderId!: string;
  @Column('text') title!: string;
  @Column('text') abstract!: string;
  @Column('text', { name: 'technical_field' }) technicalField!: TechnicalField;
  @Column('text', { name: 'ipc_classes', array: true }) ipcClasses!: string[];
  @Column('text', { array: true }) keywords!: string[];
  @Column('text') kind!: AchievementKind;
  @Column('boolean', { name: 'publicly_funded' }) publiclyFunded!: boolean;
  /** A business date (Asia/Shanghai calendar day), kept as 'YYYY-MM-DD'. */
  @Column('date', { name: 'obtained_on' }) obtainedOn!: string;
  @Column('text', { array: true }) inventors!: string[];
  @Column('text') maturity!: Maturity;
  @Column('bigint', { name: 'asking_price_fen', nullable: true, transformer: bigintTransformer }) askingPriceFen!: bigint | null;
  @Column('jsonb') attachments!: AttachmentMeta[];
  @Column('text', { name: 'registration_status' }) registrationStatus!: RegistrationStatus;
  @Column('date', { name: 'registered_on', nullable: true }) registeredOn!: string | null;
  @Column('timestamptz', { name: 'withdrawn_at', nullable: true }) withdrawnAt!: Date | null;
  @Column('text', { name: 'rule_state' }) ruleState!: RuleStateName;
  @Column('date', { name: 'rule_state_since', nullable: true }) ruleStateSince!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
