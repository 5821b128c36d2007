/**
 * Which variable names a DID may be attached under, per kernel language: a port of
 * `rucio_jupyterlab/kernels/names.py` (docs/kernels.md §6.1). Every language starts from the same portable rule
 * (an ASCII identifier that is not a dunder) and adds its own reserved words.
 */
import type { INameProblem, NameCheck } from './protocol';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DUNDER = /^__.*__$/;

/** Hard keywords of Python 3; soft keywords such as `match` and `type` are valid names. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue',
  'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in',
  'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield'
]);

// IPython maintains these in the user namespace: an attachment there would be overwritten by the next cell.
const IPYTHON_NAMES: ReadonlySet<string> = new Set(['In', 'Out', '_ih', '_oh', '_dh', 'get_ipython']);
const IPYTHON_HISTORY = /^(_+|_i{1,3}|_i?[0-9]+)$/;

/** ?Reserved in R. */
export const R_RESERVED_WORDS: ReadonlySet<string> = new Set([
  'if', 'else', 'repeat', 'while', 'function', 'for', 'in', 'next', 'break', 'TRUE', 'FALSE',
  'NULL', 'Inf', 'NaN', 'NA', 'NA_integer_', 'NA_real_', 'NA_character_', 'NA_complex_'
]);

export function checkCommonName(name: string): INameProblem | null {
  if (!IDENTIFIER.test(name)) {
    return {
      code: 'invalid-name',
      reason: 'a variable name must be an ASCII identifier (letters, digits and underscores, not starting with a digit)'
    };
  }
  if (DUNDER.test(name)) {
    return { code: 'reserved-name', reason: 'names of the form __name__ are reserved' };
  }
  return null;
}

export const checkPythonName: NameCheck = name => {
  const problem = checkCommonName(name);
  if (problem) {
    return problem;
  }
  if (PYTHON_KEYWORDS.has(name)) {
    return { code: 'reserved-name', reason: `'${name}' is a Python keyword` };
  }
  if (IPYTHON_NAMES.has(name) || IPYTHON_HISTORY.test(name)) {
    return { code: 'reserved-name', reason: `'${name}' is maintained by IPython itself` };
  }
  return null;
};

export const checkRName: NameCheck = name => {
  const problem = checkCommonName(name);
  if (problem) {
    return problem;
  }
  if (name.startsWith('_')) {
    // Not a syntactic R name: it would only be reachable as `_name` with backticks.
    return { code: 'invalid-name', reason: 'an R variable name must start with a letter' };
  }
  if (R_RESERVED_WORDS.has(name)) {
    return { code: 'reserved-name', reason: `'${name}' is a reserved word in R` };
  }
  return null;
};
