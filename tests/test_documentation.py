"""The documentation in docs/ covers every command, option, setting and scorecard file field.

Like datasette's documentation tests: a command, an option, a FOURFOLD_* setting, a field or
choice of the scorecard file, a key of `scores --json` or an API operation that someone adds
fails here until docs/ describes it; so do an example command line that `fourfold` would
refuse, and a relative link in docs/ or README.md that points nowhere. Nothing here starts a
process.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from fourfold import cli as cli_module
from fourfold.files import yamlsource
from fourfold.files.read import read_document
from fourfold.files.spec import Known

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
COMMAND_LINE = DOCS / "command-line.md"
CONFIGURATION = DOCS / "configuration.md"
SCORECARD_FILE = DOCS / "scorecard-file.md"
# A command's section starts with a heading naming it in backticks: ## `fourfold load FILE`.
COMMAND_HEADING = re.compile(r"^(#{2,4}) `fourfold((?: [a-z][a-z-]*)*)\b[^`]*`", re.MULTILINE)
ANY_HEADING = re.compile(r"^#{1,6} ", re.MULTILINE)
SETTING = re.compile(r"\bFOURFOLD_[A-Z][A-Z0-9_]*[A-Z0-9]")
COMMAND_LINE_EXAMPLE = re.compile(
    r"(?:[A-Z_]+=\S*\s+)*(?:(?:\.venv/bin/)?fourfold(?:\s|$)|bash scripts/demo\.sh\b)"
)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _read(path: Path) -> str:
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: write it (see docs/index.md)"
    return path.read_text(encoding="utf-8")


def _documented(text: str, word: str) -> bool:
    """Whether `word` appears as code: `--output`, `--output FILE`, `-o`, `fiscal_year_start:`."""
    return re.search(rf"`{re.escape(word)}(?![\w-])[^`]*`", text) is not None


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


# -- commands and options -------------------------------------------------------------------


@dataclass
class Command:
    name: str  # "load", "connectors run"; "" for the fourfold group itself
    command: click.Command


def _commands(group: click.Group, prefix: str = "") -> Iterator[Command]:
    yield Command(prefix, group)
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if command is None or command.hidden:
            continue
        full = f"{prefix} {name}".strip()
        if isinstance(command, click.Group):
            yield from _commands(command, full)
        else:
            yield Command(full, command)


def _sections(text: str) -> dict[str, str]:
    """Each command's section of docs/command-line.md, up to the next heading."""
    out: dict[str, str] = {}
    for match in COMMAND_HEADING.finditer(text):
        following = ANY_HEADING.search(text, match.end())
        end = following.start() if following else len(text)
        name = match.group(2).strip()
        out[name] = out.get(name, "") + text[match.start() : end]
    return out


def _options(command: click.Command) -> Iterator[str]:
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden:
            continue
        if param.name == "help":  # every command has -h, --help: documented once, up front
            continue
        yield from (*param.opts, *param.secondary_opts)


COMMANDS = list(_commands(cli_module.cli))


def test_it_finds_the_commands_it_checks() -> None:
    names = {c.name for c in COMMANDS}
    assert {"", "load", "scores", "import", "connectors", "connectors run"} <= names


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda c: c.name or "fourfold")
def test_every_command_has_its_section_in_the_command_line_page(entry: Command) -> None:
    sections = _sections(_read(COMMAND_LINE))
    shown = f"fourfold {entry.name}".strip()
    assert entry.name in sections, (
        f"`{shown}` is not documented: add a section headed ## `{shown} ...` "
        f"(### for a subcommand) to docs/command-line.md, saying what it does, its options "
        f"and an example"
    )


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda c: c.name or "fourfold")
def test_every_option_is_documented_in_its_commands_section(entry: Command) -> None:
    section = _sections(_read(COMMAND_LINE)).get(entry.name, "")
    shown = f"fourfold {entry.name}".strip()
    missing = [opt for opt in _options(entry.command) if not _documented(section, opt)]
    assert not missing, (
        f"`{shown}` has options that docs/command-line.md does not document in its section "
        f"(## `{shown} ...`): {', '.join(missing)}; add each, written as `{missing[0]}`, "
        f"with what it does"
    )


def _code_lines(text: str) -> Iterator[str]:
    """The lines of the code blocks of a Markdown page (fenced, or indented by four spaces),
    with continued lines joined."""
    fenced = False
    pending = ""
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced and not line.startswith("    "):
            continue
        line = pending + line.strip()
        pending = line[:-1] + " " if line.endswith("\\") else ""
        if not pending:
            yield line


