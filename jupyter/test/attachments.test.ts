import { AttachmentsModel, parseAttachments } from '../src/model/attachments';
import { FakeNotebook } from './helpers';

const KEY = 'rucio_attachments';

describe('parseAttachments', () => {
  it('reads the existing extension format and drops malformed entries', () => {
    const raw = [
      { did: 'user.root:ds', variableName: 'ds', type: 'collection' },
      { did: 'user.root:f.root', variableName: 'f', type: 'file' },
      { did: 'no-scope', variableName: 'x', type: 'file' },
      { did: 'user.root:y', variableName: 'y', type: 'dataset' },
      { did: 'user.root:ds', variableName: 'again', type: 'collection' },
      'garbage',
      null
    ];
    expect(parseAttachments(raw)).toEqual([
      { did: 'user.root:ds', variableName: 'ds', type: 'collection' },
      { did: 'user.root:f.root', variableName: 'f', type: 'file' }
    ]);
    expect(parseAttachments(undefined)).toEqual([]);
    expect(parseAttachments({})).toEqual([]);
  });
});

describe('AttachmentsModel', () => {
  it('reads, writes and removes the notebook metadata', () => {
    const notebook = new FakeNotebook();
    notebook.metadata.set(KEY, [{ did: 'user.root:old', variableName: 'old', type: 'file' }]);
    const model = new AttachmentsModel();
    model.setNotebook(notebook);
    expect(model.attachments.map(a => a.variableName)).toEqual(['old']);

    model.attach('user.root:ds', 'ds', 'collection');
    expect(notebook.metadata.get(KEY)).toEqual([
      { did: 'user.root:old', variableName: 'old', type: 'file' },
      { did: 'user.root:ds', variableName: 'ds', type: 'collection' }
    ]);

    model.detach('user.root:old');
    model.detach('user.root:ds');
    expect(notebook.metadata.has(KEY)).toBe(false);
    expect(model.attachments).toEqual([]);
  });

  it('refuses invalid or duplicate names and DIDs', () => {
    const model = new AttachmentsModel();
    expect(() => model.attach('s:a', 'a', 'file')).toThrow(/Open a notebook/);
    model.setNotebook(new FakeNotebook());
    model.attach('s:a', 'a', 'file');
    expect(() => model.attach('s:b', 'a', 'file')).toThrow(/already used/);
    expect(() => model.attach('s:b', 'for', 'file')).toThrow(/keyword/);
    expect(() => model.attach('s:a', 'other', 'file')).toThrow(/already attached/);
    expect(model.attachments).toHaveLength(1);
  });

  it('follows edits made elsewhere and switches with the active notebook', () => {
    const first = new FakeNotebook('1', 'one.ipynb');
    const second = new FakeNotebook('2', 'two.ipynb');
    const model = new AttachmentsModel();
    let changes = 0;
    model.changed.connect(() => changes++);
    model.setNotebook(first);
    first.setMetadata(KEY, [{ did: 's:x', variableName: 'x', type: 'file' }]);
    expect(model.find('s:x')?.variableName).toBe('x');
    model.setNotebook(second);
    expect(model.attachments).toEqual([]);
    first.setMetadata(KEY, []);
    expect(model.notebook).toBe(second);
    expect(changes).toBe(3);
  });
});
