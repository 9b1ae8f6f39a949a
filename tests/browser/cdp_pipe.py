"""A minimal Chrome DevTools Protocol client over Chromium's --remote-debugging-pipe (standard library only).

Chromium reads commands from its file descriptor 3 and writes answers and events to its descriptor 4, each
message one JSON text followed by a NUL byte; no WebSocket is needed.  One page (target) is driven through a
flattened session: Browser.evaluate() runs JavaScript in it and returns the value (awaiting promises).
"""

import json
import os
import select
import subprocess
import time


class CdpError(Exception):
    pass


class Browser:
    """Headless Chromium with a pipe to talk CDP over; use as a context manager."""

    def __init__(self, chromium, args, env):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def child_fds():  # descriptors 3 and 4 in Chromium, whatever numbers the pipes got here
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen([chromium, '--remote-debugging-pipe'] + args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                     close_fds=False, preexec_fn=child_fds)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b''
        self._id = 0
        self.session = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.send('Browser.close', session=False, timeout=5)
        except (CdpError, OSError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        os.close(self._to_chrome)
        os.close(self._from_chrome)

    def _read_message(self, deadline):
        while b'\0' not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CdpError('no answer from Chromium in time')
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 65536)
                if not chunk:
                    raise CdpError('Chromium closed the pipe')
                self._buf += chunk
        msg, self._buf = self._buf.split(b'\0', 1)
        return json.loads(msg)

    def send(self, method, params=None, session=True, timeout=30):
        """Send one command and wait for its answer (events met meanwhile are dropped); return its result."""
        self._id += 1
        msg = {'id': self._id, 'method': method, 'params': params or {}}
        if session and self.session:
            msg['sessionId'] = self.session
        os.write(self._to_chrome, json.dumps(msg).encode() + b'\0')
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get('id') == self._id:
                if 'error' in answer:
                    raise CdpError('%s: %s' % (method, answer['error']))
                return answer.get('result', {})

    def open(self, url):
        """Open @url in a new page and drive that page from now on."""
        target = self.send('Target.createTarget', {'url': url}, session=False)['targetId']
        self.session = self.send('Target.attachToTarget', {'targetId': target, 'flatten': True},
                                 session=False)['sessionId']

    def evaluate(self, expression, timeout=60):
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        r = self.send('Runtime.evaluate', {'expression': expression, 'awaitPromise': True, 'returnByValue': True},
                      timeout=timeout)
        if 'exceptionDetails' in r:
            d = r['exceptionDetails']
            raise CdpError('JavaScript: %s' % (d.get('exception', {}).get('description') or d.get('text')))
        return r['result'].get('value')
