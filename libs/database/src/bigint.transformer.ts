import type { ValueTransformer } from 'typeorm';

/** int8 columns (money in fen, counters) arrive from pg as strings; expose them as bigint. */
export const bigintTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? value : value.toString()),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};
