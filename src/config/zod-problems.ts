/**
 * Zod checks each field's shape; this turns its issues into problems people can act on: the
 * field path, what was expected, what was found. Messages are ours, not zod's defaults.
 */
import type { z } from 'zod';
import { describeValue } from './describe-value.js';
import type { FieldPath, Problems } from './problems.js';
import { didYouMean, quoteList } from './suggest.js';

type Issue = z.core.$ZodIssue;

/**
 * Parses `value` with `schema`; on failure records every issue under `path` and returns
 * undefined. `expected` describes the whole field for union and type mismatches at its root.
 */
export function parseField<T>(
  schema: z.ZodType<T>,
  value: unknown,
  path: FieldPath,
  problems: Problems,
  expected?: string,
): T | undefined {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) addIssue(issue, path, problems, expected);
  return undefined;
}

function addIssue(issue: Issue, base: FieldPath, problems: Problems, expected: string | undefined): void {
  const path = [...base, ...(issue.path as (string | number)[])];
  const atRoot = issue.path.length === 0;
  const found = describeValue(issue.input);
  switch (issue.code) {
    case 'invalid_union': {
      // Pick the branch that matched the value's kind (an object for `{ type, port }`), if one did.
      const branches = issue.errors.filter(
        (errors) => !errors.some((error) => error.code === 'invalid_type' && error.path.length === 0),
      );
      if (branches.length === 1) {
        for (const nested of branches[0]!) addIssue(nested, path, problems, undefined);
        return;
      }
      const what = atRoot && expected ? expected : issue.message;
      problems.add(path, issue.input === undefined ? `required: expected ${what}` : `expected ${what}, found ${found}`);
      return;
    }
    case 'invalid_type': {
      const what = atRoot && expected ? expected : typeName(issue.expected);
      problems.add(path, issue.input === undefined ? `required: expected ${what}` : `expected ${what}, found ${found}`);
      return;
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, values) : '';
      problems.add(
        path,
        issue.input === undefined
          ? `required: expected ${quoteList(values)}`
          : `expected ${quoteList(values)}, found ${found}${hint}`,
      );
      return;
    }
    case 'too_small':
    case 'too_big':
      problems.add(path, `expected ${bound(issue)}, found ${found}`);
      return;
    case 'unrecognized_keys':
      for (const key of issue.keys) problems.add([...path, key], 'unknown option');
      return;
    default:
      // custom and format checks carry our own message.
      problems.add(path, issue.input === undefined ? issue.message : `${issue.message}, found ${found}`);
  }
}

function typeName(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'int':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'an object';
    default:
      return expected;
  }
}

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const limit = 'minimum' in issue ? issue.minimum : issue.maximum;
  const small = issue.code === 'too_small';
  switch (issue.origin) {
    case 'string':
      return small && Number(limit) === 1
        ? 'a non-empty string'
        : `a string of ${small ? 'at least' : 'at most'} ${limit} characters`;
    case 'array':
      return small && Number(limit) === 1
        ? 'a non-empty list'
        : `a list of ${small ? 'at least' : 'at most'} ${limit} items`;
    default: {
      const op = small ? (issue.inclusive === false ? '>' : '>=') : issue.inclusive === false ? '<' : '<=';
      return `a number ${op} ${limit}`;
    }
  }
}
