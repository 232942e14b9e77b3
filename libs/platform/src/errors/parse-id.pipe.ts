import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { isUuid, ValidationError } from '@zjp/core';

/** Path ids are UUIDs; anything else is a 400 naming the parameter (never a database error). */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (isUuid(value)) return value.toLowerCase();
    const field = metadata.data ?? 'id';
    throw new ValidationError([{ field, code: 'isUuid', message: `${field} must be a UUID` }]);
  }
}
