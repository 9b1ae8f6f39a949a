#!/usr/bin/python3
"""Browser test: Swagger UI's Authorize dialog logs in to the pet store with its oauth2 password flow.

Starts examples/petstore with an administrator (PETSTORE_ADMIN), opens its /api/v3/docs in headless Chromium
(driven over the DevTools protocol, cdp_pipe.py; every host but 127.0.0.1 unresolvable) and uses the page as a
person would, with clicks and typing, as in FastAPI's OAuth2 tutorial:
  - "Authorize", in oauth2's box (password flow, tokenUrl users/login): the administrator's username and
    password typed, the scope admin ticked, "Authorize": Swagger UI posts its form to the token endpoint and
    takes the access_token of the answer; "Close";
  - DELETE /pets/{petId} ("Try it out", "Execute") then answers 204 (Authorization: Bearer <access_token>, the scope admin), and the pet is
    gone (GET answers 404).
A wrong password shows the token endpoint's error in the dialog and authorizes nothing.

Usage: test_petstore_oauth2.py PETSTORE_BINARY
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
from test_authorize import DRIVER  # noqa: E402
from test_docs import OPENER, SKIP, Results, Server, find_chromium, http_get  # noqa: E402

BASE = '/api/v3'
API_KEY = 'browser-petstore-key-0123456789'
ADMIN = ('admin', 'browser admin password 42')

# oauth2's box of the Authorize dialog: username, password, scopes ticked, "Authorize"; what the box shows then.
OAUTH2 = r'''
window.__t.oauth2 = async function (username, password, scopes) {
  const t = window.__t;
  if (!document.querySelector('.modal-ux')) (await t.find('.auth-wrapper button.authorize')).click();
  const dialog = await t.find('.modal-ux');
  const box = [...dialog.querySelectorAll('.auth-container')].find(
      (c) => c.querySelector('h4') && c.querySelector('h4').textContent.startsWith('oauth2 (OAuth2, password)'));
  if (!box) throw new Error('no Authorize box for oauth2');
  t.type(await t.find('#oauth_username', box), username);
  t.type(await t.find('#oauth_password', box), password);
  for (const s of scopes) {
    const tick = await t.find('input[data-value="' + s + '"]', box);
    if (!tick.checked) tick.click();
  }
  const before = box.querySelectorAll('.errors').length;  /* an earlier attempt's error stays shown */
  (await t.find('button.authorize', box)).click();
  for (let i = 0; i < 200; i++) {  /* the token endpoint's answer: "Authorized", else one more error */
    if (box.querySelector('h6') || box.querySelectorAll('.errors').length > before) break;
    await t.sleep(50);
  }
  const errors = box.querySelectorAll('.errors');
  return {authorized: !!box.querySelector('h6'),
          error: errors.length > before ? errors[errors.length - 1].textContent : null};
};
window.__t.close = async function () {
  (await window.__t.find('.modal-ux button.btn-done')).click();
};
true
'''


def request(method, url, obj=None, headers=None):
    data = json.dumps(obj).encode() if obj is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}, **(
        {'Content-Type': 'application/json'} if data else {})))
    try:
        with OPENER.open(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b'null')
    except urllib.error.HTTPError as e:
        return e.code, None


def drive(results, chromium, base, pet, workdir):
    args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-default-apps',
            '--disable-extensions', '--mute-audio', '--no-default-browser-check',
            f'--user-data-dir={tempfile.mkdtemp(prefix="profile-", dir=workdir)}',
            '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--window-size=1280,2000', 'about:blank']
    with Browser(chromium, args, dict(os.environ, HOME=workdir)) as b:
        b.open(base + BASE + '/docs')
        deadline = time.monotonic() + 30
        while b.evaluate("location.pathname + ' ' + document.readyState") != BASE + '/docs complete':
            if time.monotonic() > deadline:
                raise CdpError('/docs did not load')
            time.sleep(0.1)
        b.evaluate(DRIVER)
        b.evaluate(OAUTH2)

        def execute(op, params):
            return b.evaluate('window.__t.execute(%s, %s)' % (json.dumps(op), json.dumps(params)))

        # Not tried before authorizing: its 401 challenges Basic too (WWW-Authenticate: Basic realm="petstore"),
        # and Chromium then waits for its own login prompt, which headless never shows (test_petstore.py has it)
        got = b.evaluate('window.__t.oauth2(%s, %s, ["admin"])' % (json.dumps(ADMIN[0]), json.dumps('wrong')))
        results.check(not got['authorized'] and got['error'] is not None and 'invalid_grant' in got['error'],
                      'Swagger UI: a wrong password shows the token endpoint\'s error (invalid_grant)', got)
        got = b.evaluate('window.__t.oauth2(%s, %s, ["admin"])' % tuple(json.dumps(v) for v in ADMIN))
        results.check(got['authorized'], 'Swagger UI: "Authorize" with the password flow logs in (users/login)',
                      got)
        b.evaluate('window.__t.close()')
        got = execute('delete_pet', {'petId': str(pet)})
        results.check(got == '204', 'Swagger UI: DELETE /pets/{petId} after "Authorize" (oauth2, scope admin) '
                      'answers 204', got)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    chromium = find_chromium()
    if chromium is None:
        print('SKIP: Chromium is not installed (apt-get install chromium)')
        return SKIP
    results = Results()
    workdir = tempfile.mkdtemp(prefix='petstore-oauth2-')
    os.environ.update(PETSTORE_API_KEY=API_KEY, PETSTORE_TOKEN='browser-petstore-token-0123456789',
                      PETSTORE_ADMIN='%s:%s' % ADMIN)
    server = Server(os.path.abspath(argv[1]))
    try:
        port = server.wait_ready()
        if not results.check(port is not None, 'server starts and logs "listening on"', server.log_tail()):
            return 1
        base = f'http://127.0.0.1:{port}'
        status, created = request('POST', base + BASE + '/pets', {'petType': 'cat', 'name': 'Swagger'},
                                  {'X-API-Key': API_KEY})
        if not results.check(status == 201, 'a pet to remove', status):
            return 1
        pet = created['pet']['id']
        try:
            drive(results, chromium, base, pet, workdir)
        except (CdpError, OSError) as e:
            results.check(False, 'Chromium is driven through the DevTools protocol', str(e))
        status, _, _ = http_get(f'{base}{BASE}/pets/{pet}', {'X-API-Key': API_KEY})
        results.check(status == 404, 'the pet removed through Swagger UI is gone', f'status {status}')
        log = '\n'.join(server.lines)
        results.check(ADMIN[1] not in log, 'no password in the server log')
    finally:
        code = server.stop()
        print(f'# server exited with status {code}')
        shutil.rmtree(workdir, ignore_errors=True)
    print(f'{results.passed} passed, {results.failed} failed')
    return 0 if results.failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
