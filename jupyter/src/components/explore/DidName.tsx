/**
 * A DID name that stays recognisable in a narrow sidebar: long names are cut in the middle, so both the scope and
 * the end of the name (run number, extension) stay visible, e.g. "opendata:diphoto…_2012_03.csv". The full name is
 * in the row's title and in the text for copy and screen readers.
 */
import React from 'react';

/** Names up to this length are shown whole (one text node); longer ones keep this many characters at the end. */
const SHORT_NAME = 24;
const KEPT_TAIL = 10;

export function DidName(props: { name: string }): JSX.Element {
  const { name } = props;
  if (name.length <= SHORT_NAME) {
    return <span className="jp-Rucio-didName">{name}</span>;
  }
  const cut = name.length - KEPT_TAIL;
  return (
    <span className="jp-Rucio-didName jp-mod-split">
      <span className="jp-Rucio-didHead">{name.slice(0, cut)}</span>
      <span className="jp-Rucio-didTail">{name.slice(cut)}</span>
    </span>
  );
}
