#!/usr/bin/python3
"""Browser test: a page on another origin calls the API with fetch(), through the runtime's CORS.

Three loopback origins: the API (the real server, CORS_ALLOW_ORIGINS naming the first page origin), and two
tiny pages served by Python's http.server on other ports of 127.0.0.1 (another port is another origin).
Headless Chromium (driven over the DevTools protocol, cdp_pipe.py; every host but 127.0.0.1 unresolvable)
opens each page and runs fetch() in it:
  - from the allowed origin: a simple GET /users/ succeeds (no preflight), and a JSON POST /users/, which needs
    a preflight, succeeds (the preflight is seen in the server's access log as OPTIONS /users/ 204, and the
    user exists afterwards); the exposed X-Request-ID is readable by the script; a POST whose body is over
    MAX_BODY_SIZE, refused by the connection layer before routing, is seen by the script as a 413 with its
    JSON detail (it carries the CORS headers too), not as a network error;
  - from the disallowed origin: the same GET and POST are blocked by the browser (fetch rejects with a
    TypeError), and the POST never reached a handler (its preflight got no CORS header: no user created).

Usage: test_cors.py SERVER_BINARY
Exit status: 0 all passed, 1 something failed, 77 skipped (Chromium is not installed).
"""

import http.server
import json
import os
import shutil
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cdp_pipe import Browser, CdpError  # noqa: E402
from test_docs import SKIP, Results, Server, find_chromium, http_get  # noqa: E402

PAGE = b'<!doctype html><html><head><title>CORS page</title></head><body>a page on another origin</body></html>'


class PageHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header('Content-Type', 'text/html; charset=utf-8')
        self.send_header('Content-Length', str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


def page_server():
    """A page origin: http.server on a free loopback port, in a thread.  Returns (server, origin)."""
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), PageHandler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, 'http://127.0.0.1:%d' % srv.server_address[1]


# Both calls from the page; what happened to each, as JSON-able values (a rejection's error name and message).
CALLS = r'''
(async (api, email) => {
  const out = {};
  try {
    const r = await fetch(api + '/users/?limit=5');
    out.get = {status: r.status, users: Array.isArray((await r.json()).items)};
  } catch (e) { out.get = {error: e.name, message: String(e.message)}; }
  try {
    const r = await fetch(api + '/users/', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                          body: JSON.stringify({email: email, full_name: 'From a page'})});
    out.post = {status: r.status, body: await r.json(), requestId: r.headers.get('X-Request-ID')};
  } catch (e) { out.post = {error: e.name, message: String(e.message)}; }
  return out;
})(%s, %s)
'''


# A body over MAX_BODY_SIZE (4 KiB here): refused before routing, after its preflight.
TOO_LARGE = r'''
(async (api) => {
  try {
    const r = await fetch(api + '/users/', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                          body: JSON.stringify({email: 'big@example.com', full_name: 'x'.repeat(8192)})});
    return {status: r.status, body: await r.json(), requestId: r.headers.get('X-Request-ID')};
  } catch (e) { return {error: e.name, message: String(e.message)}; }
})(%s)
'''


def run_page(b, page_origin, api, email):
    b.open(page_origin + '/')
    deadline = time.monotonic() + 30
    while b.evaluate("location.origin + ' ' + document.readyState") != page_origin + ' complete':
        if time.monotonic() > deadline:
            raise CdpError('%s did not load' % page_origin)
        time.sleep(0.1)
    return b.evaluate(CALLS % (json.dumps(api), json.dumps(email)))


def drive(results, chromium, api, allowed, disallowed, workdir, server):
    args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-default-apps',
            '--disable-extensions', '--mute-audio', '--no-default-browser-check',
            f'--user-data-dir={tempfile.mkdtemp(prefix="profile-", dir=workdir)}',
            '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', 'about:blank']
    with Browser(chromium, args, dict(os.environ, HOME=workdir)) as b:
        got = run_page(b, allowed, api, 'allowed@example.com')
        results.check(got['get'] == {'status': 200, 'users': True},
                      'allowed origin: a simple GET /users/ with fetch() succeeds', got['get'])
        post = got['post']
        results.check(post.get('status') == 201 and post.get('body', {}).get('email') == 'allowed@example.com',
                      'allowed origin: a JSON POST /users/ (preflighted) with fetch() succeeds', post)
        results.check(bool(post.get('requestId')), 'allowed origin: the exposed X-Request-ID is readable', post)
        preflights = [line for line in server.lines if 'OPTIONS /users/' in line and ' 204 ' in line]
        results.check(len(preflights) == 1, 'the POST was preflighted: OPTIONS /users/ answered 204 (access log)',
                      server.log_tail())
        big = b.evaluate(TOO_LARGE % json.dumps(api))
        results.check(big.get('status') == 413 and 'too large' in str(big.get('body', {}).get('detail')) and
                      bool(big.get('requestId')),
                      'allowed origin: a body over MAX_BODY_SIZE is a readable 413, not a network error', big)

        got = run_page(b, disallowed, api, 'blocked@example.com')
        results.check(got['get'].get('error') == 'TypeError',
                      'disallowed origin: the browser blocks the GET (fetch rejects with TypeError)', got['get'])
        results.check(got['post'].get('error') == 'TypeError',
                      'disallowed origin: the browser blocks the JSON POST (fetch rejects with TypeError)',
                      got['post'])


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    chromium = find_chromium()
    if chromium is None:
        print('SKIP: Chromium is not installed (apt-get install chromium)')
        return SKIP
    results = Results()
    workdir = tempfile.mkdtemp(prefix='async-demo-cors-')
    allowed_srv, allowed = page_server()
    disallowed_srv, disallowed = page_server()
    os.environ.update(CORS_ALLOW_ORIGINS=allowed, MAX_BODY_SIZE='4KiB', DATABASE_URL='sqlite:///' + os.path.join(workdir, 'test.db'))
    server = Server(os.path.abspath(argv[1]))
    try:
        port = server.wait_ready()
        if not results.check(port is not None, 'server starts and logs "listening on"', server.log_tail()):
            return 1
        api = f'http://127.0.0.1:{port}'
        try:
            drive(results, chromium, api, allowed, disallowed, workdir, server)
        except (CdpError, OSError, KeyError) as e:
            results.check(False, 'Chromium is driven through the DevTools protocol', repr(e))
        status, _, _ = http_get(api + '/users/allowed@example.com')
        results.check(status == 200, 'the user the allowed page created exists', f'status {status}')
        status, _, _ = http_get(api + '/users/blocked@example.com')
        results.check(status == 404, 'the disallowed page created no user (its preflight failed)',
                      f'status {status}')
        blocked = [line for line in server.lines if 'POST /users/' in line and ' 413 ' not in line]
        results.check(len(blocked) == 1, 'only the allowed page\'s POST reached the service', '\n'.join(blocked))
    finally:
        code = server.stop()
        print(f'# server exited with status {code}')
        allowed_srv.shutdown()
        disallowed_srv.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f'{results.passed} passed, {results.failed} failed')
    return 0 if results.failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