def _examples() -> Iterator[tuple[str, list[str]]]:
    """Every `fourfold ...` (or `bash scripts/demo.sh ...`) command line in a code block of
    the documentation, as the arguments after `fourfold`."""
    for page in _pages():
        for line in _code_lines(page.read_text(encoding="utf-8")):
            command = line.removeprefix("$ ").split(" #")[0].split(" | ")[0]
            if not COMMAND_LINE_EXAMPLE.match(command):
                continue  # output, YAML, another program
            words = shlex.split(command)
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                words = words[1:]  # FOURFOLD_HOME=/tmp/demo fourfold ...
            if words[:2] == ["bash", "scripts/demo.sh"]:
                words = ["fourfold", "demo", *words[2:]]
            if words and words[0].removeprefix(".venv/bin/") == "fourfold":
                yield f"{page.relative_to(ROOT)}: {line}", words[1:]


def _parse(args: list[str]) -> None:
    """Parse a command line as `fourfold` would, without running the command."""
    group: click.Command = cli_module.cli
    context = group.make_context("fourfold", list(args))
    while isinstance(group, click.Group):
        rest = [*context._protected_args, *context.args]
        if not rest:
            return
        name, command, rest = group.resolve_command(context, rest)
        assert command is not None and name is not None
        context = command.make_context(name, rest, parent=context)
        group = command


EXAMPLES = list(_examples())


def test_it_finds_the_examples_it_checks() -> None:
    assert len(EXAMPLES) > 40
    assert any(args[:1] == ["connectors"] for _, args in EXAMPLES)


