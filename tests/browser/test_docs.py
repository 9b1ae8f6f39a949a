#!/usr/bin/python3
"""Browser test: /docs (Swagger UI) and /redoc (ReDoc) render every operation of openapi.yaml.

Starts the real server binary on a free loopback port, checks the documentation pages over HTTP (same-origin
assets only, caching headers, 304s), then opens both pages in headless Chromium with every host except
127.0.0.1 made unresolvable, and checks that the rendered DOM lists every operation, as read by the page from
/openapi.json.

Usage: test_docs.py SERVER_BINARY [OPENAPI_YAML]
Exit status: 0 all passed, 1 something failed, 77 skipped (Chromium is not installed).
Standard library only, plus PyYAML (python3-yaml, which the build needs anyway).
Environment: CHROMIUM (browser binary), ASYNC_DEMO_SCREENSHOT_DIR (also save PNG screenshots there).
"""

import html.parser
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import yaml

SKIP = 77
START_TIMEOUT = 20  # s, for the "listening on" line
STOP_TIMEOUT = 15  # s, after SIGTERM
HTTP_TIMEOUT = 10  # s, per request
BROWSER_TIMEOUT = 120  # s, per Chromium run
VIRTUAL_TIME_BUDGET = 15000  # ms of page time Chromium lets pass before dumping the DOM

# Hosts Chromium's own background services may try to reach (they are unresolvable here anyway);
# any other host in the network log means the page asked for something off this machine.
BROWSER_SERVICE_HOST_SUFFIXES = ('google.com', 'googleapis.com', 'gstatic.com', 'gvt1.com', 'gvt2.com',
                                 'googleusercontent.com')

HERE = os.path.dirname(os.path.abspath(__file__))


class Results:
    """Counts checks and prints one line per check."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=''):
        if ok:
            self.passed += 1
            print(f'ok - {what}', flush=True)
        else:
            self.failed += 1
            print(f'FAIL - {what}' + (f': {detail}' if detail else ''), flush=True)
        return ok


def find_chromium():
    for cand in (os.environ.get('CHROMIUM'), 'chromium', 'chromium-browser', '/usr/bin/chromium'):
        if cand:
            path = shutil.which(cand)
            if path:
                return path
    return None


def load_operations(spec_path):
    """[(method, path, operationId, summary, tags)] from the spec."""
    with open(spec_path, encoding='utf-8') as f:
        spec = yaml.safe_load(f)
    ops = []
    for path, item in spec['paths'].items():
        for method, op in item.items():
            if method in ('get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'):
                ops.append((method, path, op['operationId'], op['summary'], op.get('tags') or ['default']))
    return spec, ops


class Server:
    """The server binary on a free loopback port, with its stderr collected."""

    def __init__(self, binary):
        env = dict(os.environ, PORT='0', HOST='127.0.0.1', WORKERS='1')
        self.proc = subprocess.Popen([binary], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, errors='replace')
        self.lines = []
        self.port = None
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip('\n'))
            if self.port is None:
                m = re.search(r'listening on http://127\.0\.0\.1:(\d+)', line)
                if m:
                    self.port = int(m.group(1))
                    self.ready.set()
        self.ready.set()  # EOF: the server exited

    def wait_ready(self):
        self.ready.wait(START_TIMEOUT)
        return self.port

    def stop(self):
        """SIGTERM, then SIGKILL if it does not exit in time.  Returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT)
        self.reader.join(STOP_TIMEOUT)
        return self.proc.returncode

    def log_tail(self, n=20):
        return '\n'.join(self.lines[-n:])


