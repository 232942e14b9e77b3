import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LocalDate } from '@zjp/core';
import { registrationDeadline, registrationStatus } from '../../domain';
import type { Achievement, AttachmentMeta } from '../achievement.entity';
import { IP_RIGHT_STATUSES, IP_RIGHT_TYPES, type IpRight } from '../ip-right.entity';

export class AttachmentView {
  @ApiProperty() name!: string;
  @ApiProperty() mediaType!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty() sha256!: string;
}

export class IpRightView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: IP_RIGHT_TYPES }) type!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) number!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) grantedOn!: string | null;
  @ApiProperty({ enum: IP_RIGHT_STATUSES }) status!: string;

  static from(r: IpRight): IpRightView {
    return { id: r.id, type: r.type, number: r.number, grantedOn: r.grantedOn, status: r.status };
  }
}

export class RegistrationView {
  @ApiProperty({ enum: ['draft', 'registered', 'withdrawn'] }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) registeredOn!: string | null;
  @ApiProperty({ description: 'P-REG: obtainedOn + 30 days' }) deadline!: string;
  @ApiProperty({ enum: ['on_time', 'late', 'pending', 'overdue_unregistered'] }) timeliness!: string;
}

export class AchievementDto {
  @ApiProperty() id!: string;
  @ApiProperty() holderId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() abstract!: string;
  @ApiProperty() technicalField!: string;
  @ApiProperty({ type: [String] }) ipcClasses!: string[];
  @ApiProperty({ type: [String] }) keywords!: string[];
  @ApiProperty() kind!: string;
  @ApiProperty() publiclyFunded!: boolean;
  @ApiProperty() obtainedOn!: string;
  @ApiProperty({ type: [String] }) inventors!: string[];
  @ApiProperty() maturity!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'fen' }) askingPriceFen!: string | null;
  @ApiProperty({ type: [AttachmentView] }) attachments!: AttachmentMeta[];
  @ApiProperty({ type: [IpRightView] }) ipRights!: IpRightView[];
  @ApiProperty({ type: RegistrationView }) registration!: RegistrationView;
  @ApiProperty({ enum: ['clear', 'use_first', 'free_license_eligible', 'suspended'], description: 'P-2Y / P-3Y state from the last scan' }) ruleState!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) ruleStateSince!: string | null;
  @ApiProperty() onUseFirstList!: boolean;
  @ApiProperty() createdAt!: string;

  static from(a: Achievement, rights: IpRight[], today: LocalDate): AchievementDto {
    const obtained = LocalDate.parse(a.obtainedOn);
    const registeredOn = a.registeredOn ? LocalDate.parse(a.registeredOn) : null;
    return {
      id: a.id,
      holderId: a.holderId,
      title: a.title,
      abstract: a.abstract,
      technicalField: a.technicalField,
      ipcClasses: a.ipcClasses,
      keywords: a.keywords,
      kind: a.kind,
      publiclyFunded: a.publiclyFunded,
      obtainedOn: a.obtainedOn,
      inventors: a.inventors,
      maturity: a.maturity,
      askingPriceFen: a.askingPriceFen === null ? null : a.askingPriceFen.toString(),
      attachments: a.attachments,
      ipRights: rights.map(IpRightView.from),
      registration: {
        status: a.registrationStatus,
        registeredOn: a.registeredOn,
        deadline: registrationDeadline(obtained).toString(),
        timeliness: registrationStatus(obtained, registeredOn, today),
      },
      ruleState: a.ruleState,
      ruleStateSince: a.ruleStateSince,
      onUseFirstList: a.ruleState === 'use_first' || a.ruleState === 'free_license_eligible',
      createdAt: a.createdAt.toISOString(),
    };
  }
}

export class AchievementPageDto {
  @ApiProperty({ type: [AchievementDto] }) items!: AchievementDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
