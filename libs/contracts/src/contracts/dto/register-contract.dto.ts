import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { IsLocalDate } from '@zjp/platform';

export class RegisterContractDto {
  @ApiProperty({ example: '2026330106000123', description: '技术合同认定登记号' })
  @Matches(/^\s*[0-9A-Za-z-]{4,40}\s*$/, { message: 'number must be 4 to 40 letters, digits or hyphens' })
  number!: string;
  @ApiProperty({ example: '2026-03-02' }) @IsLocalDate() registeredOn!: string;
  @ApiProperty({ example: '杭州市技术合同登记处' }) @IsString() @Length(1, 200) registry!: string;
}
