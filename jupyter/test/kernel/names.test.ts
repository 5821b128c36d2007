/** Variable-name validation in the Add to Notebook popover, with the rule of the notebook's kernel language. */
import { AttachmentsModel } from '../../src/model/attachments';
import { suggestVariableName, validateVariableName } from '../../src/model/variableName';
import { checkPythonName, checkRName } from '../../src/kernel/names';
import { FakeNotebook } from '../helpers';

describe('validateVariableName per kernel language', () => {
  it('Python also refuses the names IPython maintains', () => {
    for (const name of ['_', '__', '_i', '_iii', '_i3', '_42', 'In', 'Out', '_ih', 'get_ipython']) {
      expect(validateVariableName(name, [], 'python')).toMatch(/used by IPython itself/);
    }
    expect(validateVariableName('class', [], 'python')).toMatch(/Python keyword/);
    expect(validateVariableName('__init__', [], 'python')).toMatch(/reserved/);
    expect(validateVariableName('_private', [], 'python')).toBeNull();
    expect(validateVariableName('TRUE', [], 'python')).toBeNull();
  });

  it('R refuses a leading underscore and its reserved words, but accepts Python keywords', () => {
    expect(validateVariableName('_x', [], 'R')).toBe('In R, a variable name must start with a letter.');
    for (const name of ['TRUE', 'function', 'NA_integer_', 'repeat', 'Inf']) {
      expect(validateVariableName(name, [], 'R')).toMatch(/reserved word in R/);
    }
    expect(validateVariableName('class', [], 'R')).toBeNull();
    expect(validateVariableName('x.y', [], 'R')).toMatch(/letters, digits and underscores \(a R identifier\)/);
  });

  it('unknown kernels get the Python rule, unsupported ones the common rule', () => {
    expect(validateVariableName('_', [], null)).toMatch(/IPython/);
    expect(validateVariableName('_', [], 'julia')).toBeNull();
    expect(validateVariableName('__x__', [], 'julia')).toMatch(/reserved/);
    expect(validateVariableName('données', [], 'julia')).toMatch(/letters, digits and underscores/);
  });

  it('suggests names valid in both Python and R', () => {
    for (const did of ['user.root:if', 'user.root:function.root', 'user.root:_i3', 'user.root:None', 'user.root:--x--']) {
      const name = suggestVariableName(did, []);
      expect(checkPythonName(name)).toBeNull();
      expect(checkRName(name)).toBeNull();
    }
  });
});

describe('AttachmentsModel.kernelLanguage', () => {
  it('uses the running kernel first, then the language saved in the notebook', () => {
    const notebook = new FakeNotebook();
    notebook.metadata.set('language_info', { name: 'R' });
    const model = new AttachmentsModel();
    model.setNotebook(notebook);
    expect(model.kernelLanguage).toBe('R');
    expect(model.validateName('_x')).toMatch(/In R/);
    model.setKernelLanguage('python');
    expect(model.validateName('_x')).toBeNull();
    expect(model.validateName('Out')).toMatch(/IPython/);
    expect(() => model.attach('s:a', 'Out', 'file')).toThrow(/IPython/);

    const other = new FakeNotebook('2', 'two.ipynb');
    other.metadata.set('kernelspec', { name: 'ir', language: 'R' });
    model.setNotebook(other);
    expect(model.kernelLanguage).toBe('R');
  });
});
