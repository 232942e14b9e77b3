import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { OrganizationType } from '@zjp/platform';

export type HolderCategory = 'university' | 'institute' | 'enterprise_lab';
export type AuthorityLevel = 'province' | 'city' | 'county';

@Entity({ name: 'organizations' })
export class Organization {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  type!: OrganizationType;

  @Column('text')
  name!: string;

  @Column('text', { name: 'credit_code', nullable: true })
  creditCode!: string | null;

  @Column('char', { name: 'region_code', length: 6 })
  regionCode!: string;

  @Column('text', { name: 'holder_category', nullable: true })
  holderCategory!: HolderCategory | null;

  @Column('boolean', { name: 'high_level_platform', default: false })
  highLevelPlatform!: boolean;

  @Column('boolean', { default: false })
  sme!: boolean;

  @Column('text', { name: 'authority_level', nullable: true })
  authorityLevel!: AuthorityLevel | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
