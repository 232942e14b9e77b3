import { ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import { ValidationError } from '@zjp/core';

interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

function flatten(errors: ClassValidatorError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = /^\d+$/.test(e.property) ? `${parent}[${e.property}]` : parent ? `${parent}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([code, message]) => ({
      field,
      code: code === 'whitelistValidation' ? 'unknownField' : code,
      message,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** DTO validation at the edge: unknown fields are refused, every problem is named with its field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationError(flatten(errors as ClassValidatorError[])),
  });
}
