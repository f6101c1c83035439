"""Driving a page with the keyboard alone, and checking where focus is and that it shows.

Only ``page.keyboard`` moves focus or presses anything; these helpers read the page's state.
"""

from __future__ import annotations

import contextlib

# How long a new page may take to place its focus (autofocus waits for the first rendering).
FOCUS_WAIT_MS = 2000

# Where focus is, whether it is still in the page, and how its ring looks: the computed
# outline of the focused element and the colour behind it (the first opaque ancestor).
_FOCUS_STATE = """() => {
  const el = document.activeElement;
  function rgb(text) {
    const m = text.match(/rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?/);
    if (!m) { return null; }
    return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  }
  function luminance(c) {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function behind(node) {
    for (let n = node && node.parentElement; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0.99) { return c; }
    }
    return [255, 255, 255, 1];
  }
  if (!el || el === document.body || el === document.documentElement) {
    return { where: el ? el.tagName : null };
  }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const ring = rgb(style.outlineColor);
  const back = behind(el);
  const [hi, lo] = [luminance(ring || back), luminance(back)].sort((a, b) => b - a);
  return {
    where: el.tagName,
    id: el.id,
    name: el.getAttribute("name"),
    text: (el.innerText || el.value || "").trim().slice(0, 80),
    connected: el.isConnected,
    shown: box.width > 0 && box.height > 0 && style.visibility !== "hidden",
    focusVisible: el.matches(":focus-visible"),
    outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    contrast: (hi + 0.05) / (lo + 0.05),
  };
}"""


def focus_state(page) -> dict:
    """Return what has focus and how its focus ring looks."""
    return page.evaluate(_FOCUS_STATE)


def assert_focus_shown(page, step: str) -> dict:
    """Assert focus is on an element in the page (not the body, not removed) and that it
    shows a focus ring at least 2 px wide with 3:1 contrast against what is behind it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    # A new page's autofocus lands at its first rendering, which may come after "load": give
    # it that moment (a page that never places focus still fails below).
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            "() => document.activeElement && document.activeElement !== document.body",
            timeout=FOCUS_WAIT_MS,
        )
    state = focus_state(page)
    assert state["where"] not in (None, "BODY", "HTML"), f"{step}: focus is lost ({state})"
    assert state["connected"] and state["shown"], f"{step}: focus is on a gone element {state}"
    assert state["focusVisible"], f"{step}: focus is not shown as keyboard focus {state}"
    assert state["outline"] >= 2, f"{step}: focus ring thinner than 2 px {state}"
    assert state["contrast"] >= 3, f"{step}: focus ring contrast below 3:1 {state}"
    return state


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 120) -> dict:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has focus, checking
    at every stop that focus is shown; return the focus state there."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        state = assert_focus_shown(page, f"{key} towards {selector}")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return state
    raise AssertionError(f"{selector} was not reached with {key} in {limit} presses")


def live_text(page, *, assertive: bool = False) -> str:
    """Return what the page's polite (or assertive) live region says now."""
    region = "#announce-assertive" if assertive else "#announce-polite"
    return page.locator(region).text_content() or ""


def wait_for_new_announcement(page, before: str, *, assertive: bool = False) -> str:
    """Wait until the live region says something other than ``before``; return it."""
    region = "#announce-assertive" if assertive else "#announce-polite"
    # The words seen are returned: read again, the region might already be emptied for the
    # next announcement.
    said = page.wait_for_function(
        "([region, before]) => { const t = document.querySelector(region).textContent;"
        " return t && t !== before ? t : false; }",
        arg=[region, before],
    )
    return said.json_value()


def type_into(page, selector: str, text: str) -> None:
    """Tab to the field ``selector`` and type ``text`` into it."""
    tab_to(page, selector)
    page.keyboard.type(text)


def log_in_by_keyboard(page, staff) -> None:
    """Log in as ``staff`` on the login form using only the keyboard."""
    page.goto("/login")
    type_into(page, "input[name='login']", staff.login)
    type_into(page, "input[name='password']", staff.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
