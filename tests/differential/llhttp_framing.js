// The reference side of the differential test: Node's own HTTP parser, llhttp, strict (no lenient
// flags, as Node's server runs it by default).  Reads the corpus file (corpus.py: name, length, bytes)
// and prints one JSON line per case: the messages llhttp framed (method, target, body as hex) and
// the error that stopped it, if any.  An upgrade or CONNECT ends the HTTP stream: nothing after it is
// framed (the "upgrade" flag says so).  The end of the stream (finish()) is not an error here: a
// request cut short by the end of the connection is simply not a message, on either side.
'use strict';

const fs = require('fs');
const { HTTPParser, methods } = require('_http_common');

const MAX_HEADER_SIZE = 16384; // Node's default --max-http-header-size

function frame(data) {
  const parser = new HTTPParser();
  const messages = [];
  let current = null;
  let pendingUrl = '';
  let upgrade = false;
  parser.initialize(HTTPParser.REQUEST, {}, MAX_HEADER_SIZE, HTTPParser.kLenientNone);
  let inHead = true; // kOnHeaders also flushes trailer fields, with the message's URL again
  parser[HTTPParser.kOnHeaders] = (headers, url) => {
    if (inHead) pendingUrl += url || '';
  };
  parser[HTTPParser.kOnHeadersComplete] = (major, minor, headers, method, url, status, statusMessage,
                                           isUpgrade) => {
    current = { method: methods[method], target: pendingUrl + (url || ''), body: [] };
    pendingUrl = '';
    inHead = false;
    if (isUpgrade) upgrade = true;
    return 0;
  };
  parser[HTTPParser.kOnBody] = (chunk) => {
    current.body.push(Buffer.from(chunk));
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    messages.push({ method: current.method, target: current.target,
                    body: Buffer.concat(current.body).toString('hex') });
    current = null;
    inHead = true;
  };
  parser[HTTPParser.kOnExecute] = () => {};
  const ret = parser.execute(data);
  let error = null;
  if (ret instanceof Error) error = ret.code;
  parser.remove && parser.remove();
  parser.free && parser.free();
  return { messages, error, upgrade };
}

function* readCorpus(buf) {
  let at = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(10, at);
    const name = buf.toString('utf8', at, nl);
    const nl2 = buf.indexOf(10, nl + 1);
    const len = parseInt(buf.toString('ascii', nl + 1, nl2), 10);
    yield [name, buf.subarray(nl2 + 1, nl2 + 1 + len)];
    at = nl2 + 1 + len;
  }
}

const out = [];
for (const [name, data] of readCorpus(fs.readFileSync(process.argv[2]))) {
  out.push(JSON.stringify(Object.assign({ name }, frame(data))));
}
process.stdout.write(out.join('\n') + '\n');