# No proxy: the server is on loopback.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url, headers=None):
    """(status, headers, body) of a GET; HTTP errors are answers too."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(req, timeout=HTTP_TIMEOUT) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


class ResourceLinks(html.parser.HTMLParser):
    """Every URL a page makes the browser load: script src, link href, img src, and spec-url."""

    def __init__(self):
        super().__init__()
        self.urls = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'script':
            if a.get('src'):
                self.urls.append(('script', a['src']))
            else:
                self._in_script = True
        elif tag == 'link' and a.get('href'):
            self.urls.append((f"link rel={a.get('rel')}", a['href']))
        elif tag in ('img', 'iframe') and a.get('src'):
            self.urls.append((tag, a['src']))
        elif tag == 'redoc' and a.get('spec-url'):
            self.urls.append(('redoc spec-url', a['spec-url']))

    def handle_endtag(self, tag):
        if tag == 'script':
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1


def same_origin(url, origin):
    """Whether @url, as written in a page served from @origin, stays on that origin."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == '' and parts.netloc == '':
        return not url.startswith('//')
    return f'{parts.scheme}://{parts.netloc}' == origin


def check_page(results, base, page):
    """Fetch a documentation page and the files it references; return the referenced URLs."""
    status, headers, body = http_get(base + page)
    results.check(status == 200, f'GET {page} answers 200', f'status {status}')
    results.check((headers.get('Content-Type') or '').startswith('text/html'), f'{page} is HTML',
                  headers.get('Content-Type'))
    results.check(headers.get('Cache-Control') == 'no-cache', f'{page} has Cache-Control: no-cache',
                  headers.get('Cache-Control'))
    csp = headers.get('Content-Security-Policy') or ''
    results.check("default-src 'self'" in csp and 'http' not in csp,
                  f'{page} has a same-origin-only Content-Security-Policy', csp)
    etag = headers.get('ETag')
    if results.check(bool(etag), f'{page} has an ETag'):
        status, _, _ = http_get(base + page, {'If-None-Match': etag})
        results.check(status == 304, f'{page} with If-None-Match answers 304', f'status {status}')

    parser = ResourceLinks()
    parser.feed(body.decode('utf-8', 'replace'))
    results.check(parser.urls, f'{page} references its assets')
    foreign = [u for _, u in parser.urls if not same_origin(u, base)]
    results.check(not foreign, f'{page} references only same-origin URLs', ', '.join(foreign))
    results.check(parser.inline_scripts == 0, f'{page} has no inline scripts (CSP script-src \'self\')')
    for kind, url in parser.urls:
        if not same_origin(url, base):
            continue
        full = urllib.parse.urljoin(base + page, url)
        path = urllib.parse.urlsplit(full).path
        status, headers, body = http_get(full, {'Accept-Encoding': 'identity'})
        results.check(status == 200 and len(body) > 0, f'{page}: {kind} {path} answers 200 with a body',
                      f'status {status}, {len(body)} bytes')
        if path.startswith('/static/'):
            results.check(headers.get('Cache-Control') == 'public, max-age=31536000, immutable',
                          f'{path} is cached as immutable', headers.get('Cache-Control'))
            etag = headers.get('ETag')
            if results.check(bool(etag), f'{path} has an ETag'):
                status, _, _ = http_get(full, {'If-None-Match': etag})
                results.check(status == 304, f'{path} with If-None-Match answers 304', f'status {status}')
    return parser.urls


def check_gzip(results, base, urls):
    """The big static files come gzip-compressed to a client that accepts it (if the build embedded .gz)."""
    import gzip
    for _, url in urls:
        path = urllib.parse.urlsplit(urllib.parse.urljoin(base + '/', url)).path
        if not path.endswith('.js') or not path.startswith('/static/'):
            continue
        _, _, plain = http_get(base + path, {'Accept-Encoding': 'identity'})
        status, headers, body = http_get(base + path, {'Accept-Encoding': 'gzip'})
        if headers.get('Content-Encoding') != 'gzip':
            print(f'# {path}: not gzip-compressed (built with ASYNC_DEMO_DOCS_GZIP=OFF?)')
            continue
        results.check(status == 200 and gzip.decompress(body) == plain,
                      f'{path} with Accept-Encoding: gzip decompresses to the same file')
        results.check('accept-encoding' in (headers.get('Vary') or '').lower(), f'{path} has Vary: Accept-Encoding')