@pytest.mark.parametrize("where, args", EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_every_example_command_line_is_one_fourfold_reads(where: str, args: list[str]) -> None:
    try:
        _parse(args)
    except click.exceptions.Exit:  # --help, --version
        pass
    except click.UsageError as exc:
        pytest.fail(f"{where}: `fourfold` refuses it: {exc.format_message()}; fix the example")


# -- settings -------------------------------------------------------------------------------


def _settings_read() -> dict[str, str]:
    """Every FOURFOLD_* name in the sources of the product and its scripts, with one place."""
    found: dict[str, str] = {}
    sources = [*sorted((ROOT / "fourfold").rglob("*.py")), *sorted((ROOT / "scripts").glob("*"))]
    for path in sources:
        if not path.is_file():
            continue
        for name in SETTING.findall(path.read_text(encoding="utf-8", errors="replace")):
            found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def test_it_finds_the_settings_it_checks() -> None:
    assert {"FOURFOLD_DATABASE_URL", "FOURFOLD_HOME", "FOURFOLD_USER"} <= set(_settings_read())


def test_every_setting_is_documented_in_the_configuration_page() -> None:
    text = _read(CONFIGURATION)
    missing = {name: where for name, where in _settings_read().items() if f"`{name}`" not in text}
    assert not missing, (
        "settings read but not in docs/configuration.md: "
        + "; ".join(f"{name} (read in {where})" for name, where in sorted(missing.items()))
        + ": add a row for each to a table there, written as `FOURFOLD_...`, with its default"
    )


# -- the scorecard file ---------------------------------------------------------------------

# One item of each kind with a field no one will ever add; the reader answers with the fields
# it knows for that kind, which are the fields the page must describe.
PROBE = """\
zz_unknown: 1
organization: {name: A, zz_unknown: 1}
units:
  - code: a
    name: A
    zz_unknown: 1
    perspectives:
      - code: f
        name: F
        zz_unknown: 1
        objectives:
          - code: o
            name: O
            zz_unknown: 1
            kpis:
              - code: k
                name: K
                zz_unknown: 1
                targets: {2026-01: {target: 1, zz_unknown: 1}}
                values: {2026-01: {actual: 1, zz_unknown: 1}}
"""
# The reader's name of a kind (the start of its messages) and the page's heading for it.
KINDS = {
    "the file": "The file",
    "organization": "`organization`",
    "unit": "Units",
    "perspective": "Perspectives",
    "objective": "Objectives",
    "KPI": "KPIs",
    "target": "Targets",
    "value": "Values",
}
KNOWN = re.compile(r"^(?:KPI k, )?(the file|organization|\w+)\b.*known: ([^)]*)\)$")


def _fields_known() -> dict[str, list[str]]:
    document, problems = read_document(yamlsource.load(PROBE), Known())
    assert document is None
    found: dict[str, list[str]] = {}
    for problem in problems:
        match = KNOWN.match(f"{problem.place}: {problem.message}")
        if match and "zz_unknown" in problem.message:
            found[match.group(1)] = [f.strip() for f in match.group(2).split(",")]
    return found


def _file_sections(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    headings = list(re.finditer(r"^#{2,3} (.+)$", text, re.MULTILINE))
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        end = following.start() if following else len(text)
        out[heading.group(1).strip()] = text[heading.end() : end]
    return out


def test_it_finds_the_fields_of_every_kind_of_item() -> None:
    assert set(_fields_known()) == set(KINDS)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_field_the_reader_accepts_is_in_the_scorecard_file_page(kind: str) -> None:
    heading = KINDS[kind]
    sections = _file_sections(_read(SCORECARD_FILE))
    assert heading in sections, f"docs/scorecard-file.md has no section headed '{heading}'"
    section = sections[heading]
    missing = [
        field
        for field in _fields_known()[kind]
        if not _documented(section, field) and not _documented(section, f"{field}:")
    ]
    assert not missing, (
        f"fields ({kind}) that fourfold/files/read.py accepts but docs/scorecard-file.md does "
        f"not describe in its section '{heading}': {', '.join(missing)}; add a row for each "
        "to that section's table"
    )


def test_every_choice_the_reader_offers_is_in_the_scorecard_file_page() -> None:
    from fourfold.core import periods, scoring
    from fourfold.files import spec

    text = _read(SCORECARD_FILE)
    choices = {
        "scheme type": scoring.SCHEME_TYPES,
        "built-in scheme": tuple(scoring.BUILTIN),
        "rollup": spec.ROLLUPS,
        "direction": spec.DIRECTIONS,
        "frequency": spec.FREQUENCIES,
        "aggregation": periods.AGGREGATIONS,
        "KPI type": spec.KINDS,
    }
    missing = [f"{what} {name}" for what, names in choices.items() for name in names]
    missing = [m for m in missing if not _documented(text, m.rsplit(" ", 1)[1])]
    assert not missing, (
        f"choices that fourfold/files/ accepts but docs/scorecard-file.md does not name: "
        f"{', '.join(missing)}; describe each, written as `name`, with the field that takes it"
    )


def test_every_key_of_the_score_lines_is_in_the_command_line_page() -> None:
    from typing import get_args

    from fourfold.api.schemas import Coverage, ScoreRow

    section = _file_sections(_read(COMMAND_LINE)).get("The JSON lines of `scores --json`", "")
    keys = [*ScoreRow.model_fields, *Coverage.model_fields]
    kinds = get_args(ScoreRow.model_fields["kind"].annotation)
    missing = [k for k in [*keys, *kinds] if not _documented(section, k)]
    assert not missing, (
        "keys or kinds of the lines of `scores --json` (fourfold/api/schemas.py ScoreRow) that "
        "docs/command-line.md does not describe under '### The JSON lines of `scores --json`': "
        f"{', '.join(missing)}; add a row for each to its table"
    )


# -- the API ----------------------------------------------------------------------------------


def test_every_api_operation_is_in_the_api_page() -> None:
    from fourfold.api.api import api

    text = _read(DOCS / "api.md")
    paths = api.get_openapi_schema()["paths"]
    operations = [f"{method.upper()} {path}" for path, ops in paths.items() for method in ops]
    assert len(operations) >= 10
    missing = [op for op in operations if not _documented(text, op)]
    assert not missing, (
        "API operations that docs/api.md does not describe: " + ", ".join(missing) + "; add a "
        "row for each to the table of its kind under '## Endpoints', written as `GET /api/v1/...`"
    )


# -- links ----------------------------------------------------------------------------------


def _slug(heading: str) -> str:
    """The anchor a Git host gives a heading: lower case, punctuation dropped, '-' for spaces."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    inside_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside_code = not inside_code
        if inside_code or not re.match(r"#{1,6} ", line):
            continue
        slug = _slug(line.lstrip("#"))
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def _links(path: Path) -> Iterator[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    text = re.sub(r"`[^`\n]*`", "", text)
    for target in LINK.findall(text):
        if not re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            yield target


def test_the_documentation_pages_exist_and_have_links() -> None:
    names = {p.name for p in _pages()}
    assert {"README.md", "index.md", "command-line.md", "configuration.md"} <= names
    assert any("docs/" in link for link in _links(ROOT / "README.md"))


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_to_a_file_and_heading_that_exist(page: Path) -> None:
    broken = []
    for link in _links(page):
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        if not path.exists():
            broken.append(
                f"{link} (no file {path.relative_to(ROOT) if ROOT in path.parents else path})"
            )
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(f"{link} (no heading '#{anchor}' in {path.name})")
    assert not broken, (
        f"{page.relative_to(ROOT)} links to what does not exist: {'; '.join(broken)}; "
        "fix the link or write what it points to"
    )
