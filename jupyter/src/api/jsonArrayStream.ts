/**
 * Incremental parser for a JSON array of objects arriving in chunks, so that search results can be
 * shown while the backend is still sending them. Only the element boundaries are tracked here;
 * each complete element is handed to JSON.parse.
 */
export class JsonArrayStreamParser<T> {
  private _pending = '';
  /** Index in _pending where the current top-level element starts, or -1 between elements. */
  private _elementStart = -1;
  private _scanFrom = 0;
  private _depth = 0;
  private _inString = false;
  private _escaped = false;
  private _started = false;
  private _finished = false;

  /** Feeds a chunk of text; returns the elements completed by it, in order. */
  feed(chunk: string): T[] {
    const out: T[] = [];
    this._pending += chunk;
    const text = this._pending;
    let i = this._scanFrom;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (this._inString) {
        if (this._escaped) {
          this._escaped = false;
        } else if (ch === '\\') {
          this._escaped = true;
        } else if (ch === '"') {
          this._inString = false;
        }
        continue;
      }
      if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') {
        continue;
      }
      if (this._finished) {
        throw new SyntaxError('Unexpected data after the end of the JSON array');
      }
      if (!this._started) {
        if (ch !== '[') {
          throw new SyntaxError('The answer is not a JSON array');
        }
        this._started = true;
        this._depth = 1;
        continue;
      }
      if (ch === '"') {
        this._inString = true;
        if (this._depth === 1) {
          throw new SyntaxError('Only objects are expected in the JSON array');
        }
      } else if (ch === '{' || ch === '[') {
        if (this._depth === 1) {
          this._elementStart = i;
        }
        this._depth++;
      } else if (ch === '}' || ch === ']') {
        this._depth--;
        if (this._depth === 1) {
          out.push(JSON.parse(text.slice(this._elementStart, i + 1)) as T);
          this._elementStart = -1;
        } else if (this._depth === 0) {
          this._finished = true;
        }
      } else if (this._depth === 1 && ch !== ',') {
        throw new SyntaxError('Only objects are expected in the JSON array');
      }
    }
    // Keep only the unfinished element, so memory stays proportional to one element.
    if (this._elementStart >= 0) {
      this._pending = text.slice(this._elementStart);
      this._scanFrom = i - this._elementStart;
      this._elementStart = 0;
    } else {
      this._pending = '';
      this._scanFrom = 0;
    }
    return out;
  }

  /** Checks that the array was complete. */
  end(): void {
    if (!this._finished) {
      throw new SyntaxError('The JSON array ended early');
    }
  }
}
