import { registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';
import { LocalDate } from '@zjp/core';
import { Transform } from 'class-transformer';

/** A real calendar date written YYYY-MM-DD (business dates are Asia/Shanghai days). */
export function IsLocalDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isLocalDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be a date written YYYY-MM-DD`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          try {
            LocalDate.parse(value);
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}

/** Money in integer fen, sent as a string of digits (JSON numbers cannot carry every bigint). */
export function IsFen(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isFen',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be a whole number of fen written as digits, e.g. "150000000"`, ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && /^(0|[1-9]\d{0,15})$/.test(value),
      },
    });
}

/**
 * The field may be left out; `null` is not "left out" and is validated (so refused) like any other
 * value. class-validator's IsOptional lets `null` through to code that then fails on it
 * (`BigInt(null)`, `null.includes`): keep IsOptional only where a DTO declares `| null`.
 */
export function Omittable(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined, options);
}

/**
 * A boolean query parameter: exactly `true` or `false` (a JSON body's booleans pass unchanged);
 * anything else is left as it came, so `@IsBoolean()` refuses it with the field's name.
 */
export function QueryBoolean(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));
}
