"""Small helpers the section notebooks call, so that notebooks stay thin."""

from __future__ import annotations

import html
import re

from . import claims as claims_mod
from ._lazy import pd
from .config import paths
from .i18n import check_lang

VERDICT_WORDS = {
    "zh": {
        "reproduced": "已复现",
        "reproduced with caveat": "有保留地复现",
        "contradicted": "与数据不符",
        "not checkable offline": "离线无法核验",
    },
    "en": {v: v for v in claims_mod.VERDICTS},
}
CLAIM_HEADERS = {
    "zh": {
        "claim_id": "编号",
        "statement": "论文原文",
        "paper_value": "论文数值",
        "reproduced_value": "复现数值",
        "unit": "单位",
        "verdict": "结论",
        "reason": "理由",
    },
    "en": {
        "claim_id": "Claim",
        "statement": "Paper's statement",
        "paper_value": "Paper's value",
        "reproduced_value": "Reproduced value",
        "unit": "Unit",
        "verdict": "Verdict",
        "reason": "Reason",
    },
}


def _display(obj) -> None:
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - outside IPython
        print(obj)
        return
    display(obj)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")


def md_escape(value: str) -> str:
    """Text from a source, made inert inside Markdown: Markdown syntax backslashed, HTML escaped."""
    return html.escape(_MD_SPECIAL.sub(r"\\\1", str(value)), quote=False)


def markdown(template: str, **values) -> None:
    """Narrative in the briefing's language. ``template`` is our own text; ``values`` (which may
    come from a source: a location or sponsor name) are escaped before they are filled in."""
    from IPython.display import Markdown

    safe = {k: md_escape(v) if isinstance(v, str) else v for k, v in values.items()}
    _display(Markdown(template.format(**safe) if values else template))


def notice(text: str, kind: str = "note") -> None:
    """A visible box in the output: what the data rests on, what is partial, what to run."""
    from IPython.display import HTML

    css = {
        "note": "#eef5fb;border-left:4px solid #2c7fb8",
        "warning": "#fdf3e7;border-left:4px solid #e67e22",
    }[kind]
    body = html.escape(text).replace("\n", "<br>")
    style = f"background:{css};padding:.6em 1em;margin:.6em 0"
    _display(HTML(f'<div class="exo-notice exo-{kind}" style="{style}">{body}</div>'))


def show_table(df: pd.DataFrame, caption: str | None = None, index: bool = False) -> None:
    """Display a table as escaped HTML: cell text from the internet (trial titles,
    sponsors) can never become markup."""
    from IPython.display import HTML

    cap = f"<p><strong>{html.escape(caption)}</strong></p>" if caption else ""
    table = df.to_html(index=index, escape=True, border=0, classes="exo-table", na_rep="")
    # a wrapper that scrolls sideways, so a wide table never widens the page on a phone
    _display(HTML(f'{cap}<div class="exo-scroll" role="region" tabindex="0">{table}</div>'))


def claims_table(section_prefix: str, lang: str = "zh") -> pd.DataFrame:
    """The ledger rows of one section (claim ids starting with ``<section>.``), for display."""
    check_lang(lang)
    ledger = claims_mod.read_ledger(paths().claims)
    rows = ledger[ledger["claim_id"].str.startswith(section_prefix + ".")].copy()
    rows["statement"] = [claims_mod.localized(r, "statement", lang) for _, r in rows.iterrows()]
    for field in ("reason", "paper_value", "reproduced_value", "unit"):
        rows[field] = [claims_mod.localized(r, field, lang) for _, r in rows.iterrows()]
    rows["verdict"] = rows["verdict"].map(VERDICT_WORDS[lang])
    cols = list(CLAIM_HEADERS[lang])
    return rows[cols].rename(columns=CLAIM_HEADERS[lang]).reset_index(drop=True)


def show_claims(section_prefix: str, lang: str = "zh") -> pd.DataFrame:
    table = claims_table(section_prefix, lang)
    if table.empty:
        notice(
            f"No claims for '{section_prefix}' in {paths().claims}: run `exo-industry process`.", "warning"
        )
    else:
        show_table(table)
    return table


def claim_notes(section_prefix: str, lang: str = "zh") -> None:
    """The full note of each claim, as text boxes."""
    ledger = claims_mod.read_ledger(paths().claims)
    for _, row in ledger[ledger["claim_id"].str.startswith(section_prefix + ".")].iterrows():
        verdict = VERDICT_WORDS[check_lang(lang)][row["verdict"]]
        notice(f"{row['claim_id']} — {verdict}\n{claims_mod.localized(row, 'note', lang)}")
