"""The scripts keep to the browsers README.md promises (Browsers): nothing newer.

The baseline: Chrome and Android WebView 92, Safari and iOS 15.4, Firefox 90. A feature
listed here arrived after it in at least one of them; a script using one would break
on a phone the README says works. Comments are left out of the search. When a listed
feature becomes fine (the baseline moved, in README.md too), delete its line.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted(
    path for path in (ROOT / "static" / "js").rglob("*.js") if "vendor" not in path.parts
)

# feature, pattern, (Chrome, Safari, Firefox) where it arrived
TOO_NEW = [
    ("Object.hasOwn", r"\bObject\.hasOwn\b", "93, 15.4, 92"),
    ("structuredClone", r"\bstructuredClone\s*\(", "98, 15.4, 94"),
    ("Array findLast / findLastIndex", r"\.findLast(Index)?\s*\(", "97, 15.4, 104"),
    (
        "Array toSorted / toReversed / toSpliced",
        r"\.to(Sorted|Reversed|Spliced)\s*\(",
        "110, 16, 115",
    ),
    ("Array.fromAsync", r"\bArray\.fromAsync\b", "121, 16.4, 115"),
    ("Object.groupBy / Map.groupBy", r"\b(Object|Map)\.groupBy\b", "117, 17.4, 119"),
    ("Promise.withResolvers", r"\bPromise\.withResolvers\b", "119, 17.4, 121"),
    ("Promise.try", r"\bPromise\.try\b", "128, 18.2, 134"),
    (
        "Set methods (union, intersection…)",
        r"\.(union|intersection|difference|symmetricDifference|isSubsetOf|isSupersetOf|isDisjointFrom)\s*\(",
        "122, 17, 127",
    ),
    (
        "Iterator helpers",
        r"\bIterator\.from\b|\.(values|keys|entries)\(\)\.(map|filter|take|drop|toArray|reduce|forEach|some|every|find|flatMap)\s*\(",
        "122, 18.4, 131",
    ),
    ("String isWellFormed / toWellFormed", r"\.(isWellFormed|toWellFormed)\s*\(", "111, 16.4, 119"),
    ("class static blocks", r"\bstatic\s*\{", "94, 16.4, 93"),
    ("import attributes", r"\bimport\b[^;\n]*\b(with|assert)\s*\{\s*type\s*:", "123, 17.2, 138"),
    ("import.meta.resolve", r"\bimport\.meta\.resolve\b", "105, 16.4, 106"),
    (
        "RegExp v flag",
        r"/[dgimsuy]*v[dgimsuy]*\.(test|exec)\(|new RegExp\([^)]*,\s*[\"'][a-z]*v",
        "112, 17, 116",
    ),
    ("AbortSignal.timeout / any", r"\bAbortSignal\.(timeout|any)\b", "103, 16, 100"),
    ("Element.checkVisibility", r"\.checkVisibility\s*\(", "105, 17.4, 106"),
    (
        "the popover API",
        r"\b(showPopover|hidePopover|togglePopover)\b|popover\s*[:=]",
        "114, 17, 125",
    ),
    ("the inert property", r"\.inert\s*=", "102, 15.5, 112"),
    ("requestIdleCallback", r"\brequestIdleCallback\b", "47, never, 55"),
    ("Intl.Segmenter", r"\bIntl\.Segmenter\b", "87, 14.1, 125"),
    ("Intl.DurationFormat", r"\bIntl\.DurationFormat\b", "129, 16.4, 136"),
    ("URL.parse / URL.canParse", r"\bURL\.(parse|canParse)\b", "120, 17, 115"),
    ("navigator.userActivation", r"\bnavigator\.userActivation\b", "72, 16.4, 120"),
]


def without_comments(code: str) -> str:
    """The code less its // and /* */ comments (a // inside a string stays: good enough here)."""
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    return re.sub(r"(^|[^:\"'`\\])//[^\n]*", r"\1", code)


def uses(code: str) -> list[str]:
    code = without_comments(code)
    return [
        f"{feature} (Chrome, Safari, Firefox: {since})"
        for feature, pattern, since in TOO_NEW
        if re.search(pattern, code)
    ]


def test_there_are_scripts_to_check():
    assert len(SCRIPTS) > 10


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_a_script_uses_nothing_newer_than_the_baseline(script):
    assert uses(script.read_text()) == []


def test_the_check_finds_what_it_looks_for():
    code = """
    // Object.hasOwn in a comment is fine
    const copy = structuredClone(state);
    class A { static { A.ready = true; } }
    const last = items.findLast((item) => item.done);
    """
    assert [found.split(" (")[0] for found in uses(code)] == [
        "structuredClone",
        "Array findLast / findLastIndex",
        "class static blocks",
    ]


def test_the_readme_states_the_baseline():
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "Chrome and Android WebView 92, Safari and iOS 15.4, Firefox 90" in readme
