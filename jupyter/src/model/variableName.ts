/** Validation of the Python variable name a DID is attached to a notebook under. */

/** Python 3 hard keywords; soft keywords (match, case, type, _) are valid names. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue',
  'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in',
  'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield'
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A sentence saying what is wrong with the name, or null when it can be used. */
export function validateVariableName(name: string, existingNames: Iterable<string>): string | null {
  if (name === '') {
    return 'Enter a variable name.';
  }
  if (!IDENTIFIER.test(name)) {
    return /^[0-9]/.test(name)
      ? 'A variable name cannot start with a digit.'
      : 'Use only letters, digits and underscores (a Python identifier).';
  }
  if (PYTHON_KEYWORDS.has(name)) {
    return `"${name}" is a Python keyword; choose another name.`;
  }
  for (const existing of existingNames) {
    if (existing === name) {
      return `"${name}" is already used in this notebook.`;
    }
  }
  return null;
}

/** A valid, unused suggestion derived from a DID name, e.g. "user.root:data-1.root" → "data_1". */
export function suggestVariableName(did: string, existingNames: Iterable<string>): string {
  const name = did.slice(did.indexOf(':') + 1).replace(/\.[^./]*$/, '');
  let base = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase() || 'data';
  if (/^[0-9]/.test(base)) {
    base = `d_${base}`;
  }
  if (PYTHON_KEYWORDS.has(base)) {
    base = `${base}_did`;
  }
  const taken = new Set(existingNames);
  if (!taken.has(base)) {
    return base;
  }
  for (let i = 2; ; i++) {
    if (!taken.has(`${base}_${i}`)) {
      return `${base}_${i}`;
    }
  }
}
