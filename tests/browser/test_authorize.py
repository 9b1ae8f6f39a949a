#!/usr/bin/python3
"""Browser test: Swagger UI's "Authorize" button works with the service's security schemes.

Starts the real server with an admin API key (ADMIN_API_KEYS) and a metrics token (METRICS_TOKEN), opens
/docs in headless Chromium (driven over the DevTools protocol, cdp_pipe.py; every host but 127.0.0.1
unresolvable) and uses the page as a person would, with clicks and typing:
  - DELETE /users/{user_email} with "Try it out" / "Execute" answers 401 before authorizing, and GET /metrics
    401 too;
  - "Authorize", the API key typed into adminKey's field and the token into metricsBearer's, "Authorize",
    "Close";
  - the same DELETE then answers 204 (and the user is gone: GET answers 404), and /metrics 200.

Usage: test_authorize.py SERVER_BINARY
Exit status: 0 all passed, 1 something failed, 77 skipped (Chromium is not installed).
"""

import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cdp_pipe import Browser, CdpError  # noqa: E402
from test_docs import OPENER, SKIP, Results, Server, find_chromium, http_get  # noqa: E402

ADMIN_KEY = 'browser-admin-key-0123456789'
METRICS_TOKEN = 'browser-metrics-token-0123456789'
EMAIL = 'swagger@example.com'

# Helpers the page gets once: wait for elements, type into React's inputs, run an operation.
DRIVER = r'''
window.__t = window.__t || {
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  async find(sel, root = document, ms = 15000) {
    const end = Date.now() + ms;
    for (;;) {
      const el = root.querySelector(sel);
      if (el) return el;
      if (Date.now() > end) throw new Error('no element ' + sel);
      await this.sleep(50);
    }
  },
  type(el, value) {  /* React listens to input events and reads the value through the prototype's setter */
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, value);
    el.dispatchEvent(new Event('input', {bubbles: true}));
  },
  async execute(opId, params) {  /* expand, Try it out, fill, Execute; the status shown */
    const op = await this.find('[id$="-' + opId + '"]');
    if (!op.classList.contains('is-open')) (await this.find('.opblock-summary-control', op)).click();
    const tryOut = await this.find('.try-out__btn', op);
    if (!tryOut.classList.contains('cancel')) tryOut.click();
    for (const [name, value] of Object.entries(params)) {
      this.type(await this.find('tr[data-param-name="' + name + '"] input', op), value);
    }
    const clear = op.querySelector('button.btn-clear');  /* the previous answer, if any, goes first */
    if (clear) clear.click();
    for (let i = 0; op.querySelector('.live-responses-table') && i < 100; i++) await this.sleep(50);
    (await this.find('button.execute', op)).click();
    const status = await this.find('.live-responses-table tbody .response-col_status', op);
    return status.textContent.trim().split(/\s/)[0];  /* "401" (a note may follow: "Undocumented") */
  },
  async authorize(values) {  /* the Authorize dialog: a value per scheme, Authorize each, Close */
    (await this.find('.auth-wrapper button.authorize')).click();
    const dialog = await this.find('.modal-ux');
    for (const [scheme, value] of Object.entries(values)) {
      const box = [...dialog.querySelectorAll('.auth-container')].find(
          (c) => c.querySelector('h4') && c.querySelector('h4').textContent.includes(scheme));
      if (!box) throw new Error('no Authorize box for ' + scheme);
      this.type(await this.find('input', box), value);
      (await this.find('button.authorize', box)).click();
      await this.find('button.btn-done, button.logout', box);
    }
    (await this.find('button.btn-done', dialog)).click();
  },
};
true
'''


def post_json(url, obj):
    req = urllib.request.Request(url, data=json.dumps(obj).encode(), headers={'Content-Type': 'application/json'})
    with OPENER.open(req, timeout=10) as resp:
        return resp.status


def drive(results, chromium, base, workdir):
    args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-default-apps',
            '--disable-extensions', '--mute-audio', '--no-default-browser-check',
            f'--user-data-dir={tempfile.mkdtemp(prefix="profile-", dir=workdir)}',
            '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--window-size=1280,2000', 'about:blank']
    with Browser(chromium, args, dict(os.environ, HOME=workdir)) as b:
        b.open(base + '/docs')
        deadline = time.monotonic() + 30
        while b.evaluate("location.pathname + ' ' + document.readyState") != '/docs complete':
            if time.monotonic() > deadline:
                raise CdpError('/docs did not load')
            time.sleep(0.1)
        b.evaluate(DRIVER)
        def execute(op, params):
            return b.evaluate('window.__t.execute(%s, %s)' % (json.dumps(op), json.dumps(params)))

        got = execute('delete_user', {'user_email': EMAIL})
        results.check(got == '401', 'Swagger UI: DELETE /users/{user_email} before "Authorize" answers 401', got)
        got = execute('metrics', {})
        results.check(got == '401', 'Swagger UI: GET /metrics before "Authorize" answers 401', got)
        b.evaluate('window.__t.authorize(%s)' % json.dumps({'adminKey': ADMIN_KEY, 'metricsBearer': METRICS_TOKEN}))
        results.check(b.evaluate("document.querySelector('.auth-wrapper button.authorize').classList"
                                 ".contains('locked')"), 'Swagger UI shows the lock closed after "Authorize"')
        got = execute('delete_user', {'user_email': EMAIL})
        results.check(got == '204', 'Swagger UI: DELETE /users/{user_email} after "Authorize" (X-API-Key) answers 204',
                      got)
        got = execute('metrics', {})
        results.check(got == '200', 'Swagger UI: GET /metrics after "Authorize" (bearer token) answers 200', got)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    chromium = find_chromium()
    if chromium is None:
        print('SKIP: Chromium is not installed (apt-get install chromium)')
        return SKIP
    results = Results()
    workdir = tempfile.mkdtemp(prefix='async-demo-authorize-')
    os.environ.update(ADMIN_API_KEYS=ADMIN_KEY, METRICS_TOKEN=METRICS_TOKEN,
                      DATABASE_URL='sqlite:///' + os.path.join(workdir, 'test.db'))
    server = Server(os.path.abspath(argv[1]))
    try:
        port = server.wait_ready()
        if not results.check(port is not None, 'server starts and logs "listening on"', server.log_tail()):
            return 1
        base = f'http://127.0.0.1:{port}'
        results.check(post_json(base + '/users/', {'email': EMAIL, 'full_name': 'Swagger'}) == 201, 'user created')
        try:
            drive(results, chromium, base, workdir)
        except (CdpError, OSError) as e:
            results.check(False, 'Chromium is driven through the DevTools protocol', str(e))
        status, _, _ = http_get(base + '/users/' + EMAIL)
        results.check(status == 404, 'the user deleted through Swagger UI is gone', f'status {status}')
        log = '\n'.join(server.lines)
        results.check(ADMIN_KEY not in log and METRICS_TOKEN not in log, 'no secret in the server log')
    finally:
        code = server.stop()
        print(f'# server exited with status {code}')
        shutil.rmtree(workdir, ignore_errors=True)
    print(f'{results.passed} passed, {results.failed} failed')
    return 0 if results.failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
