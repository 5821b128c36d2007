/**
 * Language adapters — how an inject request reaches a kernel of a given language — and the R code generator:
 * a 1:1 port of `rucio_jupyterlab/kernels/codegen.py` (docs/kernels.md §2, §6), pinned by the shared
 * `jupyter/tests/kernels/vectors.json`. Request data only ever becomes escaped string literals built by one
 * function, and names only validated identifiers, so a hostile DID or path is inert.
 */
import { checkPythonName, checkRName } from './names';
import {
  effectiveStatus,
  IRejection,
  IValidAttachment,
  NameCheck,
  parseInjectRequest,
  unavailableMessage
} from './protocol';

export type Mechanism = 'comm' | 'execute';

export interface ILanguageAdapter {
  readonly language: string;
  readonly mechanism: Mechanism;
  readonly checkName: NameCheck;
  /** Builds the code for the valid attachments (execute mechanism only). */
  readonly generate?: (attachments: readonly IValidAttachment[]) => string;
}

/** What to do for one request: run `code` silently (null: nothing to run). */
export interface IGeneratedInjection {
  language: string;
  mechanism: Mechanism;
  code: string | null;
  variable_names: string[];
  rejected: IRejection[];
}

export class UnsupportedLanguageError extends Error {
  constructor(readonly languageName: string) {
    super(`no Rucio adapter for kernel language '${languageName}'`);
    this.name = 'UnsupportedLanguageError';
  }
}

/**
 * Run silently in a Python kernel to load the kernel extension: a no-op when it is loaded already, an error
 * reply (ModuleNotFoundError) when the package is not installed there. Nothing is ever interpolated into it.
 */
export const PYTHON_LOAD_EXTENSION_CODE =
  "get_ipython().extension_manager.load_extension('rucio_jupyterlab.kernels.ipython')";

function hex(codePoint: number, digits: number): string {
  return codePoint.toString(16).toUpperCase().padStart(digits, '0');
}

/**
 * A double-quoted R literal that is pure printable ASCII whatever `value` holds: only backslash and double quote
 * are escaped by character, everything outside 0x20–0x7E becomes a \u{XXXX} or \U{XXXXXXXX} escape, so the code
 * parses the same in any locale and nothing in `value` can end the literal.
 */
export function rString(value: string): string {
  let out = '"';
  // for…of walks code points, so a surrogate pair is one character (one \U escape).
  for (const character of value) {
    const codePoint = character.codePointAt(0) as number;
    if (character === '\\') {
      out += '\\\\';
    } else if (character === '"') {
      out += '\\"';
    } else if (codePoint >= 0x20 && codePoint <= 0x7e) {
      out += character;
    } else if (codePoint === 0 || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      throw new RangeError('NUL and unpaired surrogates cannot be written as R string literals');
    } else if (codePoint <= 0xffff) {
      out += `\\u{${hex(codePoint, 4)}}`;
    } else {
      out += `\\U{${hex(codePoint, 8)}}`;
    }
  }
  return out + '"';
}

function rCharacterVector(values: readonly (string | null)[]): string {
  if (values.length === 0) {
    return 'character(0)'; // c() would be NULL, which cannot carry attributes
  }
  // NA_character_ keeps the vector character even when every element is missing.
  return 'c(' + values.map(v => (v === null ? 'NA_character_' : rString(v))).join(', ') + ')';
}

// The helpers live in a local() environment whose parent is base R, so that nothing but the variables reaches
// the workspace and a workspace redefinition of c(), structure() or assign() cannot interfere. An unavailable DID
// becomes an active binding signalling a classed condition whenever it is used.
const R_PRELUDE =
  'base::local({\n' +
  '  target <- globalenv()\n' +
  '  clear <- function(name) if (exists(name, envir = target, inherits = FALSE)) rm(list = name, envir = target)\n' +
  '  attach_value <- function(name, value) {\n' +
  '    clear(name)\n' +
  '    assign(name, value, envir = target)\n' +
  '  }\n' +
  '  attach_unavailable <- function(name, did, status, message) {\n' +
  '    clear(name)\n' +
  '    condition <- structure(class = c("rucio_did_not_available", "error", "condition"),\n' +
  '      list(message = message, call = NULL, did = did, status = status))\n' +
  '    makeActiveBinding(name, function() stop(condition), target)\n' +
  '  }\n';
const R_EPILOGUE = '  invisible(NULL)\n}, envir = base::new.env(parent = base::baseenv()))\n';

function rStatement(attachment: IValidAttachment): string {
  const name = rString(attachment.variableName);
  const did = rString(attachment.did);
  if (!attachment.available) {
    const status = rString(effectiveStatus(attachment));
    const message = rString(unavailableMessage(attachment));
    return `  attach_unavailable(${name}, ${did}, ${status}, ${message})\n`;
  }
  const paths = rCharacterVector(attachment.files.map(f => f.path));
  const pfns = rCharacterVector(attachment.files.map(f => f.pfn));
  return `  attach_value(${name}, structure(${paths}, pfn = ${pfns}, did = ${did}, did_available = TRUE))\n`;
}

export function generateR(attachments: readonly IValidAttachment[]): string {
  return R_PRELUDE + attachments.map(rStatement).join('') + R_EPILOGUE;
}

export const LANGUAGE_ADAPTERS: Readonly<Record<string, ILanguageAdapter>> = {
  python: { language: 'python', mechanism: 'comm', checkName: checkPythonName },
  r: { language: 'r', mechanism: 'execute', checkName: checkRName, generate: generateR }
};

/** The adapter for a kernel's `language_info.name` ("python", "R", …), or null. */
export function adapterFor(language: string): ILanguageAdapter | null {
  const key = language.trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(LANGUAGE_ADAPTERS, key) ? LANGUAGE_ADAPTERS[key] : null;
}

/**
 * Validates an inject request for `language` and, for execute adapters, builds its code. Throws
 * UnsupportedLanguageError without an adapter and ProtocolError for a malformed request; invalid entries are
 * reported in `rejected` instead.
 */
export function generateInjection(language: string, message: unknown): IGeneratedInjection {
  const adapter = adapterFor(language);
  if (!adapter) {
    throw new UnsupportedLanguageError(language);
  }
  const request = parseInjectRequest(message, adapter.checkName);
  const code = adapter.generate && request.attachments.length > 0 ? adapter.generate(request.attachments) : null;
  return {
    language: adapter.language,
    mechanism: adapter.mechanism,
    code,
    variable_names: request.attachments.map(a => a.variableName),
    rejected: request.rejections
  };
}