def run_chromium(chromium, url, workdir, name):
    """Load @url headless; return (dom, urls_requested, stderr_tail).  Only 127.0.0.1 resolves."""
    profile = tempfile.mkdtemp(prefix='profile-', dir=workdir)
    netlog = os.path.join(workdir, f'{name}-netlog.json')
    args = [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
            '--disable-default-apps', '--disable-extensions', '--mute-audio', '--no-default-browser-check',
            f'--user-data-dir={profile}', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
            f'--log-net-log={netlog}', f'--virtual-time-budget={VIRTUAL_TIME_BUDGET}', '--window-size=1280,2000']
    shot_dir = os.environ.get('ASYNC_DEMO_SCREENSHOT_DIR')
    env = dict(os.environ, HOME=workdir)  # keep Chromium's caches and crash dumps out of the real home
    proc = subprocess.run(args + ['--dump-dom', url], stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=BROWSER_TIMEOUT, env=env, text=True, errors='replace')
    if shot_dir:
        os.makedirs(shot_dir, exist_ok=True)
        shot = os.path.join(os.path.abspath(shot_dir), f'{name}.png')
        subprocess.run(args + [f'--screenshot={shot}', url], stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=BROWSER_TIMEOUT, env=env)
        print(f'# screenshot: {shot}')
    requested = []
    try:
        with open(netlog, encoding='utf-8', errors='replace') as f:
            requested = sorted(set(re.findall(r'"url":"([^"]+)"', f.read())))
    except OSError:
        pass
    return proc.stdout, requested, '\n'.join(proc.stderr.splitlines()[-15:])


def foreign_requests(requested):
    """URLs from the network log that are neither on 127.0.0.1 nor Chromium's own background services."""
    out = []
    for url in requested:
        host = urllib.parse.urlsplit(url).hostname or ''
        if host in ('127.0.0.1', '') or url.startswith(('data:', 'blob:', 'chrome:', 'about:')):
            continue
        if any(host == s or host.endswith('.' + s) for s in BROWSER_SERVICE_HOST_SUFFIXES):
            continue
        out.append(url)
    return out


def dom_text(dom):
    """The DOM with tags removed and entities decoded, whitespace collapsed."""
    import html as h
    return re.sub(r'\s+', ' ', h.unescape(re.sub(r'<[^>]+>', ' ', dom)))


def check_swagger_dom(results, dom, ops, spec):
    """Swagger UI renders every operation at once: its deep-link anchor, path and summary."""
    text = dom_text(dom)
    results.check(spec['info']['title'] in text, 'Swagger UI shows the API title')
    for method, path, op_id, summary, tags in ops:
        # Swagger UI's deep-link anchors: id="operations-<tag>-<operationId>".
        anchor = re.search(r'id="operations-[^"]*-' + re.escape(op_id) + '"', dom) is not None
        # The operation's own path element (its text has <wbr> breaks; the description may quote paths too).
        shown = f'data-path="{html.escape(path)}"' in dom
        results.check(anchor and summary in text and shown,
                      f'Swagger UI lists {method.upper()} {path} ({op_id})',
                      f'anchor={anchor} summary={summary in text} path={shown}')


def check_redoc_tag_dom(results, dom, tag, ops):
    """ReDoc 3 renders one tag's operations at /redoc#/<tag>: a link #/<tag>/<operationId> and the summary."""
    text = dom_text(dom)
    for method, path, op_id, summary, tags in ops:
        link = f'href="#/{tag}/{op_id}"' in dom
        results.check(link and summary in text and path in text,
                      f'ReDoc lists {method.upper()} {path} ({op_id}) under #/{tag}',
                      f'link={link} summary={summary in text} path={path in text}')


