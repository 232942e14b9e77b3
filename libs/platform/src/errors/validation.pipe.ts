import { ArgumentMetadata, ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import { ValidationError } from '@zjp/core';
import { inspectInput } from '../validation/input-guards';

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

/**
 * Before class-transformer sees a value: input nested deeper than any DTO is refused (it would
 * overflow the stack), and strings no column or validator can take (NUL, lone surrogates) are
 * named with their fields, in bodies, query strings, path parameters and socket payloads alike.
 */
class GuardedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const problems = inspectInput(value, metadata.data ?? '');
      if (problems.length) throw new ValidationError(problems);
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/** DTO validation at the edge: unknown fields are refused, every problem is named with its field. */
export function createValidationPipe(): ValidationPipe {
  return new GuardedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationError(flatten(errors as ClassValidatorError[])),
  });
}
