/**
 * The DIDs attached to the active notebook, stored in its metadata under `rucio_attachments` as
 * `[{did, variableName, type: "file"|"collection"}]` — the existing extension's key and shape, so
 * notebooks move between the two unchanged. New names are validated with the rule of the notebook's kernel
 * language (the kernel injection reads the same metadata, per notebook).
 */
import type { ISignal } from '@lumino/signaling';

import { ATTACHMENTS_METADATA_KEY } from '../commandIds';
import type { DidType } from '../api/types';
import { ObservableModel } from './observable';
import { validateVariableName } from './variableName';

export type AttachmentType = 'file' | 'collection';

export interface IAttachment {
  did: string;
  variableName: string;
  type: AttachmentType;
}

/** What the model needs from a notebook; the plugin adapts a NotebookPanel to it. */
export interface INotebookDocument {
  /** Stable while the notebook is open (its path, or the widget id). */
  readonly id: string;
  readonly name: string;
  getMetadata(key: string): unknown;
  setMetadata(key: string, value: unknown): void;
  deleteMetadata(key: string): void;
  readonly metadataChanged: ISignal<unknown, unknown>;
}

export function attachmentTypeOf(type: DidType): AttachmentType {
  return type === 'file' ? 'file' : 'collection';
}

/** Reads the metadata value, keeping only well-formed entries (and the first of duplicated DIDs/names). */
export function parseAttachments(raw: unknown): IAttachment[] {
  if (!Array.isArray(raw)) {
    return [];
  }
  const out: IAttachment[] = [];
  const dids = new Set<string>();
  const names = new Set<string>();
  for (const entry of raw) {
    if (entry === null || typeof entry !== 'object') {
      continue;
    }
    const { did, variableName, type } = entry as Record<string, unknown>;
    if (typeof did !== 'string' || !did.includes(':') || typeof variableName !== 'string') {
      continue;
    }
    if (type !== 'file' && type !== 'collection') {
      continue;
    }
    if (dids.has(did) || names.has(variableName)) {
      continue;
    }
    dids.add(did);
    names.add(variableName);
    out.push({ did, variableName, type });
  }
  return out;
}

export function serializeAttachments(attachments: readonly IAttachment[]): IAttachment[] {
  return attachments.map(({ did, variableName, type }) => ({ did, variableName, type }));
}

export class AttachmentsModel extends ObservableModel {
  private _notebook: INotebookDocument | null = null;
  private _attachments: IAttachment[] = [];
  /** Set while this model writes the metadata, so its own change signal is not read back. */
  private _writing = false;
  /** The running kernel's `language_info.name`, when known. */
  private _kernelLanguage: string | null = null;

  get notebook(): INotebookDocument | null {
    return this._notebook;
  }

  get attachments(): readonly IAttachment[] {
    return this._attachments;
  }

  /** Follows the notebook that is now active (null when none). */
  setNotebook(notebook: INotebookDocument | null): void {
    if (notebook === this._notebook) {
      return;
    }
    this._notebook?.metadataChanged.disconnect(this._onMetadataChanged, this);
    this._notebook = notebook;
    this._kernelLanguage = null;
    notebook?.metadataChanged.connect(this._onMetadataChanged, this);
    this._read();
  }

  /**
   * The notebook's kernel language: the running kernel's when known, else the one saved in the notebook
   * (`language_info.name`, `kernelspec.language`); null when none says (Python's rule applies then).
   */
  get kernelLanguage(): string | null {
    if (this._kernelLanguage) {
      return this._kernelLanguage;
    }
    const info = this._notebook?.getMetadata('language_info') as { name?: unknown } | undefined;
    const spec = this._notebook?.getMetadata('kernelspec') as { language?: unknown } | undefined;
    const saved = typeof info?.name === 'string' ? info.name : typeof spec?.language === 'string' ? spec.language : null;
    return saved || null;
  }

  /** The active notebook's kernel reported its language (null: no kernel, or not known yet). */
  setKernelLanguage(language: string | null): void {
    if (language !== this._kernelLanguage) {
      this._kernelLanguage = language;
      this.emitChanged();
    }
  }

  find(did: string): IAttachment | undefined {
    return this._attachments.find(a => a.did === did);
  }

  /** Why `name` cannot be used for a new attachment here, or null. */
  validateName(name: string): string | null {
    return validateVariableName(
      name,
      this._attachments.map(a => a.variableName),
      this.kernelLanguage
    );
  }

  /** Attaches a DID; throws with a sentence when there is no notebook or the name is invalid. */
  attach(did: string, variableName: string, type: AttachmentType): void {
    if (!this._notebook) {
      throw new Error('Open a notebook first.');
    }
    if (this.find(did)) {
      throw new Error(`${did} is already attached to this notebook.`);
    }
    const problem = this.validateName(variableName);
    if (problem) {
      throw new Error(problem);
    }
    this._write([...this._attachments, { did, variableName, type }]);
  }

  detach(did: string): void {
    if (!this._notebook || !this.find(did)) {
      return;
    }
    this._write(this._attachments.filter(a => a.did !== did));
  }

  dispose(): void {
    this._notebook?.metadataChanged.disconnect(this._onMetadataChanged, this);
    this._notebook = null;
    super.dispose();
  }

  private _write(next: IAttachment[]): void {
    const notebook = this._notebook;
    if (!notebook) {
      return;
    }
    this._writing = true;
    try {
      // Like the existing extension, an empty list removes the key instead of leaving [] behind.
      if (next.length === 0) {
        notebook.deleteMetadata(ATTACHMENTS_METADATA_KEY);
      } else {
        notebook.setMetadata(ATTACHMENTS_METADATA_KEY, serializeAttachments(next));
      }
    } finally {
      this._writing = false;
    }
    this._attachments = next;
    this.emitChanged();
  }

  private _read(): void {
    this._attachments = this._notebook ? parseAttachments(this._notebook.getMetadata(ATTACHMENTS_METADATA_KEY)) : [];
    this.emitChanged();
  }

  private _onMetadataChanged(): void {
    // Edits from elsewhere (metadata editor, collaborators, undo) are picked up here.
    if (!this._writing) {
      this._read();
    }
  }
}