def render(results, chromium, url, workdir, name):
    """Run Chromium on @url and check it rendered without asking another host for anything; return the DOM."""
    try:
        dom, requested, err = run_chromium(chromium, url, workdir, name)
    except subprocess.TimeoutExpired:
        results.check(False, f'Chromium renders {url} within {BROWSER_TIMEOUT} s')
        return None
    if not results.check(len(dom) > 1000, f'Chromium renders {url}', f'{len(dom)} bytes of DOM\n{err}'):
        return None
    results.check(any(u.endswith('/openapi.json') for u in requested), f'{url} loaded /openapi.json',
                  ', '.join(requested))
    foreign = foreign_requests(requested)
    results.check(not foreign, f'{url} requested nothing from another host', ', '.join(foreign))
    return dom


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary = os.path.abspath(argv[1])
    spec_path = argv[2] if len(argv) > 2 else os.path.join(HERE, '..', '..', 'openapi.yaml')
    chromium = find_chromium()
    if chromium is None:
        print('SKIP: Chromium is not installed (apt-get install chromium)')
        return SKIP
    spec, ops = load_operations(spec_path)
    results = Results()

    server = Server(binary)
    workdir = tempfile.mkdtemp(prefix='async-demo-browser-')
    try:
        port = server.wait_ready()
        if not results.check(port is not None, 'server starts and logs "listening on"', server.log_tail()):
            return 1
        base = f'http://127.0.0.1:{port}'

        # The spec as served, against openapi.yaml.
        status, headers, body = http_get(base + '/openapi.json')
        served = json.loads(body) if status == 200 else {}
        results.check(status == 200 and served.get('paths', {}).keys() == spec['paths'].keys(),
                      '/openapi.json serves the paths of openapi.yaml', f'status {status}')
        results.check(headers.get('Cache-Control') == 'no-cache', '/openapi.json has Cache-Control: no-cache')

        docs_urls = check_page(results, base, '/docs')
        redoc_urls = check_page(results, base, '/redoc')
        check_page(results, base, '/docs/oauth2-redirect')
        check_gzip(results, base, docs_urls + redoc_urls)
        status, headers, _ = http_get_method(base + '/docs', 'POST')
        results.check(status == 405 and 'GET' in (headers.get('Allow') or ''), 'POST /docs answers 405 with Allow',
                      f'status {status}, Allow {headers.get("Allow")}')

        dom = render(results, chromium, base + '/docs', workdir, 'docs')
        if dom is not None:
            check_swagger_dom(results, dom, ops, spec)
        dom = render(results, chromium, base + '/redoc', workdir, 'redoc')
        if dom is not None:
            results.check(spec['info']['title'] in dom_text(dom), 'ReDoc shows the API title')
            # ReDoc 3 renders the operations of one tag at a time; every operation is listed under its first tag.
            tag_names = [t['name'] for t in spec.get('tags', [])]
            untagged = [op[2] for op in ops if op[4][0] not in tag_names]
            results.check(not untagged, 'every operation\'s first tag is declared in tags', ', '.join(untagged))
            for tag in tag_names:
                tag_ops = [op for op in ops if op[4][0] == tag]
                if not tag_ops:
                    continue
                dom = render(results, chromium, f'{base}/redoc#/{tag}', workdir, f'redoc-{tag}')
                if dom is not None:
                    check_redoc_tag_dom(results, dom, tag, tag_ops)
    finally:
        code = server.stop()
        print(f'# server exited with status {code}')
        shutil.rmtree(workdir, ignore_errors=True)

    print(f'{results.passed} passed, {results.failed} failed')
    return 0 if results.failed == 0 else 1


def http_get_method(url, method):
    req = urllib.request.Request(url, method=method, data=b'' if method in ('POST', 'PUT', 'PATCH') else None)
    try:
        with OPENER.open(req, timeout=HTTP_TIMEOUT) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
