"""Runs the walkthrough in docs/walkthrough.md (between `<!-- walkthrough:begin -->` and `<!-- walkthrough:end -->`)
against a running dev server and checks every answer, so the walkthrough cannot drift from what the
service does. `scripts/walkthrough.sh` starts a fresh dev server and calls this.

The walkthrough is a sequence of ```sh blocks, each run with bash in the environment the dev server
prints (API, BUYER_TOKEN, SELLER_TOKEN, ADMIN_TOKEN) plus what earlier answers captured; a ```json
or ```text block right after one is its expected answer. In an expected JSON answer:
  "$NAME"       the value is captured into NAME the first time, and must equal it afterwards
  "<time>"      an RFC 3339 time;  "<...>" (any other word) any value
  "...": "..."  in an object: other members may follow;  "..." as the last item of a list: more may follow
`--update` rewrites the expected answers from what the service answers, keeping those placeholders.

Usage: walkthrough.py docs/walkthrough.md [--update]
"""

import json
import os
import re
import subprocess
import sys

BEGIN, END = "<!-- walkthrough:begin -->", "<!-- walkthrough:end -->"
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
BLOCK = re.compile(r"```(sh|json|text)\n(.*?)```", re.S)
ELIDED = "..."


class Mismatch(Exception):
    pass


def matches(expected, actual, captured, path="answer"):
    """Checks `actual` against `expected`, capturing "$NAME" values into `captured`."""
    if isinstance(expected, str) and re.fullmatch(r"\$[A-Z_][A-Z0-9_]*", expected):
        name = expected[1:]
        value = actual if isinstance(actual, str) else json.dumps(actual)
        if name in captured and captured[name] != value:
            raise Mismatch(f"{path}: {value!r} is not ${name} ({captured[name]!r})")
        captured[name] = value
    elif expected == "<time>":
        if not (isinstance(actual, str) and TIME.match(actual)):
            raise Mismatch(f"{path}: {actual!r} is not an RFC 3339 time")
    elif isinstance(expected, str) and re.fullmatch(r"<[a-z_ ]+>", expected):
        if actual is None:
            raise Mismatch(f"{path}: expected a value, got null")
    elif isinstance(expected, dict):
        if not isinstance(actual, dict):
            raise Mismatch(f"{path}: expected an object, got {json.dumps(actual)}")
        open_ended = expected.get(ELIDED) == ELIDED
        keys = [key for key in expected if key != ELIDED]
        missing = [key for key in keys if key not in actual]
        extra = [key for key in actual if key not in expected]
        if missing or (extra and not open_ended):
            raise Mismatch(f"{path}: members missing {missing}, unexpected {extra}")
        for key in keys:
            matches(expected[key], actual[key], captured, f"{path}.{key}")
    elif isinstance(expected, list):
        open_ended = bool(expected) and expected[-1] == ELIDED
        items = expected[:-1] if open_ended else expected
        if not isinstance(actual, list) or len(actual) < len(items) or (len(actual) != len(items) and not open_ended):
            raise Mismatch(f"{path}: expected {len(items)} items, got {json.dumps(actual)}")
        for index, item in enumerate(items):
            matches(item, actual[index], captured, f"{path}[{index}]")
    elif expected != actual:
        raise Mismatch(f"{path}: expected {json.dumps(expected)}, got {json.dumps(actual)}")


# Members whose values differ on every run; `--update` writes them as "<name>".
VOLATILE = {"request_id", "order_string", "trade_no", "next_cursor", "close_seconds"}


def refreshed(expected, actual, captured, key=None):
    """`actual` written the way `expected` is: placeholders and elisions kept; what is new gets
    "$NAME" where it equals a captured value, "<time>" for times, "<key>" for volatile members."""
    if isinstance(expected, str) and (re.fullmatch(r"\$[A-Z_][A-Z0-9_]*", expected) or re.fullmatch(r"<[a-z_ ]+>", expected)):
        return expected
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.get(ELIDED) == ELIDED:
            out = {k: refreshed(expected[k], actual[k], captured, k) for k in expected if k != ELIDED and k in actual}
            out[ELIDED] = ELIDED
            return out
        return {k: refreshed(expected.get(k), value, captured, k) for k, value in actual.items()}
    if isinstance(actual, dict):
        return {k: refreshed(None, value, captured, k) for k, value in actual.items()}
    if isinstance(actual, list):
        items = expected if isinstance(expected, list) else []
        open_ended = bool(items) and items[-1] == ELIDED
        items = items[:-1] if open_ended else items
        shown = actual[: len(items)] if open_ended else actual
        out = [refreshed(items[i] if i < len(items) else None, value, captured, key) for i, value in enumerate(shown)]
        return out + [ELIDED] if open_ended else out
    if key in VOLATILE and actual is not None:
        return "<" + key + ">"
    if isinstance(actual, str):
        for name, value in captured.items():
            if actual == value:
                return "$" + name
        if TIME.match(actual):
            return "<time>"
    return actual


def main():
    readme = sys.argv[1]
    update = "--update" in sys.argv
    text = open(readme, encoding="utf-8").read()
    start, end = text.index(BEGIN), text.index(END)
    section = text[start:end]
    blocks = list(BLOCK.finditer(section))
    captured = {}
    replacements = []
    steps = 0
    for index, block in enumerate(blocks):
        kind, body = block.group(1), block.group(2)
        if kind != "sh":
            continue
        steps += 1
        environment = dict(os.environ, **captured)
        run = subprocess.run(["bash", "-c", "set -euo pipefail\n" + body], capture_output=True, text=True, env=environment, timeout=120)
        command = body.strip().splitlines()[0]
        if run.returncode != 0:
            sys.exit(f"walkthrough step {steps} failed ({run.returncode}): {command}\n{run.stderr}")
        answer = blocks[index + 1] if index + 1 < len(blocks) and blocks[index + 1].group(1) != "sh" else None
        if answer is None:
            continue
        if answer.group(1) == "text":
            if run.stdout.strip() != answer.group(2).strip():
                if not update:
                    sys.exit(f"walkthrough step {steps}: {command}\nexpected:\n{answer.group(2)}\ngot:\n{run.stdout}")
                replacements.append((answer, run.stdout.strip() + "\n"))
            continue
        try:
            actual = json.loads(run.stdout)
        except json.JSONDecodeError:
            sys.exit(f"walkthrough step {steps}: {command}\nthe answer is not JSON:\n{run.stdout}")
        expected = json.loads(answer.group(2))
        try:
            matches(expected, actual, captured)
        except Mismatch as mismatch:
            if not update:
                sys.exit(f"walkthrough step {steps}: {command}\n{mismatch}\nthe whole answer:\n{json.dumps(actual, indent=2, ensure_ascii=False)}")
            replacement = json.dumps(refreshed(expected, actual, captured), indent=2, ensure_ascii=False) + "\n"
            replacements.append((answer, replacement))
            # Capture what the refreshed answer names, for the steps after it.
            matches(json.loads(replacement), actual, captured)
    if update and replacements:
        for answer, replacement in sorted(replacements, key=lambda pair: pair[0].start(2), reverse=True):
            section = section[: answer.start(2)] + replacement + section[answer.end(2) :]
        open(readme, "w", encoding="utf-8").write(text[:start] + section + text[end:])
        print(f"walkthrough: rewrote {len(replacements)} answers in {readme}")
    print(f"walkthrough: {steps} steps, every answer as docs/walkthrough.md shows it")


if __name__ == "__main__":
    main()
