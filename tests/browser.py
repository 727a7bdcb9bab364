#!/usr/bin/python3
"""browser.py OUTDIR NAME PAGE.html: open an HTML page of crm-report in
Debian's headless chromium, driven through the DevTools protocol (CDP) over
a websocket (python3-websocket), at 390 and at 1280 CSS pixels wide.  At
each width it checks that the page is no wider than the window
(scrollWidth <= innerWidth), that every chart has a non-empty box inside
the window and visible axis labels, that no two texts of a chart and no
two neighbouring blocks overlap, and that the console said no error; it
writes a full-page screenshot OUTDIR/NAME-WIDTH.png for a person to look
at.  Prints one line per problem ("WIDTH: what"); exit 0 when none, 1 when
some, 2 when the browser could not be driven."""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

WIDTHS = (390, 1280)

# Run in the page: a list of problems.  Boxes overlap when they share more
# than a pixel both ways (glyph boxes of neighbouring lines may touch).
# WIDTH is the screen's: a phone's browser widens its layout viewport (and
# innerWidth) to a page that overflows, so the page is held to both.
CHECK = r"""
(() => {
  const p = [], W = Math.min(innerWidth, WIDTH);
  const over = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const shown = e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
  const name = e => (e.getAttribute('aria-label') || e.tagName).slice(0, 60);
  const de = document.documentElement;
  if (de.scrollWidth > W || innerWidth > WIDTH)
    p.push(`page is ${Math.max(de.scrollWidth, innerWidth)}px wide in a ${WIDTH}px window`);
  const charts = [...document.querySelectorAll('svg')];
  if (charts.length === 0 && document.querySelector('table'))
    p.push('no chart on the page');
  for (const s of charts) {
    const r = s.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) { p.push(`chart ${name(s)}: empty box`); continue; }
    if (r.left < -0.5 || r.right > W + 0.5)
      p.push(`chart ${name(s)}: ${r.left}..${r.right} outside the window`);
    const ticks = [...s.querySelectorAll('text.tick')];
    if (ticks.length < 2) p.push(`chart ${name(s)}: no axis labels`);
    const texts = [...s.querySelectorAll('text')].map(t => [t, t.getBoundingClientRect()]);
    for (const [t, b] of texts) {
      if (!(b.width > 0 && b.height > 0) && t.textContent !== '')
        p.push(`chart ${name(s)}: label "${t.textContent}" has no box`);
      else if (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1)
        p.push(`chart ${name(s)}: label "${t.textContent}" cut off`);
    }
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++)
        if (over(texts[i][1], texts[j][1]))
          p.push(`chart ${name(s)}: "${texts[i][0].textContent}" overlaps "${texts[j][0].textContent}"`);
  }
  const parents = [document.body, ...document.querySelectorAll('header, section, .tab, .tile, details, nav')];
  for (const e of parents) {
    const kids = [...e.children].filter(shown);
    for (let i = 0; i + 1 < kids.length; i++) {
      const a = kids[i].getBoundingClientRect(), b = kids[i + 1].getBoundingClientRect();
      if (over(a, b) && !(e.matches('.tiles, nav')))
        p.push(`${kids[i].tagName}.${kids[i].className} overlaps the next ${kids[i + 1].tagName}`);
    }
  }
  // Tiles and links in a row: none overlaps another.
  for (const sel of ['.tile', 'nav a']) {
    const all = [...document.querySelectorAll(sel)].map(e => e.getBoundingClientRect());
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++)
        if (over(all[i], all[j])) p.push(`${sel} ${i} overlaps ${sel} ${j}`);
  }
  return p.slice(0, 40);
})()
"""


class Tab:
    def __init__(self, url):
        self.ws = websocket.create_connection(url, timeout=30,
                                              suppress_origin=True)
        self.n = 0
        self.events = []

    def call(self, method, **params):
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method,
                                 "params": params}))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == self.n:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait(self, method, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            for i, m in enumerate(self.events):
                if m.get("method") == method:
                    del self.events[i]
                    return m
            self.events.append(json.loads(self.ws.recv()))
        raise RuntimeError("no %s within %ds" % (method, timeout))


def errors(events):
    out = []
    for m in events:
        meth, p = m.get("method"), m.get("params", {})
        if meth == "Runtime.consoleAPICalled" and p.get("type") == "error":
            out.append("console: " + " ".join(
                str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif meth == "Runtime.exceptionThrown":
            out.append("exception: " + p["exceptionDetails"].get("text", ""))
        elif meth == "Log.entryAdded" and p["entry"].get("level") == "error":
            out.append("console: " + p["entry"].get("text", ""))
    return out


def main():
    if len(sys.argv) != 4:
        print("usage: browser.py OUTDIR NAME PAGE.html", file=sys.stderr)
        return 2
    outdir, name, page = sys.argv[1:]
    url = "file://" + os.path.abspath(page)
    prof = tempfile.mkdtemp(prefix="crm-browser.")
    proc = subprocess.Popen(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
         "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio",
         "--remote-debugging-port=0", "--user-data-dir=" + prof,
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    problems = []
    try:
        port_file = os.path.join(prof, "DevToolsActivePort")
        end = time.time() + 30
        while not (os.path.exists(port_file) and
                   len(open(port_file).read().split("\n")) >= 2):
            if time.time() > end or proc.poll() is not None:
                print("chromium did not start", file=sys.stderr)
                return 2
            time.sleep(0.1)
        port = open(port_file).read().split("\n")[0]
        targets = json.load(urllib.request.urlopen(
            "http://127.0.0.1:%s/json/list" % port, timeout=10))
        ws = [t for t in targets if t["type"] == "page"][0]
        tab = Tab(ws["webSocketDebuggerUrl"])
        for dom in ("Page", "Runtime", "Log"):
            tab.call(dom + ".enable")
        for w in WIDTHS:
            tab.call("Emulation.setDeviceMetricsOverride", width=w,
                     height=900, deviceScaleFactor=1, mobile=w < 600)
            tab.events = []
            tab.call("Page.navigate", url=url)
            tab.wait("Page.loadEventFired")
            res = tab.call("Runtime.evaluate", returnByValue=True,
                           expression=CHECK.replace("WIDTH", str(w)))
            if "exceptionDetails" in res:
                problems.append("%d: the check failed: %s" % (
                    w, res["exceptionDetails"]))
            else:
                problems += ["%d: %s" % (w, p)
                             for p in res["result"]["value"]]
            problems += ["%d: %s" % (w, e) for e in errors(tab.events)]
            size = tab.call("Page.getLayoutMetrics")["cssContentSize"]
            shot = tab.call("Page.captureScreenshot", format="png",
                            captureBeyondViewport=True,
                            clip={"x": 0, "y": 0, "width": w,
                                  "height": min(size["height"], 16000),
                                  "scale": 1})
            with open(os.path.join(outdir, "%s-%d.png" % (name, w)),
                      "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        tab.ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(prof, ignore_errors=True)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
