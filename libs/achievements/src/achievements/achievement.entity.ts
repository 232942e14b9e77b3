import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintTransformer } from '@zjp/database';

export const TECHNICAL_FIELDS = ['internet_plus', 'life_health', 'new_materials', 'other'] as const;
export type TechnicalField = (typeof TECHNICAL_FIELDS)[number];
export type AchievementKind = 'applied' | 'basic';

@Entity({ name: 'achievements' })
export class Achievement {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'holder_id' }) holderId!: string;
  @Column('text') title!: string;
  @Column('text') abstract!: string;
  @Column('text', { name: 'technical_field' }) technicalField!: TechnicalField;
  @Column('text') kind!: AchievementKind;
  @Column('boolean', { name: 'publicly_funded' }) publiclyFunded!: boolean;
  /** A business date (Asia/Shanghai calendar day), kept as 'YYYY-MM-DD'. */
  @Column('date', { name: 'obtained_on' }) obtainedOn!: string;
  @Column('text', { array: true }) keywords!: string[];
  @Column('bigint', { name: 'asking_price_fen', nullable: true, transformer: bigintTransformer }) askingPriceFen!: bigint | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
