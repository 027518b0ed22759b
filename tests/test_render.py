"""The Jinja environment: escaping, sandbox, strict undefined, firm overrides."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import markdown
import pytest

from generator.errors import TemplateError
from generator.render import Md, escape_md, make_env, render

REPO = Path(__file__).resolve().parent.parent


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "value",
    [
        "<script>alert(1)</script>",
        "**粗體** _斜體_ `code`",
        "[連結](http://example.com)",
        "a | b | c",
        "# 不是標題",
        "- 不是清單",
        "1. 不是編號",
        "R&D 部門 <b>",
        "{: #attr }",
        "\\反斜線\\",
    ],
)
def test_escaped_values_render_literally(value: str) -> None:
    html = markdown.markdown(escape_md(value), extensions=["tables", "attr_list"])
    text = html.removeprefix("<p>").removesuffix("</p>")
    assert "<script>" not in html and "<a " not in html and "<strong>" not in html
    assert text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">") == value


def test_escaped_value_stays_in_its_table_cell() -> None:
    source = f"| a | b |\n| --- | --- |\n| {escape_md('x | y')} | z |\n"
    html = markdown.markdown(source, extensions=["tables"])
    assert html.count("<td>") == 2


def test_data_is_never_rendered_as_template_source(tmp_path: Path) -> None:
    templates = tree(tmp_path / "t", {"page.md.j2": "名稱：{{ name }}\n"})
    env = make_env(templates, None, "iso")
    out = render(env, ["page.md.j2"], {"name": "{{ 7 * 7 }}{% raw %}"}, "page.md")
    assert out == "名稱：\\{\\{ 7 \\* 7 \\}\\}\\{% raw %\\}\n"


def test_md_values_pass_through_unescaped(tmp_path: Path) -> None:
    templates = tree(tmp_path / "t", {"p.md.j2": "{{ a }} {{ b }}\n"})
    env = make_env(templates, None, "iso")
    assert (
        render(env, ["p.md.j2"], {"a": Md("**x**"), "b": "**x**"}, "p.md")
        == "**x** \\*\\*x\\*\\*\n"
    )


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    templates = tree(tmp_path / "t", {"p.md.j2": "{{ ''.__class__.__mro__ }}\n"})
    env = make_env(templates, None, "iso")
    with pytest.raises(TemplateError) as info:
        render(env, ["p.md.j2"], {}, "p.md")
    assert info.value.issues[0].code == "template-render"


@pytest.mark.parametrize(
    "source",
    [
        "{{ row._hidden }}",  # a private attribute of a record
        "{{ '{0.__class__}'.format(row) }}",  # str.format reaching internals
        "{{ row.name.format_map({'x': row}) }}",  # the field holds '{x.__class__}'
        "{{ row.name.format_map({}) }}",  # a bad format is a template error, not a crash
        "{{ row.__dict__ }}",
    ],
)
def test_sandbox_attribute_reads_stay_guarded(tmp_path: Path, source: str) -> None:
    @dataclass
    class Row:
        name: str
        _hidden: str = "secret"

    templates = tree(tmp_path / "t", {"p.md.j2": source + "\n"})
    env = make_env(templates, None, "iso")
    with pytest.raises(TemplateError):
        render(env, ["p.md.j2"], {"row": Row("{x.__class__}")}, "p.md")


def test_sandbox_attribute_reads_of_fields_items_and_methods(tmp_path: Path) -> None:
    @dataclass
    class Row:
        name: str

    source = "{{ row.name }} {{ item.key }} {{ item.missing is undefined }} {{ ', '.join(xs) }}\n"
    templates = tree(tmp_path / "t", {"p.md.j2": source})
    env = make_env(templates, None, "iso")
    context = {"row": Row("甲"), "item": {"key": "乙"}, "xs": ["a", "b"]}
    assert render(env, ["p.md.j2"], context, "p.md") == "甲 乙 是 a, b\n"


def test_undefined_names_fail_with_template_line(tmp_path: Path) -> None:
    templates = tree(tmp_path / "t", {"p.md.j2": "first line\n{{ missing }}\n"})
    env = make_env(templates, None, "iso")
    with pytest.raises(TemplateError) as info:
        render(env, ["p.md.j2"], {}, "p.md")
    issue = info.value.issues[0]
    assert issue.location is not None
    assert issue.location.path.endswith("t/p.md.j2")
    assert issue.location.line == 2
    assert "p.md" in issue.message


def test_override_replaces_a_whole_template(tmp_path: Path) -> None:
    templates = tree(tmp_path / "t", {"pages/x.md.j2": "default\n"})
    overrides = tree(tmp_path / "o", {"pages/x.md.j2": "firm's own\n"})
    env = make_env(templates, overrides, "iso")
    assert render(env, ["pages/x.md.j2"], {}, "x.md") == "firm's own\n"


def test_override_extends_default_and_replaces_one_block(tmp_path: Path) -> None:
    templates = tree(
        tmp_path / "t",
        {
            "pages/x.md.j2": "{% block head %}標題{% endblock %}\n{% block body %}內文{% endblock %}\n"
        },
    )
    overrides = tree(
        tmp_path / "o",
        {
            "pages/x.md.j2": '{% extends "default:pages/x.md.j2" %}'
            "{% block body %}{{ super() }}，另加本公司說明{% endblock %}"
        },
    )
    env = make_env(templates, overrides, "iso")
    assert render(env, ["pages/x.md.j2"], {}, "x.md") == "標題內文，另加本公司說明"


def test_most_specific_template_wins(tmp_path: Path) -> None:
    templates = tree(
        tmp_path / "t", {"pages/system.md.j2": "generic\n", "pages/system-oms.md.j2": "oms\n"}
    )
    env = make_env(templates, None, "iso")
    pick = ["pages/system-oms.md.j2", "pages/system.md.j2"]
    assert render(env, pick, {}, "x.md") == "oms\n"
    assert render(env, ["pages/system-crm.md.j2", "pages/system.md.j2"], {}, "x.md") == "generic\n"


def test_dates_follow_the_firm_date_style(tmp_path: Path) -> None:
    import datetime as dt

    templates = tree(tmp_path / "t", {"p.md.j2": "{{ d }}\n"})
    day = dt.date(2026, 1, 15)
    assert (
        render(make_env(templates, None, "roc"), ["p.md.j2"], {"d": day}, "p")
        == "民國115年1月15日\n"
    )
    assert render(make_env(templates, None, "iso"), ["p.md.j2"], {"d": day}, "p") == "2026-01-15\n"
