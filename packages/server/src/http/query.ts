import { InvalidRequest } from '../domain/errors.ts';
import { parseTimestamp } from '../domain/time.ts';
import { checkIntegerRange } from '../domain/lenient.ts';
import type { RawQuery } from './parsers.ts';

/** Lenient, contract-shaped reading of query parameters (contract 2.2); each reader names the key in its 400. */
export class QueryReader {
  constructor(private readonly query: RawQuery) {}

  private last(key: string): string | undefined {
    const value = this.query[key];
    return Array.isArray(value) ? value[value.length - 1] : value;
  }

  string(key: string): string | undefined {
    return this.last(key);
  }

  /** Every value of a repeated key, with comma lists split when asked. */
  list(key: string, { commas = false } = {}): string[] | undefined {
    const value = this.query[key];
    if (value === undefined) return undefined;
    const values = Array.isArray(value) ? value : [value];
    return commas ? values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '') : values;
  }

  /** A comma list whose every value must be one of `allowed`; undefined when absent or empty. */
  commaListOf<T extends string>(key: string, allowed: readonly T[]): T[] | undefined {
    const values = this.list(key, { commas: true });
    for (const value of values ?? []) {
      if (!(allowed as readonly string[]).includes(value)) {
        throw new InvalidRequest(`Invalid value for '${key}': "${value}". Use ${allowed.join(', ')} (comma-separated for several).`);
      }
    }
    return values && values.length > 0 ? (values as T[]) : undefined;
  }

  boolean(key: string): boolean | undefined {
    const value = this.last(key);
    if (value === undefined) return undefined;
    if (/^(true|1)$/i.test(value)) return true;
    if (/^(false|0)$/i.test(value)) return false;
    throw new InvalidRequest(`Invalid value for '${key}': "${value}". Use true or false.`);
  }

  integer(key: string, { min, max, clampMax = false }: { min?: number; max?: number; clampMax?: boolean } = {}): number | undefined {
    const value = this.last(key);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) throw new InvalidRequest(`Invalid value for '${key}': "${value}" is not a whole number.`);
    const number = Number(value);
    if (min !== undefined && number < min) throw new InvalidRequest(`Invalid value for '${key}': must be at least ${min}.`);
    if (max !== undefined && number > max) {
      if (clampMax) return max;
      throw new InvalidRequest(`Invalid value for '${key}': must be at most ${max}.`);
    }
    checkIntegerRange(number, key);
    return number;
  }

  timestamp(key: string): number | undefined {
    const value = this.last(key);
    return value === undefined ? undefined : parseTimestamp(value, key);
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.last(key);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidRequest(`Invalid value for '${key}': "${value}". Use one of ${allowed.join(', ')}.`);
    }
    return value as T;
  }
}

export function readQuery(query: unknown): QueryReader {
  return new QueryReader((query ?? {}) as RawQuery);
}
