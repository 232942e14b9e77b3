import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const IP_RIGHT_TYPES = [
  'invention_patent',
  'utility_model',
  'design_patent',
  'software_copyright',
  'plant_variety',
  'ic_layout',
  'technical_secret',
] as const;
export type IpRightType = (typeof IP_RIGHT_TYPES)[number];
export const IP_RIGHT_STATUSES = ['valid', 'lapsed', 'invalidated'] as const;
export type IpRightStatus = (typeof IP_RIGHT_STATUSES)[number];

@Entity({ name: 'ip_rights' })
export class IpRight {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'achievement_id' }) achievementId!: string;
  @Column('text') type!: IpRightType;
  @Column('text', { nullable: true }) number!: string | null;
  @Column('date', { name: 'granted_on', nullable: true }) grantedOn!: string | null;
  @Column('text') status!: IpRightStatus;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
