/** The TypeScript port of the kernel code generator against the SAME vectors the Python suite and real R check. */
import vectors from '../../tests/kernels/vectors.json';

import { adapterFor, generateInjection, PYTHON_LOAD_EXTENSION_CODE, rString, UnsupportedLanguageError } from '../../src/kernel/codegen';
import { hasUnsupportedCharacter, ProtocolError } from '../../src/kernel/protocol';

interface IInjectionVector {
  title: string;
  language: string;
  request: unknown;
  expected: { mechanism: string; code: string | null; variable_names: string[]; rejected: unknown[] };
}

describe('shared vectors (jupyter/tests/kernels/vectors.json)', () => {
  it('has vectors of every kind (the file was read, not an empty stand-in)', () => {
    expect(vectors.version).toBe(1);
    expect(vectors.r_string_literals.length).toBeGreaterThan(10);
    expect(vectors.variable_names.length).toBeGreaterThan(50);
    expect(vectors.injections.length).toBeGreaterThan(5);
  });

  it.each(vectors.r_string_literals.map(v => [JSON.stringify(v.input), v.input, v.expected]))(
    'rString(%s)',
    (_label, input, expected) => {
      expect(rString(input as string)).toBe(expected);
    }
  );

  it.each(vectors.variable_names.map(v => [v.language, JSON.stringify(v.name), v.name, v.expected]))(
    '%s name %s',
    (language, _label, name, expected) => {
      const problem = adapterFor(language as string)!.checkName(name as string);
      expect({ valid: problem === null, code: problem?.code ?? null }).toEqual(expected);
    }
  );

  it.each((vectors.injections as IInjectionVector[]).map(v => [v.language, v.title, v]))('%s: %s', (_l, _t, vector) => {
    const { language, request, expected } = vector as IInjectionVector;
    const result = generateInjection(language, request);
    expect({
      mechanism: result.mechanism,
      code: result.code,
      variable_names: result.variable_names,
      rejected: result.rejected.map(({ index, variableName, did, code }) => ({ index, variableName, did, code }))
    }).toEqual(expected);
    for (const rejection of result.rejected) {
      expect(rejection.reason.length).toBeGreaterThan(0);
    }
  });
});

describe('code generation details', () => {
  it('escapes by code point and refuses NUL and lone surrogates', () => {
    expect(rString('a"b\\c\n é😀')).toBe('"a\\"b\\\\c\\u{000A} \\u{00E9}\\U{0001F600}"');
    expect(() => rString('a\u0000b')).toThrow(RangeError);
    expect(() => rString('\ud800')).toThrow(RangeError);
    expect(() => rString('x\udc00')).toThrow(RangeError);
    expect(hasUnsupportedCharacter('😀')).toBe(false);
    expect(hasUnsupportedCharacter('\ud83d')).toBe(true);
    expect(hasUnsupportedCharacter('\ude00x')).toBe(true);
  });

  it('picks the adapter by language name, case-insensitively, and refuses others', () => {
    expect(adapterFor('R')?.mechanism).toBe('execute');
    expect(adapterFor(' Python ')?.mechanism).toBe('comm');
    expect(adapterFor('julia')).toBeNull();
    expect(adapterFor('constructor')).toBeNull();
    expect(() => generateInjection('julia', { action: 'inject', dids: [] })).toThrow(UnsupportedLanguageError);
  });

  it('refuses malformed requests as a whole', () => {
    expect(() => generateInjection('R', { action: 'other', dids: [] })).toThrow(ProtocolError);
    expect(() => generateInjection('R', { action: 'inject', dids: {} })).toThrow(ProtocolError);
    expect(() => generateInjection('R', { action: 'inject', dids: [], requestId: 3 })).toThrow(ProtocolError);
    expect(generateInjection('R', { action: 'inject', dids: [] }).code).toBeNull();
  });

  it('keeps the bootstrap constant of docs/kernels.md §4.1', () => {
    expect(PYTHON_LOAD_EXTENSION_CODE).toBe(
      "get_ipython().extension_manager.load_extension('rucio_jupyterlab.kernels.ipython')"
    );
  });
});
