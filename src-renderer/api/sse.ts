// A minimal Server-Sent Events parser: EventSource cannot send an
// Authorization header, so the stream is read through fetch instead.

/** Feeds decoded text in, calls `onData` with each complete event's data. */
export function createSseParser(onData: (data: string) => void): (chunk: string) => void {
  let buffer = '';
  let dataLines: string[] = [];

  const handleLine = (line: string): void => {
    if (line === '') {
      if (dataLines.length > 0) onData(dataLines.join('\n'));
      dataLines = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') dataLines.push(value);
  };

  return (chunk) => {
    buffer += chunk;
    let match: RegExpExecArray | null;
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    // A lone '\r' at the end may be the first half of '\r\n': wait for more.
    while ((match = lineEnd.exec(buffer)) && !(match[0] === '\r' && match.index === buffer.length - 1)) {
      handleLine(buffer.slice(start, match.index));
      start = match.index + match[0].length;
    }
    buffer = buffer.slice(start);
  };
}
