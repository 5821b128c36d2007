/**
 * Validation of the variable name a DID is attached to a notebook under, with the rule of the notebook's
 * kernel language (docs/kernels.md §6.1; the kernels check the same rule again).
 */
import { adapterFor } from '../kernel/codegen';
import { checkCommonName, checkPythonName, PYTHON_KEYWORDS, R_RESERVED_WORDS } from '../kernel/names';
import type { NameCheck } from '../kernel/protocol';

/** The rule for a kernel language: Python when unknown (the existing extension's rule), the common rule otherwise. */
function ruleFor(language: string | null | undefined): { check: NameCheck; label: string } {
  if (!language) {
    return { check: checkPythonName, label: 'Python' };
  }
  const adapter = adapterFor(language);
  if (!adapter) {
    return { check: checkCommonName, label: language };
  }
  return { check: adapter.checkName, label: adapter.language === 'r' ? 'R' : 'Python' };
}

function sentence(name: string, reason: string, label: string): string {
  if (/^[0-9]/.test(name)) {
    return 'A variable name cannot start with a digit.';
  }
  if (reason.startsWith('a variable name must be an ASCII identifier')) {
    return `Use only letters, digits and underscores (a ${label} identifier).`;
  }
  if (reason.includes('must start with a letter')) {
    return 'In R, a variable name must start with a letter.';
  }
  if (reason.includes('Python keyword')) {
    return `"${name}" is a Python keyword; choose another name.`;
  }
  if (reason.includes('IPython')) {
    return `"${name}" is used by IPython itself; choose another name.`;
  }
  if (reason.includes('reserved word in R')) {
    return `"${name}" is a reserved word in R; choose another name.`;
  }
  return `"${name}" is reserved (names like __name__ are); choose another name.`;
}

/** A sentence saying what is wrong with the name, or null when it can be used. */
export function validateVariableName(
  name: string,
  existingNames: Iterable<string>,
  language: string | null = null
): string | null {
  if (name === '') {
    return 'Enter a variable name.';
  }
  const rule = ruleFor(language);
  const problem = rule.check(name);
  if (problem) {
    return sentence(name, problem.reason, rule.label);
  }
  for (const existing of existingNames) {
    if (existing === name) {
      return `"${name}" is already used in this notebook.`;
    }
  }
  return null;
}

/** A suggestion derived from a DID name, valid in Python and R and unused, e.g. "user.root:data-1.root" → "data_1". */
export function suggestVariableName(did: string, existingNames: Iterable<string>): string {
  const name = did.slice(did.indexOf(':') + 1).replace(/\.[^./]*$/, '');
  let base = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase() || 'data';
  if (/^[0-9]/.test(base)) {
    base = `d_${base}`;
  }
  if (PYTHON_KEYWORDS.has(base) || R_RESERVED_WORDS.has(base) || checkPythonName(base) !== null) {
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
